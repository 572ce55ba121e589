// etcd endpoints and the gateway's errors (no etcd).
#include <gtest/gtest.h>

#include "ktk/apiserver/storage/etcd.hpp"
#include "storage/etcd_client.hpp"
#include "storage/etcd_endpoint.hpp"

namespace ktk::apiserver::storage::detail {
namespace {

TEST(EtcdEndpoint, ParsesHttpUrls) {
  auto e = parse_etcd_endpoint("http://127.0.0.1:2379/");
  EXPECT_EQ(e.url, "http://127.0.0.1:2379");
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, "2379");
  EXPECT_EQ(parse_etcd_endpoint("http://etcd").port, "2379");
  auto v6 = parse_etcd_endpoint("http://[::1]:4001");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.authority(), "[::1]:4001");
}

TEST(EtcdEndpoint, RejectsWhatItCannotUse) {
  for (const char* bad : {"https://h:2379", "h:2379", "http://", "http://h:0", "http://h:65536", "http://h:2x",
                          "http://h:2379/path", "http://u@h:1", "http://[::1"}) {
    EXPECT_THROW(parse_etcd_endpoint(bad), std::invalid_argument) << bad;
  }
  EXPECT_THROW(etcd_client({.endpoints = {}}), std::invalid_argument);
}

TEST(EtcdEndpoint, SplitEndpoints) {
  EXPECT_EQ(split_endpoints("http://a:1,http://b:2"), (std::vector<std::string>{"http://a:1", "http://b:2"}));
  EXPECT_EQ(split_endpoints(" http://a:1 , ,"), (std::vector<std::string>{"http://a:1"}));
  EXPECT_TRUE(split_endpoints("").empty());
}

TEST(EtcdGatewayErrors, MapToStatuses) {
  auto compacted = etcd_error(400, R"({"error":"etcdserver: mvcc: required revision has been compacted","code":11,
                                     "message":"etcdserver: mvcc: required revision has been compacted"})");
  EXPECT_TRUE(is_compacted(compacted));
  EXPECT_FALSE(is_future_revision(compacted));
  EXPECT_EQ(compacted.code(), 500);
  auto future = etcd_error(400, R"({"code":11,"message":"etcdserver: mvcc: required revision is a future revision"})");
  EXPECT_TRUE(is_future_revision(future));
  auto no_leader = etcd_error(503, R"({"code":14,"message":"etcdserver: no leader"})");
  EXPECT_EQ(no_leader.code(), 503);
  EXPECT_EQ(no_leader.message(), "etcd: etcdserver: no leader");
  EXPECT_EQ(etcd_error(504, R"({"code":4,"message":"context deadline exceeded"})").code(), 504);
  auto junk = etcd_error(502, "<html>bad gateway</html>");
  EXPECT_EQ(junk.code(), 500);
  EXPECT_NE(junk.message().find("HTTP 502"), std::string::npos);
}

}  // namespace
}  // namespace ktk::apiserver::storage::detail
