#include "ktk/core/yaml.hpp"

#include <fstream>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ktk::core {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Runs f, expecting a yaml_error; returns it.
template <class F>
yaml_error expect_yaml_error(F&& f) {
  try {
    f();
  } catch (const yaml_error& e) {
    return e;
  }
  ADD_FAILURE() << "no yaml_error thrown";
  return yaml_error("", 0, 0, "");
}

TEST(YamlToJson, MultipleDocumentsSkippingEmptyOnes) {
  auto docs = yaml_to_json_documents("---\n---\n# only a comment\n---\na: 1\n---\nb: [x, y]\n---\n~\n...\n");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0], json({{"a", 1}}));
  EXPECT_EQ(docs[1], json::parse(R"({"b":["x","y"]})"));
  EXPECT_TRUE(yaml_to_json_documents("").empty());
  EXPECT_TRUE(yaml_to_json_documents("# nothing\n").empty());
}

TEST(YamlToJson, ScalarTypingFollowsYaml12CoreSchema) {
  auto j = yaml_to_json(R"(
t: true
T: True
f: FALSE
n: null
tilde: ~
empty:
i: 42
neg: -7
plus: +3
hex: 0x1F
oct: 0o17
lead0: 012
f1: 1.5
f2: 1e3
f3: .5
yes: yes
no: No
on: on
off: off
y: y
q1: "true"
q2: '123'
q3: "null"
q4: ""
date: 2001-12-14
ver: 1.2.3
ip: 10.0.0.1
under: 1_000
)");
  EXPECT_EQ(j["t"], true);
  EXPECT_EQ(j["T"], true);
  EXPECT_EQ(j["f"], false);
  EXPECT_TRUE(j["n"].is_null());
  EXPECT_TRUE(j["tilde"].is_null());
  EXPECT_TRUE(j["empty"].is_null());
  EXPECT_TRUE(j["i"].is_number_integer());
  EXPECT_EQ(j["i"], 42);
  EXPECT_EQ(j["neg"], -7);
  EXPECT_EQ(j["plus"], 3);
  EXPECT_EQ(j["hex"], 31);
  EXPECT_EQ(j["oct"], 15);
  EXPECT_EQ(j["lead0"], 12);
  EXPECT_TRUE(j["f1"].is_number_float());
  EXPECT_EQ(j["f1"], 1.5);
  EXPECT_TRUE(j["f2"].is_number_float());
  EXPECT_EQ(j["f2"], 1000.0);
  EXPECT_EQ(j["f3"], 0.5);
  for (const char* k : {"yes", "no", "on", "off", "y"}) EXPECT_TRUE(j[k].is_string()) << k;
  EXPECT_EQ(j["no"], "No");
  EXPECT_EQ(j["q1"], "true");
  EXPECT_EQ(j["q2"], "123");
  EXPECT_EQ(j["q3"], "null");
  EXPECT_EQ(j["q4"], "");
  EXPECT_EQ(j["date"], "2001-12-14");
  EXPECT_EQ(j["ver"], "1.2.3");
  EXPECT_EQ(j["ip"], "10.0.0.1");
  EXPECT_EQ(j["under"], "1_000");
}

TEST(YamlToJson, BigIntegersStayExact) {
  auto j = yaml_to_json("a: 9007199254740993\nb: 9223372036854775807\nc: -9223372036854775808\n"
                        "d: 18446744073709551615\ne: 123456789012345678901234567890\n");
  EXPECT_EQ(j["a"].get<std::int64_t>(), 9007199254740993LL);
  EXPECT_EQ(j["b"].get<std::int64_t>(), INT64_MAX);
  EXPECT_EQ(j["c"].get<std::int64_t>(), INT64_MIN);
  EXPECT_EQ(j["d"].get<std::uint64_t>(), UINT64_MAX);
  EXPECT_TRUE(j["e"].is_number_float());
}

TEST(YamlToJson, TagsKeysBlocksAndMerges) {
  auto j = yaml_to_json(R"(
tagged: !!str 123
asint: !!int "12"
asfloat: !!float 1
custom: !Ref thing
1: int key
true: bool key
literal: |
  line1
  line2
folded: >-
  a
  b
base: &b {x: 1, y: 2}
merged:
  <<: *b
  y: 3
quoted:
  "<<": not a merge
)");
  EXPECT_EQ(j["tagged"], "123");
  EXPECT_EQ(j["asint"], 12);
  EXPECT_TRUE(j["asfloat"].is_number_float());
  EXPECT_EQ(j["custom"], "thing");
  EXPECT_EQ(j["1"], "int key");
  EXPECT_EQ(j["true"], "bool key");
  EXPECT_EQ(j["literal"], "line1\nline2\n");
  EXPECT_EQ(j["folded"], "a b");
  EXPECT_EQ(j["merged"], json::parse(R"({"x":1,"y":3})"));
  EXPECT_EQ(j["quoted"], json::parse(R"({"<<":"not a merge"})"));
}

TEST(YamlToJson, MergeKeysNeverOverrideExplicitOnes) {
  auto j = yaml_to_json("a: &a {x: 1, y: 2}\nb: &b {y: 9, z: 9}\nm:\n  y: 3\n  <<: [*a, *b]\n  z: 4\n");
  EXPECT_EQ(j["m"], json::parse(R"({"x":1,"y":3,"z":4})"));
}

TEST(YamlToJson, WindowsLineEndings) {
  auto docs = yaml_to_json_documents("a: 1\r\nb: |\r\n  x\r\n  y\r\n---\r\nc: 2\r\n");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0], json::parse(R"({"a":1,"b":"x\ny\n"})"));
}

TEST(YamlToJson, JsonIsYaml) {
  const char* text = R"({"apiVersion": "v1", "kind": "Pod", "n": [1, -2.5, true, null, {"a": "b"}],
                          "big": 9007199254740993})";
  EXPECT_EQ(yaml_to_json(text), json::parse(text));
  EXPECT_EQ(yaml_to_json("{a: b, c: [1, 2]}"), json::parse(R"({"a":"b","c":[1,2]})"));
  EXPECT_EQ(yaml_to_json("[1, 2]\n"), json::parse("[1,2]"));
  auto docs = yaml_to_json_documents("{\"a\": 1}\n---\n{\"b\": 2}\n");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[1], json({{"b", 2}}));
}

TEST(YamlToJson, SingleDocumentApi) {
  EXPECT_TRUE(yaml_to_json("").is_null());
  EXPECT_EQ(yaml_to_json("---\na: 1\n"), json({{"a", 1}}));
  auto e = expect_yaml_error([] { yaml_to_json("a: 1\n---\nb: 2\n", "two.yaml"); });
  EXPECT_EQ(e.source(), "two.yaml");
  EXPECT_EQ(e.line(), 2);
}

TEST(YamlErrors, NameSourceLineAndColumn) {
  auto e = expect_yaml_error([] { yaml_to_json_documents("a: 1\nb: [1, 2\nc: 3\n", "deploy.yaml"); });
  EXPECT_EQ(e.source(), "deploy.yaml");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.message(), "end of sequence flow not found");
  EXPECT_EQ(std::string(e.what()), "deploy.yaml:3:2: end of sequence flow not found");

  e = expect_yaml_error([] { yaml_to_json_documents("a: 1\n b: 2\n"); });
  EXPECT_EQ(e.source(), "<input>");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), 3);

  e = expect_yaml_error([] { yaml_to_json_documents("a: \"unterminated\nb: 1"); });
  EXPECT_EQ(e.line(), 2);

  e = expect_yaml_error([] { yaml_to_json_documents("{\"a\": [1, 2}\n"); });
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.column(), 12);

  e = expect_yaml_error([] { yaml_to_json_documents("a: 1\nitems:\n\t- b\n"); });
  EXPECT_EQ(e.line(), 3);
}

TEST(YamlErrors, DuplicateKeysNameBothLines) {
  auto e = expect_yaml_error([] { yaml_to_json_documents("a: 1\nb:\n  c: 1\n  c: 2\n"); });
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.column(), 3);
  EXPECT_EQ(e.message(), "mapping key \"c\" already defined at line 3");
  e = expect_yaml_error([] { yaml_to_json_documents("{\"a\": 1, \"a\": 2}"); });
  EXPECT_EQ(e.line(), 1);
  EXPECT_THAT(e.message(), HasSubstr("\"a\" already defined"));
}

TEST(YamlErrors, OtherBadInput) {
  EXPECT_EQ(expect_yaml_error([] { yaml_to_json_documents("- a\nb: 1\n"); }).message(),
            "did not find expected <document start>");
  EXPECT_EQ(expect_yaml_error([] { yaml_to_json_documents("a: *nowhere\n"); }).line(), 1);
  EXPECT_EQ(expect_yaml_error([] { yaml_to_json_documents("? [a]\n: b\n"); }).message(),
            "mapping keys must be scalars");
  EXPECT_THAT(expect_yaml_error([] { yaml_to_json_documents("x: .inf\n"); }).message(), HasSubstr(".inf"));
  EXPECT_EQ(expect_yaml_error([] { yaml_to_json_documents("x: !!int abc\n"); }).message(),
            "cannot decode !!int `abc`");
  EXPECT_THAT(expect_yaml_error([] { yaml_to_json_documents("a: &a [1]\nb: {<<: *a}\n"); }).message(),
              HasSubstr("map merge"));
}

std::string nested_flow(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(YamlLimits, NestingIsCappedAt400Levels) {
  EXPECT_NO_THROW(yaml_to_json(nested_flow(400)));           // the JSON fast path
  EXPECT_NO_THROW(yaml_to_json("a: " + nested_flow(399)));   // yaml-cpp
  EXPECT_NO_THROW(yaml_to_json("- " + nested_flow(399).insert(399, "x")));
  for (const std::string& text : {nested_flow(401), "a: " + nested_flow(400), nested_flow(100000)}) {
    auto e = expect_yaml_error([&] { yaml_to_json(text); });
    EXPECT_EQ(e.message(), "document nests deeper than 400 levels");
    EXPECT_EQ(e.line(), 1);
  }
  std::string block;
  for (int i = 0; i < 600; ++i) block += std::string(static_cast<std::size_t>(2 * i), ' ') + "a:\n";
  auto e = expect_yaml_error([&] { yaml_to_json(block); });
  EXPECT_EQ(e.message(), "document nests deeper than 400 levels");
  EXPECT_EQ(e.line(), 401);
  EXPECT_EQ(e.column(), 801);
}

TEST(YamlLimits, AliasBombsAreRefused) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  const char* names = "abcdefgh";
  for (int i = 1; i < 8; ++i) {
    text += std::string(1, names[i]) + ": &" + names[i] + " [";
    for (int k = 0; k < 10; ++k) text += std::string(k ? ", *" : "*") + names[i - 1];
    text += "]\n";
  }
  auto e = expect_yaml_error([&] { yaml_to_json(text); });
  EXPECT_EQ(e.message(), "document contains excessive aliasing");
  EXPECT_EQ(yaml_to_json("a: &x {k: v}\nb: *x\n")["b"], json({{"k", "v"}}));
}

TEST(JsonToYaml, BlockStyle) {
  json j = json::parse(R"({"a":1,"b":[1,{"c":"x","d":[true,null]},[2,3]],"e":{},"f":[],"g":{"h":{"i":"j"}},
                           "s":"true","m":"l1\nl2\n"})");
  EXPECT_EQ(json_to_yaml(j),
            "a: 1\n"
            "b:\n"
            "- 1\n"
            "- c: x\n"
            "  d:\n"
            "  - true\n"
            "  - null\n"
            "- - 2\n"
            "  - 3\n"
            "e: {}\n"
            "f: []\n"
            "g:\n"
            "  h:\n"
            "    i: j\n"
            "m: |\n"
            "  l1\n"
            "  l2\n"
            "s: 'true'\n");
  EXPECT_EQ(json_to_yaml(json("x")), "x\n");
  EXPECT_EQ(json_to_yaml(json()), "null\n");
  EXPECT_EQ(json_to_yaml(json::array()), "[]\n");
}

TEST(JsonToYaml, RoundTripsTrickyStrings) {
  const std::vector<std::string> tricky = {
      "true", "True", "false", "123", "-1", "+1", "", "null", "Null", "~", "0x1", "0o7", "1e3", "1.5", ".5",
      ".inf", ".nan", "yes", "No", "on", "OFF", "y", "n", "1_000", "10.0.0.1", "1:20", "=", "<<",
      "a: b", "a:b", "a:", " leading", "trailing ", "#comment", "a #b", "a#b", "- item", "-", "-foo",
      "--flag=x", "?", "? x", ":", ",", "[", "]", "{", "}", "@at", "%pct", "!bang", "&amp", "*star",
      "|pipe", ">gt", "'quote", "\"dq", "it's", "back\\slash", "\ttab", "tab\tinside", "multi\nline",
      "multi\nline\n", "ends\n\n\n", "\nleading newline", "  indented\nblock", "x\n  \ny", "x\n  more\n",
      "line\r\nwindows", "ctrl\x01x", "del\x7fx", "nul", std::string("nul\0x", 5), "caf\xC3\xA9",
      "nel\xC2\x85x", "ls\xE2\x80\xA8x", "\xEF\xBB\xBF" "bom", "---", "--- x", "...", "# x\n# y",
      "key: value\nother: thing\n", "- a\n- b", "中文"};
  json doc = json::object();
  json list = json::array();
  for (std::size_t i = 0; i < tricky.size(); ++i) {
    doc["v" + std::to_string(i)] = tricky[i];
    doc[tricky[i] + "#key"] = i;
    list.push_back(tricky[i]);
  }
  doc["list"] = list;
  doc["nested"] = json::array({list, json::object({{"in", list}})});
  for (const auto& s : tricky) {
    if (s.find('\n') == std::string::npos && s.find('\r') == std::string::npos) doc[s] = s;
  }
  std::string yaml = json_to_yaml(doc);
  json back;
  ASSERT_NO_THROW(back = yaml_to_json(yaml)) << yaml;
  EXPECT_EQ(back, doc) << yaml;
  for (const auto& s : tricky) {
    std::string one = json_to_yaml(json(s));
    EXPECT_EQ(yaml_to_json_documents(one + "---\n" + one).size(), 2u) << one;
    EXPECT_EQ(yaml_to_json(one), json(s)) << one;
  }
}

TEST(JsonToYaml, RoundTripsNumbersWithTheirTypes) {
  json j = json::parse(R"({"i":-5,"u":18446744073709551615,"f":2.0,"g":1e100,"h":-0.5,"z":0,"b":false})");
  json back = yaml_to_json(json_to_yaml(j));
  EXPECT_EQ(back, j);
  EXPECT_TRUE(back["f"].is_number_float());
  EXPECT_TRUE(back["g"].is_number_float());
  EXPECT_TRUE(back["i"].is_number_integer());
  EXPECT_EQ(back["u"].get<std::uint64_t>(), UINT64_MAX);
}

TEST(JsonToYaml, DepthMatchesTheReader) {
  json deep = json::array();
  for (int i = 1; i < 400; ++i) deep = json::array({deep});
  EXPECT_EQ(yaml_to_json(json_to_yaml(deep)), deep);
  json deeper = json::array({deep});
  EXPECT_THROW(json_to_yaml(deeper), yaml_error);
}

class YamlFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ktk-yaml-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& rel, const std::string& text) {
    auto p = dir_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::filesystem::path dir_;
};

TEST_F(YamlFiles, LoadFileFlattensLists) {
  auto p = write("list.yaml",
                 "apiVersion: v1\nkind: List\nitems:\n- {kind: A}\n- kind: PodList\n  items: [{kind: B}]\n"
                 "---\nkind: C\n---\nkind: ConfigMapList\nitems: []\n---\nkind: Listing\nitems: [1]\n"
                 "---\nkind: List\nitems: not-an-array\n");
  auto docs = load_yaml_file(p);
  ASSERT_EQ(docs.size(), 5u);
  EXPECT_EQ(docs[0]["kind"], "A");
  EXPECT_EQ(docs[1]["kind"], "B");
  EXPECT_EQ(docs[2]["kind"], "C");
  EXPECT_EQ(docs[3]["kind"], "Listing");
  EXPECT_EQ(docs[4]["items"], "not-an-array");
}

TEST_F(YamlFiles, ErrorsNameThePath) {
  auto bad = write("bad.yaml", "a: 1\na: 2\n");
  auto e = expect_yaml_error([&] { load_yaml_file(bad); });
  EXPECT_EQ(e.source(), bad.string());
  EXPECT_EQ(e.line(), 2);
  auto missing = dir_ / "missing.yaml";
  try {
    load_yaml_file(missing);
    ADD_FAILURE() << "no error";
  } catch (const yaml_error&) {
    ADD_FAILURE() << "wrong error type";
  } catch (const std::runtime_error& err) {
    EXPECT_THAT(err.what(), HasSubstr(missing.string()));
  }
  EXPECT_THROW(load_yaml_file(dir_), std::runtime_error);
  EXPECT_THROW(load_yaml_path(missing), std::runtime_error);
}

TEST_F(YamlFiles, LoadPathWalksFoldersInOrder) {
  write("b/c.yml", "kind: C\n");
  write("a.yaml", "kind: A1\n---\nkind: A2\n");
  write("d.json", R"({"kind": "D"})");
  write("e.txt", "kind: E\n");
  write("b/a/z.yaml", "kind: Z\n");
  auto docs = load_yaml_path(dir_);
  std::vector<std::string> kinds;
  for (const auto& d : docs) kinds.push_back(d["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"A1", "A2", "Z", "C", "D"}));
  EXPECT_EQ(load_yaml_path(dir_ / "d.json").at(0)["kind"], "D");
  EXPECT_TRUE(load_yaml_path(dir_ / "b" / "a" / "..").size() == 2u);
}

// Found by tests/fuzz (yaml, patch, scenario): invalid UTF-8 in a scalar became a JSON
// string that json::dump() throws on. go-yaml rejects it; so do we, with the line.
TEST(YamlToJson, RejectsInvalidUtf8) {
  for (std::string bad : {std::string("a: \xC6x\n"), std::string("\xFF: 1\n"),
                          std::string("a: \xED\xA0\x80\n"), std::string("a: \xC0\xAF\n")}) {
    try {
      yaml_to_json(bad, "bad.yaml");
      ADD_FAILURE() << "accepted " << json(bad).dump(-1, ' ', true, json::error_handler_t::replace);
    } catch (const yaml_error& e) {
      EXPECT_THAT(e.message(), HasSubstr("invalid UTF-8"));
      EXPECT_EQ(e.line(), 1);
    }
  }
  EXPECT_EQ(yaml_to_json("a: caf\xC3\xA9 \xF0\x9F\x98\x80\n")["a"], "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

// Found by tests/fuzz (yaml): a key over YAML's 1024-character limit for implicit keys
// was written as one, and did not read back.
TEST(JsonToYaml, RoundTripsVeryLongKeys) {
  json j = {{std::string(1500, 'k'), {{"nested", 1}}}, {std::string(2000, '\x7f'), 2}, {"short", 3}};
  EXPECT_EQ(yaml_to_json(json_to_yaml(j)), j);
  json inner = {{"outer", {{std::string(1100, 'x'), "v"}}}};
  EXPECT_EQ(yaml_to_json(json_to_yaml(inner)), inner);
}

// Found by tests/fuzz (yaml): yaml-cpp 0.7 returned an empty document at the same place
// forever for "... ,", so a 5-byte YAML body hung the reader (and a server thread).
TEST(YamlToJson, InputTheParserCannotPassIsAnErrorNotAHang) {
  for (const char* text : {"... ,", "a: 1\n... ,\n", "...\n,"}) {
    EXPECT_THROW(yaml_to_json_documents(text), yaml_error) << text;
  }
  EXPECT_EQ(yaml_to_json_documents("a: 1\n...\n---\nb: 2\n").size(), 2u);
}

}  // namespace
}  // namespace ktk::core
