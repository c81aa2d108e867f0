#include <gtest/gtest.h>
#include "fake_fixture.h"
#include "ossup/protocol/checksum.h"
namespace ossup::testing {
TEST_F(ClientFakeTest, ZzDebug) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 3 * kPartSize);
  AddPlan(R"({"rules":[{"match":{"operation":"UploadPart","nth":3},"action":{"type":"reset","afterBytes":50000},"times":1}]})");
  auto r = MakeRequest(file, "dbg.bin"); r.parallelism = 1; r.retry_policy = client::RetryPolicy::NoRetry();
  ASSERT_FALSE(client.Upload(r).ok());
  auto id = server_->ListUploads()[0].upload_id;
  auto parts = client.ListParts(kBucket, "dbg.bin", id);
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  auto data = ReadFile(file);
  for (auto& p : *parts) printf("part %d size %llu crc %s local %llu etag %s\n", p.part_number, (unsigned long long)p.size, p.crc64 ? std::to_string(*p.crc64).c_str() : "none", (unsigned long long)protocol::Crc64(std::string_view(data).substr((p.part_number-1)*kPartSize, kPartSize)), p.etag.c_str());
  for (auto& u : server_->ListUploads()) for (auto& p : u.parts) printf("server part %d size %llu crc %s\n", p.part_number, (unsigned long long)p.size, p.crc64 ? std::to_string(*p.crc64).c_str() : "none");
}
}
