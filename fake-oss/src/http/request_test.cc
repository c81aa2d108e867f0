// ResolveBucketAndKey: which bucket and key a raw request target on a Host names.
#include "http/request.h"

#include <gtest/gtest.h>

namespace ossup::fake {
namespace {

using BucketKey = std::pair<std::string, std::string>;

BucketKey Resolve(std::string_view host, std::string_view path, const Addressing& addressing = {}) {
  auto resolved = ResolveBucketAndKey(addressing, host, path);
  EXPECT_TRUE(resolved.ok()) << resolved.status().ToString();
  return resolved.ok() ? *resolved : BucketKey{};
}

TEST(ResolveBucketAndKeyTest, PathStyleOnAnIpHost) {
  EXPECT_EQ(Resolve("127.0.0.1:9000", "/bkt/dir/a%20b"), BucketKey("bkt", "dir/a b"));
  EXPECT_EQ(Resolve("127.0.0.1:9000", "/bkt"), BucketKey("bkt", ""));
  EXPECT_EQ(ResolveBucketAndKey({}, "127.0.0.1", "/bkt/%G1").status().code(), "InvalidURI");
}

TEST(ResolveBucketAndKeyTest, AliyuncsHostsNameTheBucketInTheirFirstLabel) {
  EXPECT_EQ(Resolve("bkt.oss-cn-hangzhou.aliyuncs.com", "/dir/k"), BucketKey("bkt", "dir/k"));
  // The bare endpoint names no bucket: path style.
  EXPECT_EQ(Resolve("oss-cn-hangzhou.aliyuncs.com", "/bkt/k"), BucketKey("bkt", "k"));
  EXPECT_EQ(Resolve("OSS-CN-HANGZHOU.ALIYUNCS.COM:443", "/bkt/k"), BucketKey("bkt", "k"));
}

// Found by fuzz/addressing_fuzz: a valid bucket named "oss-…" addressed virtual-host style (as
// the client's ResolveTarget does) was taken for the endpoint, and the key for the bucket.
TEST(ResolveBucketAndKeyTest, BucketsStartingWithOssDashAreBuckets) {
  EXPECT_EQ(Resolve("oss-et.oss-cn-hangzhou.aliyuncs.com", "/k"), BucketKey("oss-et", "k"));
  EXPECT_EQ(Resolve("oss-x.oss-cn-hangzhou-internal.aliyuncs.com:443", "/"),
            BucketKey("oss-x", ""));
}

TEST(ResolveBucketAndKeyTest, VirtualHostDomainAndDefaultBucket) {
  EXPECT_EQ(Resolve("bkt.oss.local:8080", "/bkt/k", {"oss.local", ""}), BucketKey("bkt", "bkt/k"));
  EXPECT_EQ(Resolve("cdn.example.com", "/a/b", {"", "photos"}), BucketKey("photos", "a/b"));
}

}  // namespace
}  // namespace ossup::fake
