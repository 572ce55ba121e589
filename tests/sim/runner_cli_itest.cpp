// `ktk sim run`: exit codes, the report files, and file:line errors before anything runs.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sim_files.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path examples = fs::path(KTK_SOURCE_DIR) / "examples" / "scenarios";

using sim_test::temp_dir;

using sim_test::read_file;

// Runs `ktk sim ARGS`, output to files in dir; the exit code.
int ktk_sim(const std::string& args, const temp_dir& dir) {
  std::ostringstream cmd;  // (not string +: g++ 12 warns falsely on that chain)
  cmd << "'" << KTK_BINARY << "' sim " << args << " >'" << (dir.path() / "out").string() << "' 2>'"
      << (dir.path() / "err").string() << "'";
  int rc = std::system(cmd.str().c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(SimCli, RunsTheDeploymentChainAndWritesItsReports) {
  temp_dir dir;
  const fs::path reports = dir.path() / "reports";
  ASSERT_EQ(ktk_sim("run '" + (examples / "deployment-chain.yaml").string() + "' --report-dir '" + reports.string() +
                        "' --junit '" + (dir.path() / "j.xml").string() + "'",
                    dir),
            0)
      << read_file(dir.path() / "out") << read_file(dir.path() / "err");
  const std::string out = read_file(dir.path() / "out");
  EXPECT_NE(out.find("ktk sim: PASS"), std::string::npos) << out;
  EXPECT_NE(out.find("ok   the ReplicaSet replaces it"), std::string::npos) << out;
  const std::string junit = read_file(reports / "junit.xml");
  EXPECT_NE(junit.find("failures=\"0\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("never fewer than 10 Pods available during the rollout"), std::string::npos);
  EXPECT_EQ(read_file(dir.path() / "j.xml"), junit);
  EXPECT_NE(read_file(reports / "report.html").find("<svg"), std::string::npos);
  EXPECT_NE(read_file(reports / "timeline.json").find("\"transitions\""), std::string::npos);
}

TEST(SimCli, AFailedExpectationExitsOne) {
  temp_dir dir;
  std::ofstream(dir.path() / "s.yaml") << "name: fails\nsteps:\n"
                                          "  - expect:\n"
                                          "      count: {kind: Node}\n"
                                          "      equals: 5\n";
  EXPECT_EQ(ktk_sim("run '" + (dir.path() / "s.yaml").string() + "' --junit '" + (dir.path() / "j.xml").string() + "'",
                    dir),
            1);
  const std::string out = read_file(dir.path() / "out");
  EXPECT_NE(out.find("ktk sim: FAIL"), std::string::npos) << out;
  // The step line says FAIL too, with what was expected and what was seen.
  EXPECT_NE(out.find("] FAIL "), std::string::npos) << out;
  EXPECT_EQ(out.find("] ok   "), std::string::npos) << out;
  EXPECT_NE(read_file(dir.path() / "j.xml").find("failures=\"1\""), std::string::npos) << read_file(dir.path() / "j.xml");
}

TEST(SimCli, AMalformedScenarioNamesFileAndLineAndRunsNothing) {
  temp_dir dir;
  const fs::path file = dir.path() / "bad.yaml";
  std::ofstream(file) << "name: bad\nsteps:\n  - wait_for:\n      count: {kind: Pod}\n      equals: 1\n"
                         "  - sleep: forever\n";
  EXPECT_EQ(ktk_sim("run '" + file.string() + "'", dir), 2);
  const std::string err = read_file(dir.path() / "err");
  EXPECT_NE(err.find(file.string() + ":3:"), std::string::npos) << err;  // wait_for without a timeout
  EXPECT_NE(err.find(file.string() + ":6:"), std::string::npos) << err;  // not a duration
  EXPECT_NE(err.find("nothing ran"), std::string::npos) << err;
  EXPECT_EQ(read_file(dir.path() / "out"), "");
}

// The build links the allocator cmake chose (KTK_MALLOC) into `ktk`, and the
// program finds it at run time: a linker that dropped the library would show here.
TEST(KtkCli, VersionNamesTheMallocTheBuildChose) {
  temp_dir dir;
  const std::string cmd = std::string("'") + KTK_BINARY + "' version >'" + (dir.path() / "out").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string out = read_file(dir.path() / "out");
  EXPECT_EQ(out.rfind("ktk ", 0), 0u) << out;
  EXPECT_NE(out.find(std::string("\nmalloc: ") + KTK_MALLOC_USED + "\n"), std::string::npos) << out;
}

TEST(SimCli, UsageErrorsExitTwo) {
  temp_dir dir;
  EXPECT_EQ(ktk_sim("", dir), 2);
  EXPECT_EQ(ktk_sim("walk", dir), 2);
  EXPECT_EQ(ktk_sim("run", dir), 2);
  EXPECT_EQ(ktk_sim("run a.yaml --seed x", dir), 2);
  EXPECT_EQ(ktk_sim("run '" + (examples / "deployment-chain.yaml").string() + "' --bogus", dir), 2);
  EXPECT_EQ(ktk_sim("--help", dir), 0);
}

}  // namespace
