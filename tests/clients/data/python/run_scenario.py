# run_scenario.py SCENARIO — runs one scenario of the official Python client against
# the server named by $KUBECONFIG. Exit 0 on success; 1 with the failed check (and
# its traceback) on stderr; 2 for an unknown scenario.
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kubernetes import config  # noqa: E402

import scenarios_auth  # noqa: E402
import scenarios_core  # noqa: E402
import scenarios_list  # noqa: E402
import scenarios_subresources  # noqa: E402
import scenarios_watch  # noqa: E402

SCENARIOS = {}
for module in (scenarios_core, scenarios_list, scenarios_watch, scenarios_subresources, scenarios_auth):
    for name, fn in module.SCENARIOS.items():
        assert name not in SCENARIOS, "duplicate scenario " + name
        SCENARIOS[name] = fn


def main(argv):
    if len(argv) != 2 or argv[1] not in SCENARIOS:
        sys.stderr.write("usage: run_scenario.py SCENARIO\nscenarios: %s\n" % " ".join(sorted(SCENARIOS)))
        return 2
    config.load_kube_config()
    try:
        SCENARIOS[argv[1]]()
    except Exception as e:  # every failure, ours or the client's, is reported the same way
        traceback.print_exc()
        sys.stderr.write("SCENARIO %s FAILED: %s: %s\n" % (argv[1], type(e).__name__, e))
        return 1
    print("scenario %s passed" % argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
