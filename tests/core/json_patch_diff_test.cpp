// create_json_patch: the operations it emits, and the property that applying them to
// `from` gives `to`, over many random document pairs (fixed seed: reproducible).
#include "ktk/core/patch.hpp"

#include <random>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using ktk::core::apply_json_patch;
using ktk::core::create_json_patch;
using ktk::core::json;

json applied(const json& from, const json& to) {
  json ops = create_json_patch(from, to);
  auto r = apply_json_patch(from, ops);
  EXPECT_TRUE(r.ok()) << ops.dump() << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : json();
}

TEST(json_patch_diff, equal_documents_give_an_empty_array) {
  json a = json::parse(R"({"a":[1,{"b":null}],"c":"x"})");
  EXPECT_EQ(create_json_patch(a, a), json::array());
  EXPECT_EQ(create_json_patch(json(), json()), json::array());
}

TEST(json_patch_diff, members_are_added_removed_and_replaced) {
  json from = json::parse(R"({"keep":1,"gone":2,"change":{"x":1}})");
  json to = json::parse(R"({"keep":1,"change":{"x":2},"new":[1]})");
  EXPECT_EQ(create_json_patch(from, to), json::parse(R"([
    {"op":"remove","path":"/gone"},
    {"op":"replace","path":"/change/x","value":2},
    {"op":"add","path":"/new","value":[1]}])"));
  EXPECT_EQ(applied(from, to), to);
}

TEST(json_patch_diff, root_of_a_different_type_is_replaced) {
  json from = json::parse(R"({"a":1})");
  json to = json::parse(R"([1,2])");
  EXPECT_EQ(create_json_patch(from, to), json::parse(R"([{"op":"replace","path":"","value":[1,2]}])"));
  EXPECT_EQ(applied(from, to), to);
  EXPECT_EQ(applied(to, from), from);
}

TEST(json_patch_diff, pointer_tokens_escape_tilde_and_slash) {
  json from = json::parse(R"({"labels":{"a/b":"1","c~d":"2","~1":"3"}})");
  json to = json::parse(R"({"labels":{"a/b":"9","e/~f":"4","~1":"3"}})");
  EXPECT_EQ(create_json_patch(from, to), json::parse(R"([
    {"op":"remove","path":"/labels/c~0d"},
    {"op":"replace","path":"/labels/a~1b","value":"9"},
    {"op":"add","path":"/labels/e~1~0f","value":"4"}])"));
  EXPECT_EQ(applied(from, to), to);
  json tricky_from = json::parse(R"({"~01":1})");
  json tricky_to = json::parse(R"({"~01":2,"":3})");
  EXPECT_EQ(create_json_patch(tricky_from, tricky_to), json::parse(R"([
    {"op":"add","path":"/","value":3},
    {"op":"replace","path":"/~001","value":2}])"));
  EXPECT_EQ(applied(tricky_from, tricky_to), tricky_to);
}

TEST(json_patch_diff, shorter_arrays_lose_elements_from_the_end_backwards) {
  json from = json::parse(R"({"l":[1,2,3,4]})");
  json to = json::parse(R"({"l":[1,5]})");
  EXPECT_EQ(create_json_patch(from, to), json::parse(R"([
    {"op":"replace","path":"/l/1","value":5},
    {"op":"remove","path":"/l/3"},
    {"op":"remove","path":"/l/2"}])"));
  EXPECT_EQ(applied(from, to), to);
}

TEST(json_patch_diff, longer_arrays_gain_elements_at_their_index) {
  json from = json::parse(R"({"l":[1]})");
  json to = json::parse(R"({"l":[1,2,{"x":3}]})");
  EXPECT_EQ(create_json_patch(from, to), json::parse(R"([
    {"op":"add","path":"/l/1","value":2},
    {"op":"add","path":"/l/2","value":{"x":3}}])"));
  EXPECT_EQ(applied(from, to), to);
}

TEST(json_patch_diff, nested_arrays_are_diffed_element_wise) {
  json from = json::parse(R"({"m":[[1,2],[3,[4,5]],[]]})");
  json to = json::parse(R"({"m":[[1],[3,[4,6,7]],[8]]})");
  EXPECT_EQ(create_json_patch(from, to), json::parse(R"([
    {"op":"remove","path":"/m/0/1"},
    {"op":"replace","path":"/m/1/1/1","value":6},
    {"op":"add","path":"/m/1/1/2","value":7},
    {"op":"add","path":"/m/2/0","value":8}])"));
  EXPECT_EQ(applied(from, to), to);
}

TEST(json_patch_diff, null_values_are_values) {
  json from = json::parse(R"({"a":null,"b":1,"c":{"d":null}})");
  json to = json::parse(R"({"a":1,"b":null,"c":{},"e":null})");
  EXPECT_EQ(create_json_patch(from, to), json::parse(R"([
    {"op":"replace","path":"/a","value":1},
    {"op":"replace","path":"/b","value":null},
    {"op":"remove","path":"/c/d"},
    {"op":"add","path":"/e","value":null}])"));
  EXPECT_EQ(applied(from, to), to);
}

TEST(json_patch_diff, scalars_of_another_type_are_replaced) {
  json from = json::parse(R"({"a":"1","b":true,"c":[1],"d":{"x":1}})");
  json to = json::parse(R"({"a":1,"b":"true","c":{"0":1},"d":[1]})");
  EXPECT_EQ(create_json_patch(from, to).size(), 4u);
  EXPECT_EQ(applied(from, to), to);
}

// ---- property: apply(a, diff(a, b)) == b over random documents -------------------

class doc_gen {
 public:
  explicit doc_gen(std::uint32_t seed) : rng_(seed) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::string key() {
    // Few distinct keys, so that two documents share members; some need escaping.
    static const char* keys[] = {"a", "b", "c", "a/b", "c~d", "~1", "/", "~", "", "spec", "0", "-"};
    return keys[pick(static_cast<int>(std::size(keys)))];
  }

  json scalar() {
    switch (pick(6)) {
      case 0: return nullptr;
      case 1: return pick(2) == 0;
      case 2: return pick(5);
      case 3: return pick(100) / 4.0;
      case 4: return key();
      default: return std::string(static_cast<std::size_t>(pick(4)), 'x');
    }
  }

  json value(int depth) {
    int k = depth <= 0 ? 0 : pick(5);
    if (k == 3) return object(depth - 1);
    if (k == 4) return array(depth - 1);
    return scalar();
  }

  json object(int depth) {
    json o = json::object();
    for (int n = pick(5); n > 0; --n) o[key()] = value(depth);
    return o;
  }

  json array(int depth) {
    json a = json::array();
    for (int n = pick(5); n > 0; --n) a.push_back(value(depth));
    return a;
  }

  // A copy of `v` with a few random changes somewhere inside it.
  json mutate(json v, int depth) {
    if (depth <= 0 || pick(4) == 0) return pick(3) == 0 ? value(depth) : v;
    if (v.is_object()) {
      for (int n = pick(3); n >= 0; --n) {
        std::string k = key();
        switch (pick(3)) {
          case 0: v.erase(k); break;
          case 1: v[k] = value(depth - 1); break;
          default: if (v.contains(k)) v[k] = mutate(v[k], depth - 1);
        }
      }
    } else if (v.is_array()) {
      for (int n = pick(3); n >= 0; --n) {
        switch (pick(4)) {
          case 0: if (!v.empty()) v.erase(v.begin() + pick(static_cast<int>(v.size()))); break;
          case 1: v.insert(v.begin() + pick(static_cast<int>(v.size()) + 1), value(depth - 1)); break;
          case 2: v.push_back(value(depth - 1)); break;
          default: if (!v.empty()) { auto i = static_cast<std::size_t>(pick(static_cast<int>(v.size()))); v[i] = mutate(v[i], depth - 1); }
        }
      }
    } else {
      v = value(depth);
    }
    return v;
  }

 private:
  std::mt19937 rng_;
};

TEST(json_patch_diff, applying_the_diff_gives_the_target_for_random_documents) {
  doc_gen gen(20240611);
  int checked = 0;
  for (int i = 0; i < 3000; ++i) {
    json a = gen.pick(8) == 0 ? gen.array(4) : gen.object(4);  // a root is a container
    json b;
    if (i % 3 == 0) {
      b = gen.pick(8) == 0 ? gen.array(4) : gen.object(4);  // unrelated
    } else {
      b = gen.mutate(a, 5);
      if (!b.is_object() && !b.is_array()) b = json::object();  // apply_json_patch keeps a container root
    }
    json ops = create_json_patch(a, b);
    ASSERT_TRUE(ops.is_array());
    auto r = apply_json_patch(a, ops);
    ASSERT_TRUE(r.ok()) << "a=" << a.dump() << "\nb=" << b.dump() << "\nops=" << ops.dump();
    ASSERT_EQ(*r, b) << "a=" << a.dump() << "\nops=" << ops.dump();
    if (a == b) {
      EXPECT_TRUE(ops.empty());
    }
    ++checked;
  }
  EXPECT_EQ(checked, 3000);
}

}  // namespace
