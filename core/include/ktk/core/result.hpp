// ktk/core/result.hpp — a value or an api_error; what every API call returns.
//
//   ktk::result<std::shared_ptr<const object>> r = registry.get(...);
//   if (!r) return r.error();             // propagate
//   use(*r.value());
//   if (ktk::is_not_found(r)) ...         // the helpers accept results too
//   auto r2 = ktk::ignore_not_found(client.remove(...));
#pragma once

#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "ktk/core/api_error.hpp"

namespace ktk::core {

template <class T>
class [[nodiscard]] result {
 public:
  using value_type = T;

  result(const T& v) : v_(std::in_place_index<0>, v) {}           // NOLINT: implicit by design
  result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}     // NOLINT
  result(const api_error& e) : v_(std::in_place_index<1>, e) {}   // NOLINT
  result(api_error&& e) : v_(std::in_place_index<1>, std::move(e)) {}  // NOLINT
  template <class U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
             !std::is_same_v<std::remove_cvref_t<U>, api_error> &&
             !std::is_same_v<std::remove_cvref_t<U>, result>)
  result(U&& v) : v_(std::in_place_index<0>, T(std::forward<U>(v))) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // The value; throws the api_error when there is none.
  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // The error; precondition: !ok().
  const api_error& error() const& { return std::get<1>(v_); }
  api_error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  void check() const {
    if (v_.index() != 0) throw std::get<1>(v_);
  }
  std::variant<T, api_error> v_;
};

// result<void>: success or an error.
template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(const api_error& e) : e_(e) {}  // NOLINT
  result(api_error&& e) : e_(std::move(e)) {}  // NOLINT

  bool ok() const noexcept { return !e_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  void value() const {
    if (e_) throw *e_;
  }
  const api_error& error() const& { return *e_; }

 private:
  std::optional<api_error> e_;
};

template <class T>
bool is_not_found(const result<T>& r) { return !r.ok() && is_not_found(r.error()); }
template <class T>
bool is_already_exists(const result<T>& r) { return !r.ok() && is_already_exists(r.error()); }
template <class T>
bool is_conflict(const result<T>& r) { return !r.ok() && is_conflict(r.error()); }
template <class T>
bool is_invalid(const result<T>& r) { return !r.ok() && is_invalid(r.error()); }
template <class T>
bool is_bad_request(const result<T>& r) { return !r.ok() && is_bad_request(r.error()); }
template <class T>
bool is_gone(const result<T>& r) { return !r.ok() && is_gone(r.error()); }
template <class T>
bool is_resource_expired(const result<T>& r) { return !r.ok() && is_resource_expired(r.error()); }
template <class T>
bool is_forbidden(const result<T>& r) { return !r.ok() && is_forbidden(r.error()); }

// A failed result becomes success when the error is NotFound (the value is lost;
// use for deletes and other calls whose value the caller does not need).
template <class T>
result<void> ignore_not_found(const result<T>& r) {
  if (r.ok() || is_not_found(r.error())) return {};
  return r.error();
}

}  // namespace ktk::core

namespace ktk {
using core::ignore_not_found;
using core::result;
// Again here, so that ktk::is_xxx also finds the result<T> overloads above.
using core::is_already_exists;
using core::is_bad_request;
using core::is_conflict;
using core::is_forbidden;
using core::is_gone;
using core::is_invalid;
using core::is_not_found;
using core::is_resource_expired;
}  // namespace ktk
