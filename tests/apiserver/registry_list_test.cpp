// registry list: selectors, pagination over a consistent snapshot, resourceVersion
// semantics and their errors.
#include "registry_fixtures.hpp"

namespace ktk::apiserver::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class RegistryList : public registry_test {
 protected:
  std::vector<std::string> names(const gvr& r, const std::string& ns, const list_options& o = {}) {
    auto got = reg.list(r, ns, o);
    if (!got) {
      ADD_FAILURE() << "list failed: " << got.error().message();
      return {};
    }
    std::vector<std::string> out;
    for (const auto& i : got->items) out.emplace_back(i->name());
    return out;
  }
  void labelled() {
    must_create(configmaps, "default", configmap("prod-web", {}, {{"env", "prod"}, {"tier", "web"}}));
    must_create(configmaps, "default", configmap("prod-db", {}, {{"env", "prod"}, {"tier", "db"}}));
    must_create(configmaps, "default", configmap("dev-web", {}, {{"env", "dev"}, {"tier", "web"}}));
    must_create(configmaps, "default", configmap("plain"));
  }
};

TEST_F(RegistryList, ListShapeAndOrder) {
  must_create(configmaps, "default", configmap("b"));
  must_create(configmaps, "default", configmap("a"));
  must_create(configmaps, "kube-system", configmap("c"));
  auto got = reg.list(configmaps, "default");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->api_version, "v1");
  EXPECT_EQ(got->kind, "ConfigMapList");
  EXPECT_EQ(got->resource_version, std::to_string(reg.current_revision()));
  EXPECT_TRUE(got->continue_token.empty());
  EXPECT_FALSE(got->remaining_item_count);
  EXPECT_THAT(names(configmaps, "default"), ElementsAre("a", "b"));
  EXPECT_THAT(names(configmaps, ""), ElementsAre("a", "b", "c"));
  json j = got->to_json();
  EXPECT_EQ(j["kind"], "ConfigMapList");
  EXPECT_EQ(j["items"].size(), 2u);
  EXPECT_EQ(j["metadata"]["resourceVersion"], got->resource_version);
}

TEST_F(RegistryList, LabelSelectorFullSyntax) {
  labelled();
  EXPECT_THAT(names(configmaps, "default", {.label_selector = "env=prod"}), ElementsAre("prod-db", "prod-web"));
  EXPECT_THAT(names(configmaps, "default", {.label_selector = "env==prod,tier=web"}), ElementsAre("prod-web"));
  EXPECT_THAT(names(configmaps, "default", {.label_selector = "env!=prod"}), ElementsAre("dev-web", "plain"));
  EXPECT_THAT(names(configmaps, "default", {.label_selector = "tier in (db, web),env notin (dev)"}),
              ElementsAre("prod-db", "prod-web"));
  EXPECT_THAT(names(configmaps, "default", {.label_selector = "env"}), ElementsAre("dev-web", "prod-db", "prod-web"));
  EXPECT_THAT(names(configmaps, "default", {.label_selector = "!env"}), ElementsAre("plain"));
  EXPECT_THAT(names(configmaps, "default", {.label_selector = "env=staging"}), IsEmpty());
}

TEST_F(RegistryList, BadLabelSelectorIsBadRequest) {
  EXPECT_TRUE(fails_with(reg.list(configmaps, "default", {.label_selector = "env in (prod"}), 400, "BadRequest"));
  EXPECT_TRUE(fails_with(reg.list(configmaps, "default", {.label_selector = "Bad Key=x"}), 400, "BadRequest"));
}

TEST_F(RegistryList, FieldSelectors) {
  must_create(configmaps, "default", configmap("a"));
  must_create(configmaps, "default", configmap("b"));
  must_create(configmaps, "kube-system", configmap("a"));
  EXPECT_THAT(names(configmaps, "", {.field_selector = "metadata.name=a"}), ElementsAre("a", "a"));
  EXPECT_THAT(names(configmaps, "", {.field_selector = "metadata.namespace=default"}), ElementsAre("a", "b"));
  EXPECT_THAT(names(configmaps, "default", {.field_selector = "metadata.name!=a"}), ElementsAre("b"));
  must_create(pods, "default", pod("on-n1", "n1"));
  must_create(pods, "default", pod("on-n2", "n2"));
  must_create(pods, "default", pod("pending"));
  EXPECT_THAT(names(pods, "default", {.field_selector = "spec.nodeName=n1"}), ElementsAre("on-n1"));
  EXPECT_THAT(names(pods, "default", {.field_selector = "spec.nodeName="}), ElementsAre("pending"));
  EXPECT_THAT(names(pods, "default", {.field_selector = "status.phase=Pending,spec.nodeName!=n1"}),
              ElementsAre("on-n2", "pending"));
}

TEST_F(RegistryList, UnsupportedFieldIsBadRequest) {
  EXPECT_TRUE(fails_with(reg.list(pods, "default", {.field_selector = "spec.foo=x"}), 400, "BadRequest",
                         "field label not supported: spec.foo"));
  auto cm = reg.list(configmaps, "default", {.field_selector = "data.x=y"});
  ASSERT_TRUE(fails_with(cm, 400, "BadRequest"));
  EXPECT_THAT(cm.error().message(), HasSubstr("data.x"));
  EXPECT_TRUE(fails_with(reg.list(pods, "default", {.field_selector = "spec.nodeName"}), 400, "BadRequest"));
}

TEST_F(RegistryList, PagesAreConsistentWhileWritesHappen) {
  for (const char* n : {"a", "b", "c", "d", "e"}) must_create(configmaps, "default", configmap(n));
  auto p1 = reg.list(configmaps, "default", {.limit = 2});
  ASSERT_TRUE(p1) << p1.error().message();
  ASSERT_EQ(p1->items.size(), 2u);
  EXPECT_FALSE(p1->continue_token.empty());
  EXPECT_EQ(p1->remaining_item_count, 3);

  // Writes between pages do not show up in the rest of the list.
  must_create(configmaps, "default", configmap("bb"));
  ASSERT_TRUE(reg.remove(configmaps, {"default", "d"}));
  ASSERT_TRUE(reg.update(configmaps, {"default", "c"}, configmap("c", {{"new", "yes"}})));

  auto p2 = reg.list(configmaps, "default", {.limit = 2, .continue_token = p1->continue_token});
  ASSERT_TRUE(p2) << p2.error().message();
  EXPECT_EQ(p2->resource_version, p1->resource_version);
  EXPECT_EQ(p2->remaining_item_count, 1);
  auto p3 = reg.list(configmaps, "default", {.limit = 2, .continue_token = p2->continue_token});
  ASSERT_TRUE(p3) << p3.error().message();
  EXPECT_TRUE(p3->continue_token.empty());
  EXPECT_FALSE(p3->remaining_item_count);
  std::vector<std::string> all;
  for (const auto* p : {&*p1, &*p2, &*p3}) {
    for (const auto& i : p->items) all.emplace_back(i->name());
  }
  EXPECT_THAT(all, ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_FALSE(p2->items[0]->data()["data"].contains("new"));
}

TEST_F(RegistryList, SelectorsHideRemainingItemCount) {
  labelled();
  auto got = reg.list(configmaps, "default", {.label_selector = "env", .limit = 1});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->items.size(), 1u);
  EXPECT_FALSE(got->continue_token.empty());
  EXPECT_FALSE(got->remaining_item_count);
}

TEST_F(RegistryList, BadContinueTokenIsBadRequest) {
  EXPECT_TRUE(fails_with(reg.list(configmaps, "default", {.limit = 1, .continue_token = "not-a-token"}), 400,
                         "BadRequest"));
}

TEST_F(RegistryList, ExactResourceVersionListsThePast) {
  auto a = must_create(configmaps, "default", configmap("a"));
  must_create(configmaps, "default", configmap("b"));
  ASSERT_TRUE(reg.update(configmaps, {"default", "a"}, configmap("a", {{"k", "v"}})));
  auto got = reg.list(configmaps, "default",
                      {.resource_version = std::string(a->resource_version()), .resource_version_match = "Exact"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->resource_version, std::string(a->resource_version()));
  ASSERT_EQ(got->items.size(), 1u);
  EXPECT_EQ(got->items[0]->name(), "a");
  EXPECT_FALSE(got->items[0]->data()["data"].contains("k"));
  // NotOlderThan an old revision gives the current state.
  auto now = reg.list(configmaps, "default",
                      {.resource_version = std::string(a->resource_version()), .resource_version_match = "NotOlderThan"});
  ASSERT_TRUE(now);
  EXPECT_EQ(now->items.size(), 2u);
}

TEST(RegistryListHistory, ExactResourceVersionPastTheHistoryIsExpired) {
  core::fake_clock clk;
  registry reg(registry_options{.clock = &clk, .history = 5, .seed = 1});
  auto first = reg.create(configmaps, "default", configmap("a")).value();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(reg.update(configmaps, {"default", "a"}, configmap("a", {{"i", std::to_string(i)}})));
  auto got = reg.list(configmaps, "default",
                      {.resource_version = std::string(first->resource_version()), .resource_version_match = "Exact"});
  EXPECT_TRUE(fails_with(got, 410, "Expired", "The resourceVersion for the provided list is too old."));
}

// kube-apiserver validates ListOptions first: violations are 422 Invalid on
// ListOptions.meta.k8s.io (metainternalversion/validation.ValidateListOptions).
TEST_F(RegistryList, ResourceVersionMatchWithoutResourceVersionIsInvalid) {
  auto got = reg.list(configmaps, "default", {.resource_version_match = "NotOlderThan"});
  EXPECT_TRUE(fails_with(got, 422, "Invalid",
                         R"(ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: )"
                         "resourceVersionMatch is forbidden unless resourceVersion is provided"));
}

TEST_F(RegistryList, ExactAtZeroAndUnknownMatchAreInvalid) {
  EXPECT_TRUE(fails_with(reg.list(configmaps, "default", {.resource_version = "0", .resource_version_match = "Exact"}),
                         422, "Invalid",
                         R"(ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: )"
                         R"(resourceVersionMatch "exact" is forbidden for resourceVersion "0")"));
  EXPECT_TRUE(fails_with(reg.list(configmaps, "default", {.resource_version = "1", .resource_version_match = "Newest"}),
                         422, "Invalid"));
}

// storage.NewTooLargeResourceVersionError: errors.NewTimeoutError ("Timeout: " prefix)
// with a ResourceVersionTooLarge cause, which client-go's IsTooLargeResourceVersion reads.
TEST_F(RegistryList, TooLargeResourceVersionIsTimeout) {
  must_create(configmaps, "default", configmap("a"));
  auto current = reg.current_revision();
  auto got = reg.list(configmaps, "default", {.resource_version = std::to_string(current + 1000)});
  EXPECT_TRUE(fails_with(got, 504, "Timeout",
                         "Timeout: Too large resource version: " + std::to_string(current + 1000) +
                             ", current: " + std::to_string(current)));
  EXPECT_EQ(got.error().details().retry_after_seconds, 1);
  ASSERT_EQ(got.error().details().causes.size(), 1u);
  EXPECT_EQ(got.error().details().causes[0].reason, "ResourceVersionTooLarge");
}

TEST_F(RegistryList, ResourceVersionThatIsNotANumberIsRejected) {
  auto got = reg.list(configmaps, "default", {.resource_version = "abc"});
  ASSERT_FALSE(got);
  EXPECT_TRUE(got.error().code() == 400 || got.error().code() == 422) << got.error().code();
}

TEST_F(RegistryList, CustomResourcesInACrdAreListed) {
  install_at_crd();
  must_create(ats, "default", at("one"));
  auto got = reg.list(ats, "default");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->kind, "AtList");
  EXPECT_EQ(got->api_version, "cnat.programming-kubernetes.info/v1alpha1");
  EXPECT_EQ(got->items.size(), 1u);
}

TEST_F(RegistryList, PaginationWithALabelSelectorVisitsEveryMatch) {
  labelled();
  must_create(configmaps, "default", configmap("zz-prod", {}, {{"env", "prod"}}));
  std::vector<std::string> all;
  list_options o{.label_selector = "env=prod", .limit = 1};
  for (int page = 0; page < 10; ++page) {
    auto got = reg.list(configmaps, "default", o);
    ASSERT_TRUE(got) << got.error().message();
    for (const auto& i : got->items) all.emplace_back(i->name());
    if (got->continue_token.empty()) break;
    o.continue_token = got->continue_token;
  }
  EXPECT_THAT(all, ElementsAre("prod-db", "prod-web", "zz-prod"));
}

}  // namespace
}  // namespace ktk::apiserver::testing

namespace ktk::apiserver::testing {
namespace {

TEST(RegistryListHistory, AnExpiredContinueTokenIs410WithATokenAtTheNewestRevision) {
  core::fake_clock clk;
  registry reg(registry_options{.clock = &clk, .history = 3, .seed = 1});
  for (const char* n : {"a", "b", "c", "d"}) ASSERT_TRUE(reg.create(configmaps, "default", configmap(n)));
  auto page = reg.list(configmaps, "default", {.limit = 2}).value();
  ASSERT_FALSE(page.continue_token.empty());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(reg.update(configmaps, {"default", "a"}, configmap("a", {{"i", std::to_string(i)}})));
  auto expired = reg.list(configmaps, "default", {.limit = 2, .continue_token = page.continue_token});
  ASSERT_TRUE(fails_with(expired, 410, "Expired"));
  const std::string fresh = expired.error().continue_token();
  ASSERT_FALSE(fresh.empty());
  // The fresh token continues after "b", at the newest revision.
  auto rest = reg.list(configmaps, "default", {.limit = 5, .continue_token = fresh});
  ASSERT_TRUE(rest) << rest.error().message();
  ASSERT_EQ(rest->items.size(), 2u);
  EXPECT_EQ(rest->items[0]->name(), "c");
  EXPECT_EQ(rest->items[1]->name(), "d");
}

TEST_F(RegistryList, AnInvalidContinueTokenNamesTheByteAsKubeDoes) {
  auto got = reg.list(configmaps, "default", {.limit = 2, .continue_token = "not-a-token!"});
  EXPECT_TRUE(fails_with(got, 400, "BadRequest",
                         "invalid continue token: continue key is not valid: illegal base64 data at input byte 11"));
}

}  // namespace
}  // namespace ktk::apiserver::testing
