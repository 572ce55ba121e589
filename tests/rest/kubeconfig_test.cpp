#include "ktk/client/rest/kubeconfig.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

namespace fs = std::filesystem;
using namespace ktk::client::rest;

namespace {

const fs::path data_dir = fs::path(KTK_REST_TESTDATA_DIR) / "kubeconfig";

std::string abs(const fs::path& rel) { return fs::absolute(data_dir / rel).lexically_normal().string(); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh directory under the system's temporary one, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("ktk-kubeconfig-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const fs::path& path() const { return path_; }
  std::string write(const fs::path& rel, const std::string& text) const {
    fs::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel, std::ios::binary) << text;
    return (path_ / rel).string();
  }

 private:
  fs::path path_;
};

// The config_error `f` throws; a test failure when it throws nothing.
template <class F>
config_error error_of(F f) {
  try {
    f();
  } catch (const config_error& e) {
    return e;
  }
  ADD_FAILURE() << "no config_error thrown";
  return config_error("", 0, "");
}

config_error parse_error(const std::string& yaml) {
  return error_of([&] { parse_kubeconfig(yaml, "inline.yaml"); });
}

config_error resolve_error(const std::string& yaml, const config_options& opts = {}) {
  return error_of([&] { resolve_config(parse_kubeconfig(yaml, "inline.yaml"), opts); });
}

const std::string ca_pem = slurp(data_dir / "certs/ca.crt");
const std::string cert_pem = slurp(data_dir / "certs/client.crt");
const std::string key_pem = slurp(data_dir / "certs/client.key");

resolved_config full(const config_options& opts = {}) {
  return resolve_config(load_kubeconfig_file(data_dir / "full.yaml"), opts);
}

}  // namespace

// ---- parsing ---------------------------------------------------------------------

TEST(KubeconfigParse, ReadsEveryFieldAndResolvesPathsAgainstTheFile) {
  const auto file = (data_dir / "full.yaml").string();
  auto kc = load_kubeconfig_file(file);
  EXPECT_EQ(kc.current_context, "prod");
  EXPECT_EQ(kc.files, std::vector<std::string>{file});
  ASSERT_EQ(kc.clusters.size(), 5u);
  ASSERT_EQ(kc.users.size(), 5u);
  ASSERT_EQ(kc.contexts.size(), 6u);

  const auto& prod = kc.clusters.at("prod");
  EXPECT_EQ(prod.server, "https://prod.example.com:6443");
  EXPECT_EQ(prod.certificate_authority_data, ca_pem);  // base64 decoded
  EXPECT_EQ(prod.tls_server_name, "kubernetes.default");
  EXPECT_EQ(prod.origin, file);
  EXPECT_EQ(prod.line, 8);
  EXPECT_EQ(kc.clusters.at("staging").certificate_authority, abs("certs/ca.crt"));
  EXPECT_EQ(kc.clusters.at("wrapped").certificate_authority_data, ca_pem);  // a block with line breaks
  EXPECT_TRUE(kc.clusters.at("lab").insecure_skip_tls_verify);

  EXPECT_EQ(kc.users.at("admin").client_certificate_data, cert_pem);
  EXPECT_EQ(kc.users.at("admin").client_key_data, key_pem);
  EXPECT_EQ(kc.users.at("ci").token_file, abs("certs/token"));
  EXPECT_EQ(kc.users.at("basic").username, "alice");
  EXPECT_EQ(kc.users.at("basic").password, "s3cret");
  EXPECT_EQ(kc.users.at("cert-files").client_key, abs("certs/client.key"));  // ./certs/../ cleaned

  EXPECT_EQ(kc.contexts.at("prod").namespace_, "shop");
  EXPECT_EQ(kc.contexts.at("anonymous").user, "");
}

TEST(KubeconfigParse, EmptyTextGivesAnEmptyKubeconfig) {
  for (const char* text : {"", "   \n", "# only a comment\n", "---\n"}) {
    auto kc = parse_kubeconfig(text);
    EXPECT_TRUE(kc.clusters.empty() && kc.users.empty() && kc.contexts.empty()) << text;
    EXPECT_EQ(kc.current_context, "");
  }
}

TEST(KubeconfigParse, RelativePathsStayAsWrittenWithoutABaseDirectory) {
  const std::string yaml = "clusters:\n- name: c\n  cluster: {server: s, certificate-authority: ca.pem}\n";
  EXPECT_EQ(parse_kubeconfig(yaml).clusters.at("c").certificate_authority, "ca.pem");
  EXPECT_EQ(parse_kubeconfig(yaml, "x", "/etc/kube").clusters.at("c").certificate_authority, "/etc/kube/ca.pem");
  const std::string absolute = "clusters:\n- name: c\n  cluster: {certificate-authority: /a/ca.pem}\n";
  EXPECT_EQ(parse_kubeconfig(absolute, "x", "/etc/kube").clusters.at("c").certificate_authority, "/a/ca.pem");
}

TEST(KubeconfigParse, MalformedYamlNamesTheFileAndLine) {
  const auto file = (data_dir / "malformed.yaml").string();
  auto e = error_of([&] { load_kubeconfig_file(file); });
  EXPECT_EQ(e.source(), file);
  EXPECT_EQ(e.line(), 8);
  EXPECT_EQ(e.what(), file + ":8: malformed YAML: end of map not found");
}

TEST(KubeconfigParse, ClustersAsAMappingIsAnErrorOnItsLine) {
  const auto file = (data_dir / "wrong-type.yaml").string();
  auto e = error_of([&] { load_kubeconfig_file(file); });
  EXPECT_EQ(e.what(), file + ":4: clusters must be a list of {name, cluster} entries");
}

TEST(KubeconfigParse, UnreadableFileIsAnErrorNamingIt) {
  auto e = error_of([&] { load_kubeconfig_file(data_dir / "no-such-file.yaml"); });
  EXPECT_EQ(e.source(), (data_dir / "no-such-file.yaml").string());
  EXPECT_NE(e.message().find("cannot read the kubeconfig"), std::string::npos) << e.what();
}

TEST(KubeconfigParse, ErrorsCarryTheLineOfTheOffendingNode) {
  struct tc {
    std::string yaml;
    std::string what;
  };
  const std::vector<tc> cases{
      {"[1, 2]\n",
       "inline.yaml:1: a kubeconfig is a mapping (apiVersion, kind, clusters, users, contexts, current-context)"},
      {"apiVersion: v1\nkind: Pod\n", "inline.yaml:2: kind \"Pod\" is not a kubeconfig (kind: Config)"},
      {"apiVersion: v2\n", "inline.yaml:1: apiVersion \"v2\" is not a kubeconfig's (v1)"},
      {"clusters:\n- name: a\n  cluster:\n    certificate-authority-data: '!!!'\n",
       "inline.yaml:4: certificate-authority-data is not valid base64"},
      {"users:\n- name: u\n  user:\n    client-key-data: abc\n", "inline.yaml:4: client-key-data is not valid base64"},
      {"clusters:\n- name: a\n- name: a\n", "inline.yaml:3: clusters: duplicate name \"a\""},
      {"contexts:\n- context: {cluster: a}\n", "inline.yaml:2: contexts[0] has no name"},
      {"users:\n- just-a-string\n", "inline.yaml:2: users[0] must be a mapping with name and user"},
      {"clusters:\n- name: a\n  cluster: [1]\n", "inline.yaml:3: cluster \"a\" must be a mapping"},
      {"clusters:\n- name: a\n  cluster:\n    insecure-skip-tls-verify: maybe\n",
       "inline.yaml:4: insecure-skip-tls-verify must be true or false"},
      {"clusters:\n- name: a\n  cluster:\n    server: {host: x}\n", "inline.yaml:4: server must be a string"},
      {"users:\n- name: u\n  user:\n    exec: command\n", "inline.yaml:4: exec must be a mapping"},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_error(c.yaml).what(), c.what) << c.yaml;
}

TEST(KubeconfigParse, YamlBooleansAndNullsAreAccepted) {
  auto kc = parse_kubeconfig(
      "current-context: ~\nclusters:\n- name: a\n  cluster: {insecure-skip-tls-verify: yes, server: null}\n"
      "users: null\ncontexts:\n- name: c\n  context:\n");
  EXPECT_TRUE(kc.clusters.at("a").insecure_skip_tls_verify);
  EXPECT_EQ(kc.clusters.at("a").server, "");
  EXPECT_TRUE(kc.users.empty());
  EXPECT_EQ(kc.contexts.count("c"), 1u);
  EXPECT_EQ(kc.current_context, "");
}

// ---- resolving a context ---------------------------------------------------------

TEST(KubeconfigResolve, CurrentContextWithInlineCredentials) {
  auto r = full();
  EXPECT_EQ(r.context_name, "prod");
  EXPECT_EQ(r.namespace_, "shop");
  EXPECT_FALSE(r.in_cluster);
  EXPECT_EQ(r.files, std::vector<std::string>{(data_dir / "full.yaml").string()});
  EXPECT_EQ(r.config.server, "https://prod.example.com:6443");
  EXPECT_EQ(r.config.certificate_authority_pem, ca_pem);
  EXPECT_EQ(r.config.tls_server_name, "kubernetes.default");
  EXPECT_EQ(r.config.client_certificate_pem, cert_pem);
  EXPECT_EQ(r.config.client_key_pem, key_pem);
  EXPECT_EQ(r.config.bearer_token, "");
  EXPECT_EQ(r.config.qps, rest_config{}.qps);  // only load_default_config turns throttling off
}

TEST(KubeconfigResolve, ExplicitContextWithFilesAndATokenFile) {
  auto r = full({.context = "staging"});
  EXPECT_EQ(r.context_name, "staging");
  EXPECT_EQ(r.namespace_, "default");
  EXPECT_EQ(r.config.server, "https://staging.example.com");
  EXPECT_EQ(r.config.certificate_authority_pem, ca_pem);  // read from the file
  EXPECT_EQ(r.config.bearer_token, "file-token-123");     // trimmed
  EXPECT_EQ(r.config.bearer_token_file, abs("certs/token"));

  auto lab = full({.context = "lab"});
  EXPECT_EQ(lab.config.server, "https://lab.example.com");  // scheme case folded
  EXPECT_TRUE(lab.config.insecure_skip_tls_verify);
  EXPECT_EQ(lab.config.client_certificate_pem, cert_pem);
  EXPECT_EQ(lab.config.client_key_pem, key_pem);
  EXPECT_EQ(lab.namespace_, "lab-ns");
}

TEST(KubeconfigResolve, ClusterUserAndNamespaceOverrides) {
  auto r = full({.cluster = "staging", .user = "basic", .namespace_ = "override"});
  EXPECT_EQ(r.context_name, "prod");
  EXPECT_EQ(r.config.server, "https://staging.example.com");
  EXPECT_EQ(r.config.username, "alice");
  EXPECT_EQ(r.config.password, "s3cret");
  EXPECT_EQ(r.config.client_certificate_pem, "");
  EXPECT_EQ(r.namespace_, "override");

  auto token = full({.cluster = "prod", .user = "token-and-file"});
  EXPECT_EQ(token.config.bearer_token, "inline-token");  // token wins, the file is kept for rotation
  EXPECT_EQ(token.config.bearer_token_file, abs("certs/token"));

  // No context at all: --cluster (and --user) are enough, as with kubectl.
  auto kc = parse_kubeconfig("clusters:\n- name: c\n  cluster: {server: 'https://c'}\n");
  auto bare = resolve_config(kc, {.cluster = "c"});
  EXPECT_EQ(bare.context_name, "");
  EXPECT_EQ(bare.config.server, "https://c");
  EXPECT_EQ(bare.namespace_, "default");
}

TEST(KubeconfigResolve, CredentialsAreOnlyGivenToHttpsServers) {
  auto plain = full({.context = "plain"});
  EXPECT_EQ(plain.config.server, "http://127.0.0.1:8080");  // no scheme → http
  EXPECT_EQ(plain.config.bearer_token, "");
  EXPECT_EQ(plain.config.bearer_token_file, "");

  auto r = full({.cluster = "plain", .user = "admin"});
  EXPECT_EQ(r.config.client_certificate_pem, "");
  EXPECT_EQ(r.config.client_key_pem, "");
}

TEST(KubeconfigResolve, ServerWithAPathLosesQueryAndFragment) {
  auto r = full({.context = "wrapped"});
  EXPECT_EQ(r.config.server, "https://wrapped.example.com/prefix/");
  EXPECT_EQ(r.config.certificate_authority_pem, ca_pem);
  EXPECT_EQ(r.config.username, "alice");
}

TEST(KubeconfigResolve, ContextWithoutUserIsAnonymous) {
  auto r = full({.context = "anonymous"});
  EXPECT_EQ(r.config.certificate_authority_pem, ca_pem);
  EXPECT_EQ(r.config.client_certificate_pem, "");
  EXPECT_EQ(r.config.bearer_token, "");
}

TEST(KubeconfigResolve, KubectlWrittenFile) {
  auto kc = load_kubeconfig_file(data_dir / "kubectl.yaml");
  auto r = resolve_config(kc);
  EXPECT_EQ(r.context_name, "dev");
  EXPECT_EQ(r.namespace_, "team-a");
  EXPECT_EQ(r.config.server, "https://10.0.0.1:6443");
  EXPECT_EQ(r.config.certificate_authority_pem, ca_pem);
  EXPECT_EQ(r.config.client_certificate_pem, cert_pem);
  EXPECT_EQ(r.config.client_key_pem, key_pem);
  auto robot = resolve_config(kc, {.context = "robot@dev"});
  EXPECT_EQ(robot.config.bearer_token, "robot-token");
  EXPECT_EQ(robot.namespace_, "default");
}

TEST(KubeconfigResolve, ChoosingAContextFails) {
  const auto file = (data_dir / "full.yaml").string();
  EXPECT_EQ(error_of([] { full({.context = "nope"}); }).what(), "context \"nope\" does not exist in " + file);
  EXPECT_EQ(error_of([] { full({.cluster = "nope"}); }).what(), "cluster \"nope\" does not exist in " + file);
  EXPECT_EQ(error_of([] { full({.user = "nope"}); }).what(), "user \"nope\" does not exist in " + file);
  EXPECT_EQ(resolve_error("current-context: gone\n").what(), std::string("current-context \"gone\" does not exist"));
  EXPECT_EQ(resolve_error("").what(), std::string("the kubeconfig is empty: no cluster and no context"));
  EXPECT_EQ(resolve_error("clusters:\n- name: c\n  cluster: {server: s}\n").what(),
            std::string("no context: current-context is not set and none was given"));
  const std::string ctx = "current-context: x\ncontexts:\n- name: x\n  context: ";
  EXPECT_EQ(resolve_error(ctx + "{user: u}\n").what(), std::string("inline.yaml:3: context \"x\" names no cluster"));
  EXPECT_EQ(resolve_error(ctx + "{cluster: c}\n").what(),
            std::string("inline.yaml:3: cluster \"c\" (context \"x\") does not exist"));
  EXPECT_EQ(resolve_error(ctx + "{cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: s}\n").what(),
            std::string("inline.yaml:3: user \"u\" (context \"x\") does not exist"));
}

TEST(KubeconfigResolve, UnusableClusterOrUserFails) {
  // A context "x" on cluster "c" and user "u", with the given cluster and user bodies.
  auto with = [](const std::string& cluster, const std::string& user) {
    return "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
           "clusters:\n- name: c\n  cluster: " +
           cluster + "\nusers:\n- name: u\n  user: " + user + "\n";
  };
  const std::string https = "{server: 'https://h'}";
  struct tc {
    std::string yaml;
    std::string what;
  };
  const std::vector<tc> cases{
      {with("{insecure-skip-tls-verify: true}", "{}"), "inline.yaml:6: cluster \"c\": no server is set"},
      {with("{server: 'https://h', proxy-url: 'http://proxy:3128'}", "{}"),
       "inline.yaml:6: cluster \"c\": proxy-url \"http://proxy:3128\" is not supported (rest_config has no proxy); "
       "reach the server directly"},
      {with("{server: 'https://h', certificate-authority: /ca, certificate-authority-data: YQ==}", "{}"),
       "inline.yaml:6: cluster \"c\": both certificate-authority and certificate-authority-data are set; keep one"},
      {with(https, "{exec: {apiVersion: client.authentication.k8s.io/v1, command: aws-iam-authenticator}}"),
       "inline.yaml:9: user \"u\": the exec credential plugin (aws-iam-authenticator) is not supported; give the user "
       "a "
       "token or tokenFile"},
      {with(https, "{auth-provider: {name: oidc}}"),
       "inline.yaml:9: user \"u\": the auth-provider \"oidc\" is not supported; give the user a token or tokenFile"},
      {with(https, "{as: admin}"),
       "inline.yaml:9: user \"u\": impersonation (as, as-uid, as-groups, as-user-extra) is not supported"},
      {with(https, "{as-groups: [system:masters]}"),
       "inline.yaml:9: user \"u\": impersonation (as, as-uid, as-groups, as-user-extra) is not supported"},
      {with(https, "{token: t, username: a, password: b}"),
       "inline.yaml:9: user \"u\": more than one authentication method (token and basic auth); keep one"},
      {with(https, "{client-certificate-data: YQ==}"),
       "inline.yaml:9: user \"u\": a client certificate needs client-key or client-key-data"},
      {with(https, "{client-certificate: /c, client-certificate-data: YQ==, client-key-data: YQ==}"),
       "inline.yaml:9: user \"u\": both client-certificate and client-certificate-data are set; keep one"},
      {with(https, "{client-certificate-data: YQ==, client-key: /k, client-key-data: YQ==}"),
       "inline.yaml:9: user \"u\": both client-key and client-key-data are set; keep one"},
  };
  for (const auto& c : cases) EXPECT_EQ(resolve_error(c.yaml).what(), c.what) << c.yaml;

  // A plugin beside a token: the token is used.
  auto r = resolve_config(parse_kubeconfig(with(https, "{token: t, exec: {command: x}, auth-provider: {name: gcp}}")));
  EXPECT_EQ(r.config.bearer_token, "t");
}

TEST(KubeconfigResolve, MissingReferencedFilesAreErrorsNamingThem) {
  auto cluster = resolve_error(
      "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\n"
      "clusters:\n- name: c\n  cluster: {server: 'https://h', certificate-authority: /nonexistent/ca.crt}\n");
  EXPECT_EQ(cluster.source(), "/nonexistent/ca.crt");
  EXPECT_NE(cluster.message().find("cannot read the certificate-authority of cluster \"c\""), std::string::npos)
      << cluster.what();
  auto token = resolve_error(
      "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
      "clusters:\n- name: c\n  cluster: {server: 'https://h'}\nusers:\n- name: u\n  user: {tokenFile: "
      "/nonexistent/t}\n");
  EXPECT_EQ(token.source(), "/nonexistent/t");
  EXPECT_NE(token.message().find("cannot read the tokenFile of user \"u\""), std::string::npos) << token.what();
}

// ---- loading rules ---------------------------------------------------------------

TEST(KubeconfigLoad, ExplicitPathWinsAndMustExist) {
  const auto kubectl = (data_dir / "kubectl.yaml").string();
  auto r = load_kubeconfig(
      {.kubeconfig_path = kubectl, .env = std::map<std::string, std::string>{{"KUBECONFIG", abs("merge-a.yaml")}}});
  EXPECT_EQ(r.files, std::vector<std::string>{kubectl});
  EXPECT_EQ(r.context_name, "dev");

  const auto missing = (data_dir / "missing.yaml").string();
  auto e = error_of([&] { load_kubeconfig({.kubeconfig_path = missing}); });
  EXPECT_EQ(e.what(), missing + ": the kubeconfig file given does not exist");
}

TEST(KubeconfigLoad, KubeconfigFilesMergeFirstToSetAnEntryWins) {
  const auto a = abs("merge-a.yaml");
  const auto b = abs("other/merge-b.yaml");
  const config_options ab{.env = std::map<std::string, std::string>{{"KUBECONFIG", a + ":" + b}}};
  auto r = load_kubeconfig(ab);
  EXPECT_EQ(r.files, (std::vector<std::string>{a, b}));
  EXPECT_EQ(r.context_name, "b-ctx");  // a sets no current-context
  EXPECT_EQ(r.config.server, "https://a.example.com");
  EXPECT_FALSE(r.config.insecure_skip_tls_verify);  // b's "shared" is ignored whole
  EXPECT_EQ(r.config.bearer_token, "a-token");

  // Relative paths follow the file that defined the entry.
  auto only_b = load_kubeconfig({.context = "only-b-ctx", .env = ab.env});
  EXPECT_EQ(only_b.config.certificate_authority_pem, slurp(data_dir / "other/ca.crt"));
  EXPECT_EQ(only_b.config.bearer_token, "file-token-123");
  EXPECT_EQ(only_b.config.bearer_token_file, abs("certs/token"));
  EXPECT_EQ(only_b.namespace_, "from-b");

  auto ba = load_kubeconfig({.env = std::map<std::string, std::string>{{"KUBECONFIG", b + ":" + a}}});
  EXPECT_EQ(ba.config.server, "https://b.example.com");
  EXPECT_TRUE(ba.config.insecure_skip_tls_verify);
  EXPECT_EQ(ba.config.bearer_token, "b-token");
}

TEST(KubeconfigLoad, CurrentContextOfTheFirstFileThatSetsOneWins) {
  kubeconfig first = parse_kubeconfig("current-context: one\n");
  merge_kubeconfig(first, parse_kubeconfig("current-context: two\n"));
  EXPECT_EQ(first.current_context, "one");
}

TEST(KubeconfigLoad, MissingEmptyAndRepeatedKubeconfigEntriesAreSkipped) {
  const auto a = abs("merge-a.yaml");
  const auto missing = abs("missing.yaml");
  const config_options opts{.env = std::map<std::string, std::string>{{"KUBECONFIG", missing + "::" + a + ":" + a}}};
  EXPECT_EQ(kubeconfig_precedence(opts), (std::vector<std::string>{missing, a}));
  auto kc = load_kubeconfig_files(opts);
  EXPECT_EQ(kc.files, std::vector<std::string>{a});
  EXPECT_EQ(resolve_config(kc, {.context = "a-ctx"}).namespace_, "from-a");
}

TEST(KubeconfigLoad, BrokenFileInKubeconfigIsAnError) {
  const auto bad = abs("malformed.yaml");
  auto e = error_of([&] {
    load_kubeconfig({.env = std::map<std::string, std::string>{{"KUBECONFIG", abs("merge-a.yaml") + ":" + bad}}});
  });
  EXPECT_EQ(e.source(), bad);
}

TEST(KubeconfigLoad, HomeKubeConfigWhenKubeconfigIsUnset) {
  temp_dir home;
  const auto config =
      home.write(".kube/config",
                 "current-context: h\ncontexts:\n- name: h\n  context: {cluster: c, user: u}\n"
                 "clusters:\n- name: c\n  cluster: {server: 'https://home', certificate-authority: ca}\n"
                 "users:\n- name: u\n  user: {token: home-token}\n");
  home.write(".kube/ca", "home-ca");
  const config_options opts{.env = std::map<std::string, std::string>{{"HOME", home.path().string()}}};
  EXPECT_EQ(kubeconfig_precedence(opts), std::vector<std::string>{config});
  auto r = load_kubeconfig(opts);
  EXPECT_EQ(r.files, std::vector<std::string>{config});
  EXPECT_EQ(r.config.server, "https://home");
  EXPECT_EQ(r.config.certificate_authority_pem, "home-ca");
  EXPECT_EQ(r.config.bearer_token, "home-token");
}

TEST(KubeconfigLoad, NothingToLoadIsAnErrorListingWhereItLooked) {
  temp_dir home;
  const auto expected = (home.path() / ".kube/config").string();
  auto e = error_of([&] {
    load_kubeconfig({.env = std::map<std::string, std::string>{{"HOME", home.path().string()}}});
  });
  EXPECT_EQ(e.what(), "no kubeconfig found (looked for " + expected + ")");
  auto no_home = error_of([] { load_kubeconfig({.env = std::map<std::string, std::string>{}}); });
  EXPECT_EQ(no_home.what(), std::string("no kubeconfig found: KUBECONFIG and HOME are not set"));

  // An empty file is read, and then there is no context to use.
  const auto empty = home.write("empty", "");
  auto e2 = error_of([&] { load_kubeconfig({.kubeconfig_path = empty}); });
  EXPECT_EQ(e2.what(), "the kubeconfig in " + empty + " is empty: no cluster and no context");
}

TEST(KubeconfigLoad, ProcessEnvironmentIsReadWhenNoneIsGiven) {
  // The only test touching the process environment; KUBECONFIG is put back as it was.
  struct restore_kubeconfig {
    std::optional<std::string> saved;
    restore_kubeconfig() {
      if (const char* v = std::getenv("KUBECONFIG")) saved = v;
    }
    ~restore_kubeconfig() {
      if (saved) {
        ::setenv("KUBECONFIG", saved->c_str(), 1);
      } else {
        ::unsetenv("KUBECONFIG");
      }
    }
  } guard;
  const auto a = abs("merge-a.yaml");
  ::setenv("KUBECONFIG", a.c_str(), 1);
  EXPECT_EQ(kubeconfig_precedence({}), std::vector<std::string>{a});
  EXPECT_EQ(load_kubeconfig({.context = "a-ctx"}).files, std::vector<std::string>{a});
}
