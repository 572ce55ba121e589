// service_account_token_fuzz.cpp — bearer tokens as the service account authenticator
// meets them. The input is "token" or "claims-json\0audience": the first is checked
// as sent (base64url, JWS shape, header, signature); the second is signed with the
// registry's own key first, so the claim handling behind the signature is reached
// (types of exp/nbf/aud, the kubernetes.io object, bound-object lookups). Checking
// never throws, and what it accepts is a service account.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/token_signer.hpp"
#include "fuzz_input.hpp"
#include "ktk/apiserver/registry.hpp"

namespace {

using ktk::core::json;
namespace api = ktk::apiserver;

// A P-256 key made for the tests (tests/apiserver/testdata/service_account_keys).
constexpr const char* key_pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8SmUiFYdQvdvO/9S\n"
    "AQEXdd/hL7Ybsih2iS6qVnH4IgyhRANCAARFRf9OW776InITdaHXlgn61DHDqZZs\n"
    "EIBZQZ7D3yfu1+YjqiOgj4uLrbwtXw0ue1Ri4y3OL+wCBblz9Qrt5I1n\n"
    "-----END PRIVATE KEY-----\n";

struct fixture {
  api::registry reg{[] {
    api::registry_options o;
    o.seed = 7;
    o.service_account_signing_key_pem = key_pem;
    return o;
  }()};
  api::auth::token_signer signer{key_pem};
  fixture() {
    auto sa = reg.create({"", "v1", "serviceaccounts"}, "default",
                         ktk::core::object(json{{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "robot"}}}}));
    if (!sa) ktk::fuzz::fail("cannot create the service account", sa.error().message());
  }
};

void check(const fixture& f, std::string_view token, const std::vector<std::string>& audiences) {
  auto r = f.reg.review_token(token, audiences);
  if (r && !r->user.name.starts_with("system:serviceaccount:")) {
    ktk::fuzz::fail("a token was accepted as something other than a service account", r->user.name);
  }
  if (!r && r.error().code() != 401) ktk::fuzz::fail("a refused token is not 401", r.error().message());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fixture f;
  auto [first, second] = ktk::fuzz::split_at_nul(ktk::fuzz::text(data, size));
  if (first.size() == size) {  // no NUL: a token as sent
    check(f, first, {});
    return 0;
  }
  json claims = json::parse(first, nullptr, false);
  if (claims.is_discarded()) return 0;
  std::vector<std::string> audiences;
  if (!second.empty()) audiences.emplace_back(second);
  check(f, f.signer.sign(claims), audiences);
  return 0;
}
