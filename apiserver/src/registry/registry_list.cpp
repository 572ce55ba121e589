// registry_list.cpp — list: selectors, resourceVersion / resourceVersionMatch, and
// limit / continue pagination over a consistent snapshot.
#include <nlohmann/json.hpp>

#include "../storage/errors.hpp"
#include "continue_token.hpp"
#include "impl.hpp"
#include "selection.hpp"

namespace ktk::apiserver {

namespace detail {

core::result<selection> parse_selection(const resource_handler& h, const std::string& label_selector,
                                        const std::string& field_selector) {
  selection s;
  if (!label_selector.empty()) {
    auto l = core::label_selector::parse(label_selector);
    if (!l) return l.error();
    s.labels = std::move(*l);
  }
  if (!field_selector.empty()) {
    auto f = core::field_selector::parse(field_selector);
    if (!f) return f.error();
    if (auto ok = core::validate_field_selector(*f, h.gk(), h.custom); !ok) return ok.error();
    s.fields = std::move(*f);
  }
  return s;
}

}  // namespace detail

result<object_list> registry::list(const gvr& r, std::string_view ns, const list_options& opts) {
  auto hr = impl_->handler(r);
  if (!hr) return hr.error();
  const auto& h = **hr;
  if (!h.info->has_verb("list")) return api_error::method_not_supported(h.gr(), "list");
  if (r.group.empty() && r.resource == "events") impl_->expire_events();
  auto sel = detail::parse_selection(h, opts.label_selector, opts.field_selector);
  if (!sel) return sel.error();
  if (opts.limit < 0) return api_error::bad_request("limit must be a non-negative integer");

  const auto& rv = opts.resource_version;
  const auto& match = opts.resource_version_match;
  storage::list_options lo{.namespace_ = h.namespaced() ? std::string(ns) : std::string(), .limit = opts.limit};
  // kube-apiserver's ValidateListOptions.
  core::field_errors errs;
  if (!match.empty()) {
    if (rv.empty()) {
      errs.push_back(core::field_error::forbidden("resourceVersionMatch",
                                                  "resourceVersionMatch is forbidden unless resourceVersion is provided"));
    }
    if (!opts.continue_token.empty()) {
      errs.push_back(core::field_error::forbidden("resourceVersionMatch",
                                                  "resourceVersionMatch is forbidden when continue is provided"));
    }
    if (match == "Exact" && rv == "0") {
      errs.push_back(core::field_error::forbidden("resourceVersionMatch",
                                                  "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
    }
    if (match != "Exact" && match != "NotOlderThan") {
      errs.push_back(core::field_error::not_supported("resourceVersionMatch", core::quote(match),
                                                      {"Exact", "NotOlderThan", ""}));
    }
  }
  if (!errs.empty()) return api_error::invalid({"meta.k8s.io", "ListOptions"}, "", errs);
  if (!opts.continue_token.empty()) {
    if (!rv.empty() && rv != "0") {
      return api_error::bad_request("specifying resource version is not allowed when using continue");
    }
    auto pos = detail::decode_continue(opts.continue_token);
    if (!pos) return pos.error();
    if (pos->rev > 0) {
      lo.at = pos->rev;
      lo.remaining_after_start = pos->remaining;  // a count is only good at its own revision
    }
    lo.start_after = pos->after;
  } else if (match == "Exact") {
    auto at = storage::parse_revision(rv);
    if (!at) return at.error();
    lo.at = *at;
  } else if (!rv.empty() && rv != "0") {
    auto at = storage::parse_revision(rv);
    if (!at) return at.error();
    if (*at > impl_->store->current_revision()) {
      return storage::detail::too_large(*at, impl_->store->current_revision());
    }
  }
  if (!sel->everything()) {
    lo.predicate = [s = &*sel](const object& o) { return s->matches(o); };
  }
  auto got = impl_->store->list(h.shard, lo);
  if (!got) {
    if (core::is_resource_expired(got.error()) && !opts.continue_token.empty()) {
      auto pos = detail::decode_continue(opts.continue_token);
      auto e = api_error::resource_expired(
          "The provided continue parameter is too old to display a consistent list result. You can start a new "
          "list without the continue parameter, or use the continue token in this response to retrieve the "
          "remainder of the results. Continuing with the provided token results in an inconsistent list - "
          "objects that were created, modified, or deleted between the time the first chunk was returned and "
          "now may show up in the list.");
      // As kube-apiserver: a token that continues from the same key at the newest revision.
      if (pos) e.set_continue_token(detail::encode_continue({-1, pos->after}));
      return e;
    }
    return got.error();
  }
  object_list out;
  out.api_version = h.info->resource.gv().str();
  out.kind = h.info->list_kind;
  out.resource_version = std::to_string(got->rev);
  out.items.reserve(got->items.size());
  for (auto& item : got->items) out.items.push_back(impl_->present(h, std::move(item)));
  if (got->continue_after) {
    std::optional<std::int64_t> remaining;
    if (got->remaining > 0) remaining = got->remaining;
    out.continue_token = detail::encode_continue({got->rev, *got->continue_after, remaining});
    if (remaining && sel->everything()) out.remaining_item_count = *remaining;
  }
  return out;
}

}  // namespace ktk::apiserver
