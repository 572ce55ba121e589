// batch/v1 Jobs and CronJobs: pkg/apis/batch/v1/defaults.go, pkg/apis/batch/validation,
// pkg/registry/batch/{job,cronjob}/strategy.go.
#include "pod_spec.hpp"
#include "strategies.hpp"
#include "workload_common.hpp"

namespace ktk::apiserver::detail {
namespace {

void default_job_spec(json& spec) {
  if (!get(spec, "completions") && !get(spec, "parallelism")) spec["completions"] = 1;
  set_default(spec, "parallelism", 1);
  set_default(spec, "backoffLimit", get(spec, "backoffLimitPerIndex") ? 2147483647 : 6);
  set_default(spec, "completionMode", "NonIndexed");
  set_default(spec, "suspend", false);
  set_default(spec, "podReplacementPolicy", get(spec, "podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
  default_pod_template(ensure_object(spec, "template"));
}

// validateJobSpec: counts, completion mode, the pod template (restartPolicy OnFailure or
// Never), and the selector against the template's labels when there is one.
void validate_job_spec(field_errors& errs, const json& spec, const std::string& path) {
  for (const char* key : {"parallelism", "completions", "backoffLimit", "activeDeadlineSeconds",
                          "ttlSecondsAfterFinished"})
    check_non_negative(errs, spec, key, path + "." + key);
  if (const json* mode = get(spec, "completionMode")) {
    if (*mode != "NonIndexed" && *mode != "Indexed") {
      errs.push_back(not_supported(path + ".completionMode", *mode, {"NonIndexed", "Indexed"}));
    } else if (*mode == "Indexed" && !get(spec, "completions")) {
      errs.push_back(field_error::required(path + ".completions", "when completion mode is Indexed"));
    }
  }
  const json* sel = get(spec, "selector");
  if (sel) {
    auto sel_errs = validate_label_selector(*sel, path + ".selector");
    errs.insert(errs.end(), sel_errs.begin(), sel_errs.end());
    const json* labels = get(member(member(spec, "template"), "metadata"), "labels");
    if (sel_errs.empty() && !selector_matches(*sel, labels))
      errs.push_back(invalid_rendered(path + ".template.metadata.labels", go_string_map(labels),
                                      "`selector` does not match template `labels`"));
  }
  const json& tmpl = member(spec, "template");
  auto t = validate_pod_template(tmpl, path + ".template");
  errs.insert(errs.end(), t.begin(), t.end());
  if (const json* rp = get(member(tmpl, "spec"), "restartPolicy"); rp && *rp != "OnFailure" && *rp != "Never")
    errs.push_back(not_supported(path + ".template.spec.restartPolicy", *rp, {"OnFailure", "Never"}));
}

// The template with the fields a suspended Job may change removed.
json template_for_compare(const json& tmpl, bool suspended) {
  json t = tmpl;
  if (suspended && t.is_object()) {
    if (json* meta = get(t, "metadata")) {
      meta->erase("labels");
      meta->erase("annotations");
    }
    if (json* spec = get(t, "spec"))
      for (const char* key : {"nodeSelector", "tolerations", "affinity", "schedulingGates"}) spec->erase(key);
  }
  return normalized(t);
}

class job_strategy final : public workload_strategy {
 public:
  void prepare_for_create(object& obj) const override {
    workload_strategy::prepare_for_create(obj);
    json& spec = ensure_object(obj.data(), "spec");
    json& tmpl = ensure_object(spec, "template");
    json& labels = ensure_object(ensure_object(tmpl, "metadata"), "labels");
    // SetDefaults_Job copies the user's template labels before the selector is generated.
    if (obj.labels_json().empty() && !labels.empty()) obj.metadata()["labels"] = labels;
    const json* manual = get(spec, "manualSelector");
    if (manual && *manual == true) return;
    std::string name(obj.name()), uid(obj.uid());
    for (const char* key : {"job-name", "batch.kubernetes.io/job-name"}) set_default(labels, key, name);
    for (const char* key : {"controller-uid", "batch.kubernetes.io/controller-uid"}) set_default(labels, key, uid);
    json& match = ensure_object(ensure_object(spec, "selector"), "matchLabels");
    set_default(match, "batch.kubernetes.io/controller-uid", uid);
  }

  void apply_defaults(object& obj) const override {
    json& spec = ensure_object(obj.data(), "spec");
    if (obj.labels_json().empty()) {
      const json* labels = get(member(member(spec, "template"), "metadata"), "labels");
      if (labels && labels->is_object() && !labels->empty()) obj.metadata()["labels"] = *labels;
    }
    default_job_spec(spec);
  }

  field_errors validate_create(const object& obj) const override {
    field_errors errs;
    const json& spec = member(obj.data(), "spec");
    if (!get(spec, "selector")) errs.push_back(field_error::required("spec.selector"));
    validate_job_spec(errs, spec, "spec");
    return errs;
  }

  field_errors validate_update(const object& obj, const object& old) const override {
    field_errors errs = validate_create(obj);
    const json& spec = member(obj.data(), "spec");
    const json& old_spec = member(old.data(), "spec");
    validate_selector_immutable(errs, spec, old_spec);
    bool suspended = get(old_spec, "suspend") && old_spec["suspend"] == true;
    if (template_for_compare(member(spec, "template"), suspended) !=
        template_for_compare(member(old_spec, "template"), suspended))
      errs.push_back(invalid_rendered("spec.template", member(spec, "template").dump(), "field is immutable"));
    for (const char* key : {"completionMode", "completions"}) {
      const json* a = get(spec, key);
      const json* b = get(old_spec, key);
      if ((a == nullptr) != (b == nullptr) || (a && *a != *b))
        errs.push_back(invalid_rendered(std::string("spec.") + key, a ? bad_value(*a) : "null", "field is immutable"));
    }
    return errs;
  }
};

class cronjob_strategy final : public workload_strategy {
 public:
  void apply_defaults(object& obj) const override {
    json& spec = ensure_object(obj.data(), "spec");
    set_default(spec, "concurrencyPolicy", "Allow");
    set_default(spec, "suspend", false);
    set_default(spec, "successfulJobsHistoryLimit", 3);
    set_default(spec, "failedJobsHistoryLimit", 1);
    json& job_spec = ensure_object(ensure_object(spec, "jobTemplate"), "spec");
    default_pod_template(ensure_object(job_spec, "template"));
  }

  field_errors validate_create(const object& obj) const override {
    field_errors errs;
    if (obj.name().size() > 52)
      errs.push_back(field_error::invalid("metadata.name", core::quote(std::string(obj.name())),
                                          "must be no more than 52 characters"));
    validate_spec(errs, member(obj.data(), "spec"));
    return errs;
  }

  field_errors validate_update(const object& obj, const object& old) const override {
    (void)old;
    field_errors errs;
    validate_spec(errs, member(obj.data(), "spec"));
    return errs;
  }

 private:
  static void validate_spec(field_errors& errs, const json& spec) {
    std::string schedule = get_string(spec, "schedule");
    if (schedule.empty()) {
      errs.push_back(field_error::required("spec.schedule"));
    } else if (schedule.find("TZ") != std::string::npos) {
      errs.push_back(field_error::invalid("spec.schedule", core::quote(schedule),
                                          "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
    } else if (std::string err = cron_schedule_error(schedule); !err.empty()) {
      errs.push_back(field_error::invalid("spec.schedule", core::quote(schedule), err));
    }
    if (const json* cp = get(spec, "concurrencyPolicy"); cp && *cp != "Allow" && *cp != "Forbid" && *cp != "Replace")
      errs.push_back(not_supported("spec.concurrencyPolicy", *cp, {"Allow", "Forbid", "Replace"}));
    for (const char* key : {"startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"})
      check_non_negative(errs, spec, key, std::string("spec.") + key);
    const json& job_spec = member(member(spec, "jobTemplate"), "spec");
    validate_job_spec(errs, job_spec, "spec.jobTemplate.spec");
    if (const json* sel = get(job_spec, "selector"))
      errs.push_back(invalid_rendered("spec.jobTemplate.spec.selector", go_label_selector(sel),
                                      "`selector` will be auto-generated"));
    if (const json* manual = get(job_spec, "manualSelector"); manual && *manual == true)
      errs.push_back(field_error::not_supported("spec.jobTemplate.spec.manualSelector", "true", {"nil", "false"}));
  }
};

}  // namespace

strategy_ptr make_job_strategy() { return std::make_shared<job_strategy>(); }
strategy_ptr make_cronjob_strategy() { return std::make_shared<cronjob_strategy>(); }

}  // namespace ktk::apiserver::detail
