// Tests for ktk::core::rest_mapper: kubectl-style name resolution over the
// built-ins, kind/resource lookups, CRD add/replace/remove, categories, groups,
// copies, and concurrent readers with a writer (run under TSan too).
#include "ktk/core/rest_mapper.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using ktk::core::gvk;
using ktk::core::gvr;
using ktk::core::resource_info;
using ktk::core::resource_info_ptr;
using ktk::core::rest_mapper;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;
using ::testing::Pair;

resource_info crontab(std::string version = "v1") {
  resource_info r;
  r.resource = {"stable.example.com", std::move(version), "crontabs"};
  r.kind = "CronTab";
  r.list_kind = "CronTabList";
  r.singular = "crontab";
  r.short_names = {"ct"};
  r.categories = {"all"};
  r.verbs = {"get", "list", "watch"};
  r.subresources = {"status"};
  return r;
}

std::vector<std::string> names_of(const std::vector<resource_info_ptr>& v) {
  std::vector<std::string> out;
  for (const auto& r : v) out.push_back(r->gr().str());
  return out;
}

class RestMapper : public ::testing::Test {
 protected:
  rest_mapper m = rest_mapper::with_builtins();
};

TEST_F(RestMapper, ResolvesPodsByEveryName) {
  for (const char* n : {"pods", "pod", "po", "Pod", "PODS"}) {
    auto p = m.resolve(n);
    ASSERT_NE(p, nullptr) << n;
    EXPECT_EQ(p->resource, (gvr{"", "v1", "pods"})) << n;
    EXPECT_EQ(p->kind, "Pod");
    EXPECT_EQ(p->list_kind, "PodList");
    EXPECT_TRUE(p->namespaced);
  }
}

TEST_F(RestMapper, ResolvesQualifiedNames) {
  for (const char* n : {"deploy", "deployment", "deployments", "Deployment", "deployments.apps",
                        "deployment.apps", "deploy.apps", "deployment.v1.apps", "deployments.v1.apps"}) {
    auto d = m.resolve(n);
    ASSERT_NE(d, nullptr) << n;
    EXPECT_EQ(d->resource, (gvr{"apps", "v1", "deployments"})) << n;
  }
  EXPECT_EQ(m.resolve("deployments.batch"), nullptr);
  EXPECT_EQ(m.resolve("deployment.v2.apps"), nullptr);
}

TEST_F(RestMapper, ResolvesBuiltinShortNames) {
  EXPECT_EQ(m.resolve("crd")->resource, (gvr{"apiextensions.k8s.io", "v1", "customresourcedefinitions"}));
  EXPECT_EQ(m.resolve("crds")->resource, (gvr{"apiextensions.k8s.io", "v1", "customresourcedefinitions"}));
  EXPECT_FALSE(m.resolve("crd")->namespaced);
  EXPECT_EQ(m.resolve("cm")->resource, (gvr{"", "v1", "configmaps"}));
  EXPECT_EQ(m.resolve("svc")->resource, (gvr{"", "v1", "services"}));
  EXPECT_EQ(m.resolve("ns")->resource, (gvr{"", "v1", "namespaces"}));
  EXPECT_FALSE(m.resolve("ns")->namespaced);
  EXPECT_EQ(m.resolve("jobs")->resource, (gvr{"batch", "v1", "jobs"}));
  EXPECT_EQ(m.resolve("leases")->resource, (gvr{"coordination.k8s.io", "v1", "leases"}));
}

TEST_F(RestMapper, UnknownIsNull) {
  EXPECT_EQ(m.resolve("widgets"), nullptr);
  EXPECT_EQ(m.resolve(""), nullptr);
  EXPECT_EQ(m.resolve("pods.nosuchgroup"), nullptr);
  EXPECT_EQ(m.by_kind({"", "v1", "Widget"}), nullptr);
  EXPECT_EQ(m.by_resource({"", "v1", "widgets"}), nullptr);
}

TEST_F(RestMapper, ByKindAndByResource) {
  auto p = m.by_kind({"", "v1", "Pod"});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->resource.resource, "pods");
  EXPECT_EQ(p->group_version_kind(), (gvk{"", "v1", "Pod"}));
  EXPECT_EQ(p->gk(), (ktk::core::group_kind{"", "Pod"}));
  EXPECT_EQ(m.by_kind({"apps", "v1", "Pod"}), nullptr);  // group matters
  EXPECT_EQ(m.by_kind({"", "v2", "Pod"}), nullptr);      // version matters
  auto d = m.by_resource({"apps", "v1", "deployments"});
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->kind, "Deployment");
  EXPECT_TRUE(d->has_subresource("scale"));
  EXPECT_TRUE(d->has_subresource("status"));
  EXPECT_FALSE(d->has_subresource("binding"));
  EXPECT_TRUE(d->has_verb("deletecollection"));
  EXPECT_FALSE(m.resolve("ns")->has_verb("deletecollection"));
}

TEST_F(RestMapper, AddReplaceRemoveACustomResource) {
  EXPECT_EQ(m.resolve("ct"), nullptr);
  m.add(crontab());
  ASSERT_NE(m.resolve("ct"), nullptr);
  EXPECT_EQ(m.resolve("crontabs.stable.example.com")->kind, "CronTab");
  EXPECT_EQ(m.resolve("crontab.v1.stable.example.com")->kind, "CronTab");
  EXPECT_EQ(m.by_kind({"stable.example.com", "v1", "CronTab"})->resource.resource, "crontabs");

  auto before = m.all().size();
  auto replaced = crontab();
  replaced.short_names = {"cts"};
  m.add(replaced);  // same GVR: replaced in place
  EXPECT_EQ(m.all().size(), before);
  EXPECT_EQ(m.resolve("ct"), nullptr);
  EXPECT_NE(m.resolve("cts"), nullptr);

  EXPECT_TRUE(m.remove({"stable.example.com", "v1", "crontabs"}));
  EXPECT_FALSE(m.remove({"stable.example.com", "v1", "crontabs"}));
  EXPECT_EQ(m.resolve("cts"), nullptr);
  EXPECT_EQ(m.all().size(), before - 1);
}

TEST_F(RestMapper, HandedOutPointersSurviveRemoval) {
  m.add(crontab());
  auto p = m.resolve("ct");
  m.remove(p->resource);
  EXPECT_EQ(p->kind, "CronTab");
}

TEST_F(RestMapper, FirstAddedVersionIsPreferred) {
  m.add(crontab("v1"));
  m.add(crontab("v2"));
  EXPECT_EQ(m.resolve("crontabs")->resource.version, "v1");
  EXPECT_EQ(m.resolve("crontab.v2.stable.example.com")->resource.version, "v2");
  EXPECT_EQ(m.in_group_version({"stable.example.com", "v2"}).size(), 1u);
  EXPECT_THAT(m.groups(), Contains(Pair("stable.example.com", ElementsAre("v1", "v2"))));
}

TEST_F(RestMapper, CoreGroupWinsForAmbiguousNames) {
  resource_info other = crontab();
  other.resource = {"example.com", "v1", "pods"};
  other.kind = "Pod";
  other.singular = "pod";
  other.short_names = {};
  rest_mapper mm;
  mm.add(other);  // added before the core pods
  for (const auto& r : ktk::core::builtin_resources()) mm.add(r);
  EXPECT_EQ(mm.resolve("pods")->resource.group, "");
  EXPECT_EQ(mm.resolve("pods.example.com")->resource.group, "example.com");
}

TEST_F(RestMapper, CategoryAll) {
  auto all = names_of(m.by_category("all"));
  EXPECT_THAT(all, Contains("pods"));
  EXPECT_THAT(all, Contains("deployments.apps"));
  EXPECT_THAT(all, Contains("services"));
  EXPECT_THAT(all, Contains("jobs.batch"));
  EXPECT_THAT(all, Not(Contains("configmaps")));
  EXPECT_THAT(all, Not(Contains("secrets")));
  EXPECT_THAT(all, Not(Contains("customresourcedefinitions.apiextensions.k8s.io")));
  EXPECT_TRUE(m.by_category("nothing").empty());
  m.add(crontab());
  EXPECT_THAT(names_of(m.by_category("all")), Contains("crontabs.stable.example.com"));
}

TEST_F(RestMapper, Groups) {
  auto g = m.groups();
  EXPECT_THAT(g, Contains(Pair("", ElementsAre("v1"))));
  EXPECT_THAT(g, Contains(Pair("apps", ElementsAre("v1"))));
  EXPECT_THAT(g, Contains(Pair("batch", ElementsAre("v1"))));
  EXPECT_THAT(g, Contains(Pair("coordination.k8s.io", ElementsAre("v1"))));
  EXPECT_THAT(g, Contains(Pair("apiextensions.k8s.io", ElementsAre("v1"))));
  // Each group once.
  for (const auto& [name, versions] : g) {
    EXPECT_EQ(std::count_if(g.begin(), g.end(), [&](const auto& x) { return x.first == name; }), 1) << name;
  }
}

TEST_F(RestMapper, InGroupVersion) {
  auto apps = names_of(m.in_group_version({"apps", "v1"}));
  EXPECT_THAT(apps, Contains("deployments.apps"));
  EXPECT_THAT(apps, Contains("statefulsets.apps"));
  EXPECT_THAT(apps, Not(Contains("pods")));
  EXPECT_TRUE(m.in_group_version({"apps", "v1beta1"}).empty());
}

TEST_F(RestMapper, EmptyMapper) {
  rest_mapper e;
  EXPECT_EQ(e.resolve("pods"), nullptr);
  EXPECT_TRUE(e.all().empty());
  EXPECT_TRUE(e.groups().empty());
}

TEST_F(RestMapper, CopiesAreIndependent) {
  rest_mapper copy = m;
  copy.add(crontab());
  EXPECT_NE(copy.resolve("ct"), nullptr);
  EXPECT_EQ(m.resolve("ct"), nullptr);
  rest_mapper assigned;
  assigned = copy;
  EXPECT_NE(assigned.resolve("ct"), nullptr);
  assigned.remove({"", "v1", "pods"});
  EXPECT_EQ(assigned.resolve("pods"), nullptr);
  EXPECT_NE(copy.resolve("pods"), nullptr);
  auto& self = assigned;
  assigned = self;  // self-assignment keeps the content
  EXPECT_NE(assigned.resolve("ct"), nullptr);
}

TEST_F(RestMapper, BuiltinsAreWellFormed) {
  for (const auto& r : ktk::core::builtin_resources()) {
    EXPECT_FALSE(r.kind.empty());
    EXPECT_EQ(r.list_kind, r.kind + "List");
    EXPECT_FALSE(r.singular.empty()) << r.kind;
    EXPECT_FALSE(r.verbs.empty()) << r.kind;
    EXPECT_EQ(m.by_kind(r.group_version_kind())->resource, r.resource);
  }
}

// Readers resolve while a writer adds and removes a CRD's resource. Meant for
// -DKTK_SANITIZE=thread; without it, it still checks readers see whole entries.
TEST_F(RestMapper, ConcurrentReadersAndWriter) {
  std::atomic<bool> stop = false;
  std::atomic<int> bad = 0;
  std::vector<std::jthread> readers;
  for (int i = 0; i < 3; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto p = m.resolve("pods");
        if (!p || p->kind != "Pod") ++bad;
        if (auto c = m.resolve("ct"); c && c->kind != "CronTab") ++bad;
        (void)m.by_category("all");
        (void)m.groups();
        rest_mapper copy = m;
        (void)copy.resolve("deploy");
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    m.add(crontab(i % 2 ? "v1" : "v2"));
    m.remove({"stable.example.com", i % 2 ? "v2" : "v1", "crontabs"});
  }
  stop = true;
  readers.clear();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
