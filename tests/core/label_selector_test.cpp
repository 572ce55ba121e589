#include "ktk/core/label_selector.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ktk::core {
namespace {

using op = label_requirement::op;

label_selector must_parse(std::string_view s) {
  auto r = label_selector::parse(s);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : label_selector::nothing();
}

std::string parse_error(std::string_view s) {
  auto r = label_selector::parse(s);
  if (r.ok()) return "<parsed: " + r->str() + ">";
  EXPECT_EQ(r.error().code(), 400) << s;
  EXPECT_EQ(r.error().reason(), "BadRequest") << s;
  return r.error().message();
}

const std::string key_regex_msg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const std::string value_regex_msg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

TEST(LabelSelectorParse, CanonicalFormIsSortedByKey) {
  EXPECT_EQ(must_parse("app=web,tier in (fe,be),!canary").str(), "app=web,!canary,tier in (be,fe)");
  EXPECT_EQ(must_parse("x in (foo,,baz),y,z notin ()").str(), "x in (,baz,foo),y,z notin ()");
  EXPECT_EQ(must_parse("b==1,a!=2").str(), "a!=2,b=1");
  EXPECT_EQ(must_parse("n>5,m<3").str(), "m<3,n>5");
}

TEST(LabelSelectorParse, RequirementsCarryOperatorAndSortedValues) {
  auto s = must_parse("tier notin (z,a,a)");
  ASSERT_EQ(s.requirements().size(), 1u);
  EXPECT_EQ(s.requirements()[0].key, "tier");
  EXPECT_EQ(s.requirements()[0].operator_, op::not_in);
  EXPECT_EQ(s.requirements()[0].values, (std::vector<std::string>{"a", "z"}));
  EXPECT_EQ(must_parse("!x").requirements()[0].operator_, op::does_not_exist);
  EXPECT_EQ(must_parse("x").requirements()[0].operator_, op::exists);
  EXPECT_EQ(must_parse("x==y").requirements()[0].operator_, op::equals);
  EXPECT_EQ(must_parse("x>1").requirements()[0].operator_, op::greater_than);
}

TEST(LabelSelectorParse, WhitespaceTolerant) {
  EXPECT_EQ(must_parse("  a  =  b  ,\t c \n").str(), "a=b,c");
  EXPECT_EQ(must_parse("a in(x ,y)").str(), "a in (x,y)");
  EXPECT_EQ(must_parse("! a").str(), "!a");
}

TEST(LabelSelectorParse, EmptySelectsEverything) {
  for (const char* s : {"", "   ", "\t\n"}) {
    auto sel = must_parse(s);
    EXPECT_TRUE(sel.empty());
    EXPECT_TRUE(sel.matches(nlohmann::json::object()));
    EXPECT_EQ(sel.str(), "");
  }
}

TEST(LabelSelectorParse, EmptyValues) {
  EXPECT_EQ(must_parse("a=").requirements()[0].values, (std::vector<std::string>{""}));
  EXPECT_EQ(must_parse("a=,b").str(), "a=,b");
  EXPECT_EQ(must_parse("a in ()").requirements()[0].values, (std::vector<std::string>{""}));
  EXPECT_EQ(must_parse("a in (,)").requirements()[0].values, (std::vector<std::string>{""}));
  EXPECT_EQ(must_parse("a in (x,)").requirements()[0].values, (std::vector<std::string>{"", "x"}));
}

TEST(LabelSelectorParse, KeywordsAreIdentifiersInValuePositions) {
  EXPECT_EQ(must_parse("in in (in,notin)").str(), "in in (in,notin)");
  EXPECT_EQ(must_parse("a=in").str(), "a=in");
  EXPECT_EQ(must_parse("notin").requirements()[0].operator_, op::exists);
}

TEST(LabelSelectorParse, QualifiedKeys) {
  EXPECT_EQ(must_parse("app.kubernetes.io/name=web").str(), "app.kubernetes.io/name=web");
  EXPECT_EQ(must_parse(std::string(63, 'k') + "=v").requirements()[0].key.size(), 63u);
}

TEST(LabelSelectorParse, SyntaxErrorsUseApimachineryWording) {
  EXPECT_EQ(parse_error("a b"),
            "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
  EXPECT_EQ(parse_error("a in b"), "unable to parse requirement: found 'b' expected: '('");
  EXPECT_EQ(parse_error("a in (b"), "unable to parse requirement: found '', expected: ',' or ')'");
  EXPECT_EQ(parse_error("a in (b c)"), "unable to parse requirement: found 'c', expected: ',' or ')'");
  EXPECT_EQ(parse_error("a in (=)"),
            "unable to parse requirement: found '=', expected: ',', ')' or identifier");
  EXPECT_EQ(parse_error("a in ((b)"),
            "unable to parse requirement: found '(', expected: ',', ')' or identifier");
  EXPECT_EQ(parse_error("a in (b,=)"),
            "unable to parse requirement: found '=', expected: ',', or identifier");
  EXPECT_EQ(parse_error("a=(b)"), "unable to parse requirement: found '(', expected: identifier");
  EXPECT_EQ(parse_error("a!==b"), "unable to parse requirement: found '=', expected: identifier");
  EXPECT_EQ(parse_error("!"), "unable to parse requirement: found '', expected: identifier");
  EXPECT_EQ(parse_error("a,"), "found '', expected: identifier after ','");
  EXPECT_EQ(parse_error("a,,b"), "found ',', expected: identifier after ','");
  EXPECT_EQ(parse_error(",a"), "found ',', expected: !, identifier, or 'end of string'");
  EXPECT_EQ(parse_error("=a"), "found '=', expected: !, identifier, or 'end of string'");
  EXPECT_EQ(parse_error("a=b c"), "found 'c', expected: ',' or 'end of string'");
  EXPECT_EQ(parse_error("!a=b"), "found '=', expected: ',' or 'end of string'");
  EXPECT_EQ(parse_error("a=b)"), "found ')', expected: ',' or 'end of string'");
}

TEST(LabelSelectorParse, InvalidKeys) {
  EXPECT_EQ(parse_error("a/b/c=d"),
            "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key " +
                key_regex_msg + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
  EXPECT_EQ(parse_error("-a"), "unable to parse requirement: <nil>: Invalid value: \"-a\": name part " +
                                   key_regex_msg);
  EXPECT_EQ(parse_error(std::string(64, 'k')),
            "unable to parse requirement: <nil>: Invalid value: \"" + std::string(64, 'k') +
                "\": name part must be no more than 63 bytes");
  EXPECT_EQ(parse_error("/a"), "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty");
  EXPECT_EQ(parse_error("a/"), "unable to parse requirement: <nil>: Invalid value: \"a/\": name part must be "
                               "non-empty; name part " + key_regex_msg);
  EXPECT_EQ(parse_error("Foo.com/a"),
            "unable to parse requirement: <nil>: Invalid value: \"Foo.com/a\": prefix part a lowercase RFC "
            "1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
            "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
}

TEST(LabelSelectorParse, InvalidValues) {
  EXPECT_EQ(parse_error("app=-bad"),
            "unable to parse requirement: values[0][app]: Invalid value: \"-bad\": " + value_regex_msg);
  EXPECT_EQ(parse_error("app in (ok,z_)"),
            "unable to parse requirement: values[1][app]: Invalid value: \"z_\": " + value_regex_msg);
  EXPECT_EQ(parse_error("a=" + std::string(64, 'v')),
            "unable to parse requirement: values[0][a]: Invalid value: \"" + std::string(64, 'v') +
                "\": must be no more than 63 bytes");
  EXPECT_EQ(parse_error("a=" + std::string(64, 'v') + "-"),
            "unable to parse requirement: values[0][a]: Invalid value: \"" + std::string(64, 'v') +
                "-\": must be no more than 63 bytes; " + value_regex_msg);
  EXPECT_EQ(parse_error("a>b"),
            "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, "
            "the value must be an integer");
  EXPECT_EQ(parse_error("a<-1"),
            "unable to parse requirement: values[0][a]: Invalid value: \"-1\": " + value_regex_msg);
}

TEST(LabelSelectorMatch, Operators) {
  nlohmann::json labels = {{"app", "web"}, {"tier", "fe"}, {"n", "7"}, {"empty", ""}};
  auto m = [&](std::string_view s) { return must_parse(s).matches(labels); };
  EXPECT_TRUE(m("app=web"));
  EXPECT_FALSE(m("app=db"));
  EXPECT_TRUE(m("app==web"));
  EXPECT_TRUE(m("app!=db"));
  EXPECT_FALSE(m("app!=web"));
  EXPECT_TRUE(m("tier in (fe,be)"));
  EXPECT_FALSE(m("tier in (be)"));
  EXPECT_TRUE(m("tier notin (be)"));
  EXPECT_FALSE(m("tier notin (fe)"));
  EXPECT_TRUE(m("app"));
  EXPECT_FALSE(m("!app"));
  EXPECT_TRUE(m("!canary"));
  EXPECT_FALSE(m("canary"));
  EXPECT_TRUE(m("empty="));
  EXPECT_TRUE(m("empty in ()"));
  EXPECT_TRUE(m("app=web,tier in (fe),!canary"));
  EXPECT_FALSE(m("app=web,canary"));
}

TEST(LabelSelectorMatch, NegativeOperatorsMatchMissingKeys) {
  nlohmann::json labels = {{"app", "web"}};
  EXPECT_TRUE(must_parse("canary!=true").matches(labels));
  EXPECT_TRUE(must_parse("canary notin (true)").matches(labels));
  EXPECT_FALSE(must_parse("canary in (true)").matches(labels));
  EXPECT_FALSE(must_parse("canary=").matches(labels));
  EXPECT_TRUE(must_parse("canary!=x").matches(nlohmann::json()));
}

TEST(LabelSelectorMatch, IntegerComparisons) {
  auto gt = must_parse("n>5");
  EXPECT_TRUE(gt.matches(nlohmann::json{{"n", "6"}}));
  EXPECT_FALSE(gt.matches(nlohmann::json{{"n", "5"}}));
  EXPECT_FALSE(gt.matches(nlohmann::json{{"n", "x"}}));
  EXPECT_FALSE(gt.matches(nlohmann::json::object()));
  EXPECT_TRUE(must_parse("n<5").matches(nlohmann::json{{"n", "-3"}}));
}

TEST(LabelSelectorMatch, MapOverloadAgreesWithJson) {
  std::map<std::string, std::string> labels{{"app", "web"}};
  EXPECT_TRUE(must_parse("app=web,!x,y!=z").matches(labels));
  EXPECT_FALSE(must_parse("app in (db)").matches(labels));
  label_requirement req{"app", op::in, {"db", "web"}};
  EXPECT_TRUE(req.matches(nlohmann::json{{"app", "web"}}));
}

TEST(LabelSelectorObjects, FromMapAndNothing) {
  auto s = label_selector::from_map({{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(s.str(), "a=1,b=2");
  EXPECT_TRUE(s.matches(nlohmann::json{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  EXPECT_FALSE(s.matches(nlohmann::json{{"a", "1"}}));
  EXPECT_TRUE(label_selector::from_map({}).empty());

  auto none = label_selector::nothing();
  EXPECT_FALSE(none.empty());
  EXPECT_FALSE(none.matches(nlohmann::json::object()));
  EXPECT_FALSE(none.matches(std::map<std::string, std::string>{}));
  EXPECT_EQ(none.str(), "");
  EXPECT_TRUE(label_selector().matches(nlohmann::json{{"a", "b"}}));
}

TEST(LabelSelectorObjects, FromJson) {
  auto r = label_selector::from_json(nlohmann::json::parse(R"({
    "matchLabels": {"app": "web"},
    "matchExpressions": [
      {"key": "tier", "operator": "In", "values": ["fe", "be"]},
      {"key": "env", "operator": "NotIn", "values": ["prod"]},
      {"key": "canary", "operator": "DoesNotExist"},
      {"key": "zone", "operator": "Exists", "values": []}
    ]})"));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->str(), "app=web,!canary,env notin (prod),tier in (be,fe),zone");
  EXPECT_TRUE(r->matches(nlohmann::json{{"app", "web"}, {"tier", "fe"}, {"zone", "a"}}));
  EXPECT_FALSE(r->matches(nlohmann::json{{"app", "web"}, {"tier", "fe"}}));
}

TEST(LabelSelectorObjects, FromJsonNullOrEmptyMatchesEverything) {
  for (const auto& j : {nlohmann::json(), nlohmann::json::object(),
                        nlohmann::json{{"matchLabels", nullptr}, {"matchExpressions", nullptr}}}) {
    auto r = label_selector::from_json(j);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->empty());
    EXPECT_TRUE(r->matches(nlohmann::json{{"a", "b"}}));
  }
}

std::string from_json_error(const char* text) {
  auto r = label_selector::from_json(nlohmann::json::parse(text));
  if (r.ok()) return "<ok: " + r->str() + ">";
  EXPECT_EQ(r.error().code(), 400);
  return r.error().message();
}

TEST(LabelSelectorObjects, FromJsonErrorsNameTheField) {
  EXPECT_EQ(from_json_error(R"({"matchExpressions":[{"key":"a","operator":"In"}]})"),
            "matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
  EXPECT_EQ(from_json_error(R"({"matchExpressions":[{"key":"a","operator":"NotIn","values":[]}]})"),
            "matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
  EXPECT_EQ(from_json_error(R"({"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]})"),
            "matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or "
            "'DoesNotExist'");
  EXPECT_EQ(from_json_error(R"({"matchExpressions":[{"key":"a","operator":"Equals","values":["x"]}]})"),
            "matchExpressions[0].operator: Invalid value: \"Equals\": not a valid selector operator");
  EXPECT_EQ(from_json_error(R"({"matchExpressions":[{"key":"a","operator":"In","values":["x"]},
                                                  {"key":"-b","operator":"In","values":["-y"]}]})"),
            "[matchExpressions[1].key: Invalid value: \"-b\": name part " + key_regex_msg +
                ", matchExpressions[1].values[0]: Invalid value: \"-y\": " + value_regex_msg + "]");
  EXPECT_EQ(from_json_error(R"({"matchLabels":{"a":"-x"}})"),
            "matchLabels: Invalid value: \"-x\": " + value_regex_msg);
  EXPECT_EQ(from_json_error(R"({"matchLabels":{"a":1}})"),
            "matchLabels: Invalid value: 1: must be a string");
  EXPECT_EQ(from_json_error(R"("app=web")"), "a label selector must be an object, not string");
}

}  // namespace
}  // namespace ktk::core
