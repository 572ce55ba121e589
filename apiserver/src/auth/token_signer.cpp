// token_signer.cpp — ES256 / RS256 compact JWS with OpenSSL 3.
#include "auth/token_signer.hpp"

#include <array>
#include <stdexcept>
#include <vector>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "ktk/core/json_reader.hpp"
#include "ktk/core/json_writer.hpp"

namespace ktk::apiserver::auth {

using core::json;

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// ES256's signature: r and s, each 32 bytes big-endian (RFC 7518 §3.4), not DER.
constexpr std::size_t p256_scalar = 32;
// How many verified tokens are remembered before the memory starts over.
constexpr std::size_t verified_cache_limit = 4096;

struct md_ctx_free {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct bio_free {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct bn_free {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct sig_free {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
using bn_ptr = std::unique_ptr<BIGNUM, bn_free>;

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  std::array<char, 256> buf{};
  ERR_error_string_n(e, buf.data(), buf.size());
  ERR_clear_error();
  return buf.data();
}

std::string bn_bytes(const BIGNUM* bn, int width = 0) {
  int n = width > 0 ? width : BN_num_bytes(bn);
  std::string out(static_cast<std::size_t>(n), '\0');
  if (width > 0) {
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), width);
  } else {
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  }
  return out;
}

bn_ptr bn_param(const EVP_PKEY* k, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(k, name, &bn) != 1) throw std::runtime_error("token_signer: " + openssl_error());
  return bn_ptr(bn);
}

}  // namespace

std::string base64url_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int s : {18, 12, 6, 0}) out += alphabet[(v >> s) & 63];
  }
  if (in.size() - i == 1) {
    unsigned v = byte(i) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
  } else if (in.size() - i == 2) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8;
    for (int s : {18, 12, 6}) out += alphabet[(v >> s) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    unsigned v;
    if (c >= 'A' && c <= 'Z') v = static_cast<unsigned>(c - 'A');
    else if (c >= 'a' && c <= 'z') v = static_cast<unsigned>(c - 'a' + 26);
    else if (c >= '0' && c <= '9') v = static_cast<unsigned>(c - '0' + 52);
    else if (c == '-') v = 62;
    else if (c == '_') v = 63;
    else return std::nullopt;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // The bits left over must be zero, or two encodings would decode alike.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

struct token_signer::key {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey{nullptr, &EVP_PKEY_free};
  bool ec = false;  // ES256; else RS256
  std::string kid;
};

token_signer::token_signer(std::string_view private_key_pem) : pem_(private_key_pem) {
  if (!pem_.empty()) get_key();  // a bad key is reported now, not at the first token
}

token_signer::~token_signer() = default;

const token_signer::key& token_signer::get_key() const {
  std::call_once(once_, [this] {
    auto k = std::make_unique<key>();
    if (pem_.empty()) {
      k->pkey.reset(EVP_EC_gen("P-256"));
      if (!k->pkey) throw std::runtime_error("token_signer: cannot make a P-256 key: " + openssl_error());
      k->ec = true;
    } else {
      std::unique_ptr<BIO, bio_free> bio(BIO_new_mem_buf(pem_.data(), static_cast<int>(pem_.size())));
      k->pkey.reset(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
      if (!k->pkey) {
        throw std::invalid_argument("service account signing key: not a PEM private key: " + openssl_error());
      }
      const int type = EVP_PKEY_get_base_id(k->pkey.get());
      if (type == EVP_PKEY_EC) {
        std::array<char, 64> curve{};
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(k->pkey.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.data(), curve.size(),
                                           &len) != 1 ||
            std::string_view(curve.data(), len) != "prime256v1") {
          throw std::invalid_argument("service account signing key: an EC key must be on curve P-256 (ES256), not " +
                                      std::string(curve.data(), len));
        }
        k->ec = true;
      } else if (type == EVP_PKEY_RSA) {
        if (EVP_PKEY_get_bits(k->pkey.get()) < 2048) {
          throw std::invalid_argument("service account signing key: an RSA key needs at least 2048 bits, this one has " +
                                      std::to_string(EVP_PKEY_get_bits(k->pkey.get())));
        }
      } else {
        throw std::invalid_argument("service account signing key: only EC P-256 and RSA keys are supported");
      }
    }
    unsigned char* der = nullptr;
    int n = i2d_PUBKEY(k->pkey.get(), &der);
    if (n <= 0) throw std::runtime_error("token_signer: " + openssl_error());
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(der, static_cast<std::size_t>(n), digest.data());
    OPENSSL_free(der);
    k->kid = base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
    key_ = std::move(k);
  });
  return *key_;
}

std::string token_signer::algorithm() const { return get_key().ec ? "ES256" : "RS256"; }

std::string token_signer::sign(const json& claims) const {
  const key& k = get_key();
  json header = {{"alg", k.ec ? "ES256" : "RS256"}, {"kid", k.kid}};
  std::string input = base64url_encode(core::dump_json(header)) + "." + base64url_encode(core::dump_json(claims));
  std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k.pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    throw std::runtime_error("token_signer: " + openssl_error());
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    throw std::runtime_error("token_signer: " + openssl_error());
  }
  sig.resize(len);
  if (k.ec) {
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    std::unique_ptr<ECDSA_SIG, sig_free> es(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())));
    if (!es) throw std::runtime_error("token_signer: " + openssl_error());
    sig = bn_bytes(ECDSA_SIG_get0_r(es.get()), p256_scalar) + bn_bytes(ECDSA_SIG_get0_s(es.get()), p256_scalar);
  }
  return input + "." + base64url_encode(sig);
}

std::optional<json> token_signer::verify(std::string_view token) const {
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return std::nullopt;
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) return std::nullopt;
  {
    std::lock_guard lock(cache_mu_);
    if (auto it = verified_.find(std::string(token)); it != verified_.end()) return it->second;
  }
  const key& k = get_key();
  auto header_text = base64url_decode(token.substr(0, dot1));
  auto claims_text = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto sig = base64url_decode(token.substr(dot2 + 1));
  if (!header_text || !claims_text || !sig) return std::nullopt;
  auto header = core::read_json(*header_text);
  auto claims = core::read_json(*claims_text);
  if (!header || !header->is_object() || !claims || !claims->is_object()) return std::nullopt;
  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string() || *alg != (k.ec ? "ES256" : "RS256")) return std::nullopt;
  if (auto kid = header->find("kid"); kid != header->end() && (!kid->is_string() || *kid != k.kid)) return std::nullopt;
  std::string der = *sig;
  if (k.ec) {
    if (sig->size() != 2 * p256_scalar) return std::nullopt;
    const auto* raw = reinterpret_cast<const unsigned char*>(sig->data());
    std::unique_ptr<ECDSA_SIG, sig_free> es(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(raw, p256_scalar, nullptr);
    BIGNUM* s = BN_bin2bn(raw + p256_scalar, p256_scalar, nullptr);
    if (!es || !r || !s || ECDSA_SIG_set0(es.get(), r, s) != 1) {
      BN_free(r);
      BN_free(s);
      return std::nullopt;
    }
    unsigned char* out = nullptr;
    int n = i2d_ECDSA_SIG(es.get(), &out);
    if (n <= 0) return std::nullopt;
    der.assign(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
    OPENSSL_free(out);
  }
  std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
  const auto* input = reinterpret_cast<const unsigned char*>(token.data());
  const bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k.pkey.get()) == 1 &&
                  EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(), input,
                                   dot2) == 1;
  ERR_clear_error();
  if (!ok) return std::nullopt;
  std::lock_guard lock(cache_mu_);
  if (verified_.size() >= verified_cache_limit) verified_.clear();
  verified_.emplace(std::string(token), *claims);
  return claims;
}

json token_signer::jwks() const {
  const key& k = get_key();
  json jwk = {{"use", "sig"}, {"kid", k.kid}};
  if (k.ec) {
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["alg"] = "ES256";
    jwk["x"] = base64url_encode(bn_bytes(bn_param(k.pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X).get(), p256_scalar));
    jwk["y"] = base64url_encode(bn_bytes(bn_param(k.pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y).get(), p256_scalar));
  } else {
    jwk["kty"] = "RSA";
    jwk["alg"] = "RS256";
    jwk["n"] = base64url_encode(bn_bytes(bn_param(k.pkey.get(), OSSL_PKEY_PARAM_RSA_N).get()));
    jwk["e"] = base64url_encode(bn_bytes(bn_param(k.pkey.get(), OSSL_PKEY_PARAM_RSA_E).get()));
  }
  return {{"keys", json::array({jwk})}};
}

}  // namespace ktk::apiserver::auth
