// serviceaccounts/{name}/token through the registry: what a TokenRequest is answered
// with, what the token says, and when review_token stops accepting it.
#include <fstream>
#include <sstream>

#include "auth/token_signer.hpp"
#include "registry_fixtures.hpp"
#include "ktk/core/json_reader.hpp"

namespace ktk::apiserver::testing {
namespace {

const gvr serviceaccounts{"", "v1", "serviceaccounts"};
const gvr secrets{"", "v1", "secrets"};
const gvr nodes{"", "v1", "nodes"};
const std::string issuer = "https://kubernetes.default.svc.cluster.local";

std::string read_key(const std::string& file) {
  std::ifstream in(std::string(KTK_SA_KEYS_DIR) + "/" + file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

object named(const char* api_version, const char* kind, const std::string& name) {
  object o(api_version, kind);
  o.set_name(name);
  return o;
}

object token_request(json spec = json::object()) {
  object o("authentication.k8s.io/v1", "TokenRequest");
  o.data()["spec"] = std::move(spec);
  return o;
}

// The part of a JWT at `index` (0 header, 1 claims), decoded.
json jwt_part(const std::string& token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  auto text = auth::base64url_decode(token.substr(start, token.find('.', start) - start));
  if (!text) return nullptr;
  return core::read_json(*text).value_or(json());
}

std::int64_t unix_now(const core::clock& c) {
  return std::chrono::duration_cast<std::chrono::seconds>(c.now().time_since_epoch()).count();
}

class RegistryToken : public registry_test {
 protected:
  RegistryToken() { sa = must_create(serviceaccounts, "default", named("v1", "ServiceAccount", "robot")); }

  std::string token_of(const result<object_ptr>& r) {
    if (!r) {
      ADD_FAILURE() << r.error().message();
      return {};
    }
    const json* t = (*r)->at_path("status.token");
    return t && t->is_string() ? t->get<std::string>() : std::string();
  }
  std::string issue(json spec = json::object()) {
    return token_of(reg.request_token({"default", "robot"}, token_request(std::move(spec))));
  }
  object_ptr pod_with_sa(const std::string& name, const std::string& node = "") {
    object p = pod(name, node);
    p.data()["spec"]["serviceAccountName"] = "robot";
    return must_create(pods, "default", std::move(p));
  }

  object_ptr sa;
};

TEST_F(RegistryToken, ARequestIsAnsweredWithItsSpecFilledInAndASignedToken) {
  auto r = reg.request_token({"default", "robot"}, token_request());
  ASSERT_TRUE(r) << r.error().message();
  const object& o = **r;
  EXPECT_EQ(o.api_version(), "authentication.k8s.io/v1");
  EXPECT_EQ(o.kind(), "TokenRequest");
  EXPECT_EQ(o.namespace_(), "default");
  EXPECT_EQ(o.data()["spec"]["expirationSeconds"], 3600);
  EXPECT_EQ(o.data()["spec"]["audiences"], json::array({issuer}));
  EXPECT_EQ(o.data()["status"]["expirationTimestamp"],
            core::format_rfc3339(clk.now() + std::chrono::seconds(3600)));

  const std::string token = o.data()["status"]["token"].get<std::string>();
  json header = jwt_part(token, 0);
  EXPECT_EQ(header["alg"], "ES256");
  EXPECT_FALSE(header.value("kid", "").empty());
  json claims = jwt_part(token, 1);
  const std::int64_t now = unix_now(clk);
  EXPECT_EQ(claims["iss"], issuer);
  EXPECT_EQ(claims["sub"], "system:serviceaccount:default:robot");
  EXPECT_EQ(claims["aud"], json::array({issuer}));
  EXPECT_EQ(claims["iat"], now);
  EXPECT_EQ(claims["nbf"], now);
  EXPECT_EQ(claims["exp"], now + 3600);
  EXPECT_FALSE(claims.value("jti", "").empty());
  EXPECT_EQ(claims["kubernetes.io"],
            (json{{"namespace", "default"}, {"serviceaccount", {{"name", "robot"}, {"uid", sa->uid()}}}}));
  // Each token has an id of its own.
  EXPECT_NE(jwt_part(issue(), 1)["jti"], claims["jti"]);
}

TEST_F(RegistryToken, TheTokenAuthenticatesAsTheServiceAccount) {
  const std::string token = issue();
  auto r = reg.review_token(token);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->user.name, "system:serviceaccount:default:robot");
  EXPECT_EQ(r->user.uid, sa->uid());
  EXPECT_EQ(r->user.groups, (std::vector<std::string>{"system:serviceaccounts", "system:serviceaccounts:default"}));
  ASSERT_EQ(r->user.extra.count("authentication.kubernetes.io/credential-id"), 1u);
  EXPECT_EQ(r->user.extra.at("authentication.kubernetes.io/credential-id"),
            std::vector<std::string>{"JTI=" + jwt_part(token, 1)["jti"].get<std::string>()});
  EXPECT_EQ(r->audiences, std::vector<std::string>{issuer});
}

TEST_F(RegistryToken, AudiencesMustMeet) {
  const std::string vault = issue({{"audiences", {"vault", "other"}}});
  EXPECT_TRUE(fails_with(reg.review_token(vault), 401, "Unauthorized",
                         "token audiences [\"vault\" \"other\"] is invalid for the target audiences [\"" + issuer +
                             "\"]"));
  auto r = reg.review_token(vault, {"nope", "other"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->audiences, std::vector<std::string>{"other"});
}

TEST_F(RegistryToken, ExpiryIsCheckedWithAMinutesLeeway) {
  const std::string token = issue({{"expirationSeconds", 600}});
  clk.advance(std::chrono::seconds(600 + 60));
  EXPECT_TRUE(reg.review_token(token));
  clk.advance(std::chrono::seconds(1));
  EXPECT_TRUE(fails_with(reg.review_token(token), 401, "Unauthorized", "Token has expired."));
}

TEST_F(RegistryToken, ExpirationOutsideTenMinutesTo2To32SecondsIsInvalid) {
  EXPECT_TRUE(fails_with(reg.request_token({"default", "robot"}, token_request({{"expirationSeconds", 599}})), 422,
                         "Invalid",
                         "TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: "
                         "599: may not specify a duration less than 10 minutes"));
  EXPECT_TRUE(fails_with(
      reg.request_token({"default", "robot"}, token_request({{"expirationSeconds", (std::int64_t{1} << 32) + 1}})),
      422, "Invalid",
      "TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may "
      "not specify a duration larger than 2^32 seconds"));
  EXPECT_TRUE(fails_with(reg.request_token({"default", "robot"}, token_request({{"expirationSeconds", "1h"}})), 400,
                         "BadRequest",
                         "TokenRequest in version \"v1\" cannot be handled as a TokenRequest: json: cannot unmarshal "
                         "string into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64"));
}

TEST_F(RegistryToken, WrongTypeOrNamespaceInTheBodyIsABadRequest) {
  object cm = configmap("x");
  EXPECT_TRUE(fails_with(reg.request_token({"default", "robot"}, std::move(cm)), 400, "BadRequest",
                         "the API version in the data (v1) does not match the expected API version "
                         "(authentication.k8s.io/v1)"));
  object other = token_request();
  other.set_namespace("kube-system");
  EXPECT_TRUE(fails_with(reg.request_token({"default", "robot"}, std::move(other)), 400, "BadRequest",
                         "the namespace of the provided object does not match the namespace sent on the request"));
}

TEST_F(RegistryToken, AMissingServiceAccountIsNotFound) {
  EXPECT_TRUE(fails_with(reg.request_token({"default", "ghost"}, token_request()), 404, "NotFound",
                         "serviceaccounts \"ghost\" not found"));
}

TEST_F(RegistryToken, DeletingOrReplacingTheServiceAccountEndsItsTokens) {
  const std::string token = issue();
  ASSERT_TRUE(reg.remove(serviceaccounts, {"default", "robot"}));
  EXPECT_TRUE(fails_with(reg.review_token(token), 401, "Unauthorized", "serviceaccounts \"robot\" not found"));
  auto again = must_create(serviceaccounts, "default", named("v1", "ServiceAccount", "robot"));
  EXPECT_TRUE(fails_with(reg.review_token(token), 401, "Unauthorized",
                         "ServiceAccount UID (" + std::string(again->uid()) + ") does not match claim (" +
                             std::string(sa->uid()) + ")"));
}

TEST_F(RegistryToken, APodBoundTokenNamesThePodAndItsNodeAndEndsWithThePod) {
  must_create(nodes, "", named("v1", "Node", "n1"));
  auto node = must_get(nodes, "", "n1");
  auto p = pod_with_sa("web", "n1");
  const std::string token =
      issue({{"boundObjectRef", {{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", "web"}, {"uid", p->uid()}}}});
  json k8s = jwt_part(token, 1)["kubernetes.io"];
  EXPECT_EQ(k8s["pod"], (json{{"name", "web"}, {"uid", p->uid()}}));
  EXPECT_EQ(k8s["node"], (json{{"name", "n1"}, {"uid", node->uid()}}));

  auto r = reg.review_token(token);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->user.extra.at("authentication.kubernetes.io/pod-name"), std::vector<std::string>{"web"});
  EXPECT_EQ(r->user.extra.at("authentication.kubernetes.io/pod-uid"), std::vector<std::string>{std::string(p->uid())});
  EXPECT_EQ(r->user.extra.at("authentication.kubernetes.io/node-name"), std::vector<std::string>{"n1"});
  EXPECT_EQ(r->user.extra.at("authentication.kubernetes.io/node-uid"),
            std::vector<std::string>{std::string(node->uid())});

  // The node going away does not matter to a pod-bound token; the pod does.
  ASSERT_TRUE(reg.remove(nodes, {"", "n1"}));
  EXPECT_TRUE(reg.review_token(token));
  ASSERT_TRUE(reg.remove(pods, {"default", "web"}, {.grace_period_seconds = 0}));
  EXPECT_TRUE(fails_with(reg.review_token(token), 401, "Unauthorized", "Token has been invalidated"));
}

TEST_F(RegistryToken, BindingToAPodChecksItsServiceAccountAndUid) {
  must_create(pods, "default", pod("other"));  // runs as "default"
  EXPECT_TRUE(fails_with(
      reg.request_token({"default", "robot"},
                        token_request({{"boundObjectRef", {{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", "other"}}}})),
      400, "BadRequest", "cannot bind token for serviceaccount \"robot\" to pod running with different serviceaccount name."));
  pod_with_sa("web");
  EXPECT_TRUE(fails_with(
      reg.request_token({"default", "robot"},
                        token_request({{"boundObjectRef",
                                        {{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", "web"}, {"uid", "not-it"}}}})),
      409, "Conflict",
      "Operation cannot be fulfilled on Pod \"web\": the UID in the bound object reference (not-it) does not match "
      "the UID in record. The object might have been deleted and then recreated"));
  EXPECT_TRUE(fails_with(
      reg.request_token({"default", "robot"},
                        token_request({{"boundObjectRef", {{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", "gone"}}}})),
      404, "NotFound", "pods \"gone\" not found"));
}

TEST_F(RegistryToken, OnlyPodsSecretsAndNodesCanBeBound) {
  must_create(configmaps, "default", configmap("cm"));
  EXPECT_TRUE(fails_with(
      reg.request_token({"default", "robot"},
                        token_request({{"boundObjectRef", {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "cm"}}}})),
      400, "BadRequest", "cannot bind token to object of type /v1, Kind=ConfigMap"));
  EXPECT_TRUE(fails_with(
      reg.request_token({"default", "robot"}, token_request({{"boundObjectRef",
                                                              {{"apiVersion", "apps/v1"}, {"kind", "Pod"}, {"name", "x"}}}})),
      400, "BadRequest", "cannot bind token to object of type apps/v1, Kind=Pod"));
}

TEST_F(RegistryToken, SecretAndNodeBoundTokensEndWithTheirObject) {
  object s("v1", "Secret");
  s.set_name("s");
  must_create(secrets, "default", std::move(s));
  must_create(nodes, "", named("v1", "Node", "n1"));
  const std::string by_secret =
      issue({{"boundObjectRef", {{"apiVersion", "v1"}, {"kind", "Secret"}, {"name", "s"}}}});
  const std::string by_node = issue({{"boundObjectRef", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", "n1"}}}});
  EXPECT_TRUE(reg.review_token(by_secret));
  auto r = reg.review_token(by_node);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->user.extra.at("authentication.kubernetes.io/node-name"), std::vector<std::string>{"n1"});
  EXPECT_EQ(r->user.extra.count("authentication.kubernetes.io/pod-name"), 0u);

  ASSERT_TRUE(reg.remove(secrets, {"default", "s"}));
  ASSERT_TRUE(reg.remove(nodes, {"", "n1"}));
  EXPECT_TRUE(fails_with(reg.review_token(by_secret), 401, "Unauthorized", "Token has been invalidated"));
  EXPECT_TRUE(fails_with(reg.review_token(by_node), 401, "Unauthorized", "Token has been invalidated"));
  // A Node made again under the same name is another Node.
  auto again = must_create(nodes, "", named("v1", "Node", "n1"));
  auto still = reg.review_token(by_node);
  ASSERT_FALSE(still);
  EXPECT_THAT(still.error().message(), ::testing::StartsWith("Node UID (" + std::string(again->uid()) + ")"));
}

TEST_F(RegistryToken, TheKubeletsHourTokenLastsAYearAndWarnsAfterTheHour) {
  auto p = pod_with_sa("web");
  const std::string token = issue(
      {{"expirationSeconds", 3607}, {"boundObjectRef", {{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", "web"}}}});
  json claims = jwt_part(token, 1);
  const std::int64_t now = unix_now(clk);
  EXPECT_EQ(claims["exp"], now + 365LL * 24 * 3600);
  EXPECT_EQ(claims["kubernetes.io"]["warnafter"], now + 3607);
  // Not pod-bound: as asked.
  EXPECT_EQ(jwt_part(issue({{"expirationSeconds", 3607}}), 1)["exp"], now + 3607);
}

TEST_F(RegistryToken, AnAlteredOrForeignTokenIsRefused) {
  std::string token = issue();
  EXPECT_TRUE(reg.review_token(token));
  // Another service account's name in the claims, the signature kept.
  auto dot1 = token.find('.');
  auto dot2 = token.find('.', dot1 + 1);
  json claims = jwt_part(token, 1);
  claims["sub"] = "system:serviceaccount:kube-system:admin";
  std::string forged = token.substr(0, dot1 + 1) + auth::base64url_encode(claims.dump()) + token.substr(dot2);
  EXPECT_TRUE(fails_with(reg.review_token(forged), 401, "Unauthorized", "invalid bearer token"));
  std::string flipped = token;
  flipped[flipped.size() - 2] = flipped[flipped.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(reg.review_token(flipped));
  EXPECT_FALSE(reg.review_token("not.a.jwt"));
  EXPECT_FALSE(reg.review_token(""));
  // Headers of the wrong shape are refused, not thrown over.
  for (const char* header : {R"({"alg":5})", R"({"alg":"ES256","kid":7})", R"([1])", R"({"alg":"none"})"}) {
    std::string odd = auth::base64url_encode(header) + token.substr(dot1);
    EXPECT_TRUE(fails_with(reg.review_token(odd), 401, "Unauthorized", "invalid bearer token")) << header;
  }

  // Another registry has a key of its own; a copy shares this one's.
  registry other(options());
  ASSERT_TRUE(other.create(serviceaccounts, "default", named("v1", "ServiceAccount", "robot")));
  EXPECT_FALSE(other.review_token(token));
  auto copied = reg.copy();
  EXPECT_TRUE(copied->review_token(token));
}

TEST_F(RegistryToken, AGivenKeySignsAndTheJwksShowsIt) {
  for (const char* file : {"ec-p256.pem", "rsa-2048.pem"}) {
    SCOPED_TRACE(file);
    registry_options o = options();
    o.service_account_signing_key_pem = read_key(file);
    registry a(o), b(o);
    // One seed: the same uid for the same service account in both.
    auto in_a = a.create(serviceaccounts, "default", named("v1", "ServiceAccount", "robot"));
    auto in_b = b.create(serviceaccounts, "default", named("v1", "ServiceAccount", "robot"));
    ASSERT_TRUE(in_a && in_b);
    ASSERT_EQ((*in_a)->uid(), (*in_b)->uid());
    auto r = a.request_token({"default", "robot"}, token_request());
    const std::string token = token_of(r);
    const bool rsa = std::string(file).starts_with("rsa");
    EXPECT_EQ(jwt_part(token, 0)["alg"], rsa ? "RS256" : "ES256");
    // Two registries with one key (a server restarted on the same etcd) accept each other's tokens.
    EXPECT_TRUE(b.review_token(token));
    json jwks = a.service_account_jwks();
    ASSERT_EQ(jwks["keys"].size(), 1u);
    const json& k = jwks["keys"][0];
    EXPECT_EQ(k["kid"], jwt_part(token, 0)["kid"]);
    EXPECT_EQ(k["use"], "sig");
    EXPECT_EQ(k["kty"], rsa ? "RSA" : "EC");
    EXPECT_EQ(k["alg"], rsa ? "RS256" : "ES256");
    if (rsa) {
      EXPECT_EQ(k["e"], "AQAB");
      EXPECT_EQ(auth::base64url_decode(k["n"].get<std::string>())->size(), 256u);
    } else {
      EXPECT_EQ(k["crv"], "P-256");
      EXPECT_EQ(auth::base64url_decode(k["x"].get<std::string>())->size(), 32u);
    }
  }
}

TEST_F(RegistryToken, AKeyThatCannotSignIsRefusedAtStart) {
  auto refuses = [&](const std::string& pem, const std::string& why) {
    registry_options o = options();
    o.service_account_signing_key_pem = pem;
    try {
      registry r(o);
      ADD_FAILURE() << "accepted: " << why;
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr(why));
    }
  };
  refuses(read_key("ec-p384.pem"), "must be on curve P-256");
  refuses(read_key("rsa-1024.pem"), "at least 2048 bits, this one has 1024");
  refuses("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n", "not a PEM private key");
}

TEST(Base64Url, RoundTripsAndRefusesWhatIsNotIt) {
  for (const std::string& s :
       std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\xfb\xff\x00", 3)}) {
    auto back = auth::base64url_decode(auth::base64url_encode(s));
    ASSERT_TRUE(back) << s;
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(auth::base64url_encode(std::string("\xfb\xff", 2)), "-_8");
  EXPECT_FALSE(auth::base64url_decode("Zm9v="));  // padding
  EXPECT_FALSE(auth::base64url_decode("Zm+v"));   // standard alphabet
  EXPECT_FALSE(auth::base64url_decode("Z"));      // impossible length
  EXPECT_FALSE(auth::base64url_decode("Zh"));     // "f" is "Zg": stray low bits
}

}  // namespace
}  // namespace ktk::apiserver::testing
