// url_test.cpp — server URLs, escaping and query strings.
#include "../../client/src/rest/detail/url.hpp"

#include <gtest/gtest.h>

namespace {

using ktk::client::rest::detail::escape_component;
using ktk::client::rest::detail::is_ip_literal;
using ktk::client::rest::detail::parse_server_url;
using ktk::client::rest::detail::query;

TEST(url, https_with_port_and_prefix) {
  auto u = parse_server_url("https://10.0.0.1:6443/k8s/clusters/c1/");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "10.0.0.1");
  EXPECT_EQ(u->port, 6443);
  EXPECT_EQ(u->prefix, "/k8s/clusters/c1");
  EXPECT_EQ(u->authority(), "10.0.0.1:6443");
  EXPECT_EQ(u->str(), "https://10.0.0.1:6443/k8s/clusters/c1");
}

TEST(url, default_ports) {
  EXPECT_EQ(parse_server_url("https://example.com")->port, 443);
  EXPECT_EQ(parse_server_url("http://example.com")->port, 80);
  EXPECT_FALSE(parse_server_url("http://example.com")->tls);
}

TEST(url, a_bare_host_is_https_only_when_tls_is_configured) {
  EXPECT_TRUE(parse_server_url("localhost:6443", true)->tls);
  auto u = parse_server_url("localhost:8080", false);
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->host, "localhost");
  EXPECT_EQ(u->port, 8080);
}

TEST(url, ipv6_literals_need_brackets) {
  auto u = parse_server_url("https://[::1]:6443");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->authority(), "[::1]:6443");
  EXPECT_FALSE(parse_server_url("https://::1:6443"));
}

TEST(url, rejects_what_it_cannot_use) {
  EXPECT_FALSE(parse_server_url("ftp://host"));
  EXPECT_FALSE(parse_server_url("https://"));
  EXPECT_FALSE(parse_server_url("https://host:0"));
  EXPECT_FALSE(parse_server_url("https://host:70000"));
  EXPECT_FALSE(parse_server_url("https://host:12x"));
  EXPECT_FALSE(parse_server_url("https://user:pw@host"));
  EXPECT_FALSE(parse_server_url("https://host/api?x=1"));
}

TEST(url, ip_literals) {
  EXPECT_TRUE(is_ip_literal("127.0.0.1"));
  EXPECT_TRUE(is_ip_literal("::1"));
  EXPECT_FALSE(is_ip_literal("localhost"));
  EXPECT_FALSE(is_ip_literal("1.2.3"));
}

TEST(url, escapes_all_but_unreserved) {
  EXPECT_EQ(escape_component("a-b.c_d~e"), "a-b.c_d~e");
  EXPECT_EQ(escape_component("app in (a,b)"), "app%20in%20%28a%2Cb%29");
  EXPECT_EQ(escape_component("a=b&c/d"), "a%3Db%26c%2Fd");
  EXPECT_EQ(escape_component("\xc3\xa9"), "%C3%A9");
}

TEST(url, query_in_insertion_order) {
  query q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.str(), "");
  q.add("limit", "10").add_if("continue", "").add_if("labelSelector", "app!=web");
  EXPECT_EQ(q.str(), "?limit=10&labelSelector=app%21%3Dweb");
}

}  // namespace
