// auth/reviews.hpp — private: the virtual resources that answer questions about
// identity and access instead of storing anything:
//   authorization.k8s.io/v1 selfsubjectaccessreviews (`kubectl auth can-i`),
//   subjectaccessreviews, localsubjectaccessreviews, selfsubjectrulesreviews
//   (`kubectl auth can-i --list`); authentication.k8s.io/v1 selfsubjectreviews
//   (`kubectl auth whoami`) and tokenreviews.
// A POST is answered 201 with the object sent and its status filled in, as
// kube-apiserver does; other methods get 405.
#pragma once

#include <optional>

#include "auth/authenticator.hpp"
#include "auth/rbac_authorizer.hpp"
#include "http/message.hpp"
#include "http/route.hpp"

namespace ktk::apiserver::auth {

struct review_context {
  const user_info& user;
  const rbac_authorizer* rbac = nullptr;     // null: every request is allowed
  const authenticator* authn = nullptr;      // null: authentication is off
};

// The answer when `rp` names one of the review resources; nullopt otherwise.
std::optional<http::response> answer_review(const http::request& req, const http::resource_path& rp,
                                            const review_context& ctx);

}  // namespace ktk::apiserver::auth
