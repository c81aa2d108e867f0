// Client::Create: what it derives from ClientOptions and what it refuses. No request is sent.
#include "ossup/client/client.h"

#include <gtest/gtest.h>

#include "ossup/protocol/errors.h"

namespace ossup::client {
namespace {

ClientOptions V4(std::string endpoint, std::string region = "") {
  ClientOptions options;
  options.endpoint = std::move(endpoint);
  options.region = std::move(region);
  options.signature_version = protocol::SignatureVersion::kV4;
  options.credentials = MakeStaticCredentialsProvider({"AK", "SK", ""});
  return options;
}

TEST(ClientCreateTest, V4TakesTheRegionFromAnOssEndpoint) {
  auto client = Client::Create(V4("https://oss-cn-hangzhou.aliyuncs.com"));
  ASSERT_TRUE(client.ok()) << client.error().ToString();
  EXPECT_EQ(client->options().region, "cn-hangzhou");
  auto internal = Client::Create(V4("oss-ap-southeast-1-internal.aliyuncs.com"));
  ASSERT_TRUE(internal.ok()) << internal.error().ToString();
  EXPECT_EQ(internal->options().region, "ap-southeast-1");
}

TEST(ClientCreateTest, AGivenRegionWins) {
  auto client = Client::Create(V4("https://oss-cn-hangzhou.aliyuncs.com", "cn-shanghai"));
  ASSERT_TRUE(client.ok()) << client.error().ToString();
  EXPECT_EQ(client->options().region, "cn-shanghai");
}

TEST(ClientCreateTest, V4WithoutARegionToReadIsRefused) {
  for (const char* endpoint : {"http://127.0.0.1:9000", "https://oss.example.com"}) {
    auto client = Client::Create(V4(endpoint));
    ASSERT_FALSE(client.ok()) << endpoint;
    EXPECT_EQ(client.error().code, protocol::client_codes::kInvalidRequest);
  }
  ClientOptions v1 = V4("http://127.0.0.1:9000");
  v1.signature_version = protocol::SignatureVersion::kV1;
  EXPECT_TRUE(Client::Create(v1).ok());
  ClientOptions v2 = V4("http://127.0.0.1:9000");
  v2.signature_version = protocol::SignatureVersion::kV2;
  EXPECT_TRUE(Client::Create(v2).ok());  // V2, like V1, has no region in its signature
}

}  // namespace
}  // namespace ossup::client
