// review_handler.hpp — what the webhook server does with one POSTed body, apart
// from the network: decode the AdmissionReview, call the handler, encode the answer.
// Also the adapters that turn defaulter and validator functions into handlers.
#pragma once

#include <string>
#include <string_view>

#include "ktk/client/webhook/server.hpp"

namespace ktk::client::webhook::detail {

struct http_answer {
  unsigned status = 200;
  std::string body;  // JSON
};

// 200 with the response AdmissionReview; 400 for a body that is not JSON (or nested
// deeper than max_json_depth), not application/json, or not an AdmissionReview; 500
// when the handler throws or answers with a patch that is not an array. Errors carry
// an AdmissionReview whose response denies with the same code and a message.
// Never throws (but for std::bad_alloc).
http_answer serve_review(const handler& h, std::string_view content_type, const std::string& body);

// An error answer (400 / 413 / 500 ...) as serve_review writes them.
http_answer error_answer(unsigned status, const std::string& message, const std::string& uid = {});

// Bodies nested deeper than this are refused before parsing: the JSON code recurses.
inline constexpr int max_json_depth = 1000;

handler defaulter_handler(defaulter_func f);
handler validator_handler(validator_func f);

}  // namespace ktk::client::webhook::detail
