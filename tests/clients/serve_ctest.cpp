// serve_ctest.cpp — the `ktk serve` process contract: the ready line, the kubeconfig,
// --crds installed before readiness, clean exit on SIGTERM, clear errors.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "serve_process.hpp"

namespace {

using ktk::test::run_command;
using ktk::test::serve_process;

TEST(serve, prints_the_ready_line_and_writes_a_kubeconfig) {
  serve_process s;
  EXPECT_TRUE(s.url().starts_with("http://127.0.0.1:")) << s.url();
  std::ifstream in(s.kubeconfig());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("server: " + s.url()), std::string::npos) << text;
  EXPECT_EQ(s.stop(), 0);
}

TEST(serve, crds_are_installed_before_it_reports_ready) {
  serve_process s({"--crds", KTK_CLIENTS_DATA_DIR "/crds"});
  auto kubectl = ktk::test::find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on PATH";
  auto r = run_command({*kubectl, "--kubeconfig", s.kubeconfig().string(), "get", "crd", "-o", "name"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("networks.samplecrd.k8s.io"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ats.cnat.programming-kubernetes.info"), std::string::npos) << r.out;
}

TEST(serve, a_broken_crd_file_is_reported_with_its_name_and_line) {
  auto r = run_command({KTK_BINARY, "serve", "--port", "0", "--crds", KTK_CLIENTS_DATA_DIR "/broken/bad.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.yaml:4:"), std::string::npos) << r.err;
}

TEST(serve, tokens_without_tls_are_warned_about) {
  const auto tokens = std::filesystem::temp_directory_path() / ("ktk-serve-tokens-" + std::to_string(::getpid()));
  std::ofstream(tokens) << "t0k3n,alice,1,\"devs\"\n";
  serve_process s({"--token-auth-file", tokens.string()});
  std::filesystem::remove(tokens);
  EXPECT_NE(s.stderr_so_far().find("warning: --token-auth-file without --tls"), std::string::npos) << s.stderr_so_far();
  serve_process quiet;
  EXPECT_EQ(quiet.stderr_so_far().find("warning"), std::string::npos) << quiet.stderr_so_far();
}

TEST(serve, a_service_account_key_that_cannot_sign_is_reported) {
  auto r = run_command({KTK_BINARY, "serve", "--port", "0", "--service-account-signing-key-file",
                        KTK_CLIENTS_DATA_DIR "/broken/bad.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ktk serve: --service-account-signing-key-file: service account signing key: not a PEM "
                       "private key"),
            std::string::npos)
      << r.err;
  r = run_command({KTK_BINARY, "serve", "--port", "0", "--service-account-signing-key-file", "/no/such/key.pem"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot read /no/such/key.pem"), std::string::npos) << r.err;
}

TEST(serve, unknown_flags_are_usage_errors) {
  auto r = run_command({KTK_BINARY, "serve", "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown flag --bogus"), std::string::npos) << r.err;
}

TEST(serve, a_port_in_use_is_reported) {
  serve_process first;
  auto port = first.url().substr(first.url().rfind(':') + 1);
  auto r = run_command({KTK_BINARY, "serve", "--port", port}, {}, {}, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen"), std::string::npos) << r.err;
}

// Opens a watch on a raw socket and reads the response header: the watch is then
// established, with no sleeping.
int open_watch(const std::string& url) {
  auto port = std::stoi(url.substr(url.rfind(':') + 1));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
  std::string req = "GET /api/v1/namespaces/default/configmaps?watch=true HTTP/1.1\r\nHost: x\r\n\r\n";
  if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) return -1;
  std::string got;
  char c;
  while (got.find("\r\n\r\n") == std::string::npos && read(fd, &c, 1) == 1) got.push_back(c);
  return fd;
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  close(fd);
  return out;
}

TEST(serve, sigterm_ends_open_watches_cleanly_and_exits_zero) {
  serve_process s;
  int fd = open_watch(s.url());
  ASSERT_GE(fd, 0);
  EXPECT_EQ(s.stop(), 0);
  // The chunked body ends with its last chunk: the watch was ended, not cut.
  EXPECT_TRUE(read_all(fd).ends_with("0\r\n\r\n"));
}

TEST(serve, tls_serves_https_to_kubectl_and_the_python_client_with_the_written_credentials) {
  serve_process s({"--tls"});
  EXPECT_TRUE(s.url().starts_with("https://127.0.0.1:")) << s.url();
  std::ifstream in(s.kubeconfig());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("certificate-authority-data: "), std::string::npos) << text;
  EXPECT_NE(text.find("token: "), std::string::npos) << text;
  if (auto kubectl = ktk::test::find_kubectl()) {
    auto r = run_command({*kubectl, "--kubeconfig", s.kubeconfig().string(), "get", "ns", "default", "-o", "name"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "namespace/default\n");
    // The same server with a wrong token: 401, which kubectl reports as such. (With no
    // credentials at all kubectl would prompt for a username on the 401.)
    std::string anon = text.substr(0, text.find("users:")) + "users:\n- name: ktk\n  user:\n    token: wrong\n";
    auto anon_path = s.dir() / "anonymous";
    std::ofstream(anon_path) << anon;
    auto denied = run_command({*kubectl, "--kubeconfig", anon_path.string(), "get", "ns"});
    EXPECT_NE(denied.exit_code, 0);
    EXPECT_NE(denied.err.find("Unauthorized"), std::string::npos) << denied.err;
  }
  if (auto python = ktk::test::find_python_with_kubernetes()) {
    auto r = run_command({*python, "-c",
                          "import sys\n"
                          "from kubernetes import client, config\n"
                          "config.load_kube_config(sys.argv[1])\n"
                          "print(client.CoreV1Api().read_namespace('default').metadata.name)\n",
                          s.kubeconfig().string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "default\n");
  }
  EXPECT_EQ(s.stop(), 0);
}

}  // namespace
