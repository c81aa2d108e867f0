#include "part_io.h"

#include <gtest/gtest.h>

#include <string>

namespace ossup::client::internal {
namespace {

const std::string kBytes = "The quick brown fox jumps over the lazy dog";

TEST(Fingerprint, ComputesOnlyWhatTheModeChecks) {
  const PartDigest md5 = Fingerprint(kBytes, IntegrityMode::kMd5AndCrc64);
  EXPECT_EQ(md5.ETag(), "\"9E107D9D372BB6826BD81D3542A419D6\"");
  EXPECT_EQ(md5.ContentMd5(), "nhB9nTcrtoJr2B01QqQZ1g==");
  EXPECT_EQ(md5.crc64, protocol::Crc64(kBytes));

  // kCrc64: no MD5 at all, so no Content-MD5 header and no ETag to compare.
  const PartDigest crc = Fingerprint(kBytes, IntegrityMode::kCrc64);
  EXPECT_EQ(crc.ContentMd5(), "");
  EXPECT_EQ(crc.ETag(), "");
  EXPECT_EQ(crc.md5, protocol::Md5Digest{});
  EXPECT_EQ(crc.crc64, protocol::Crc64(kBytes));

  const PartDigest none = Fingerprint(kBytes, IntegrityMode::kNone);
  EXPECT_EQ(none.ContentMd5(), "");
  EXPECT_EQ(none.crc64, 0u);
}

TEST(PartDigest, MismatchComparesWhatTheModeComputed) {
  WriteResponse right;
  right.etag = "\"9E107D9D372BB6826BD81D3542A419D6\"";
  right.crc64 = protocol::Crc64(kBytes);
  WriteResponse wrong_crc = right;
  *wrong_crc.crc64 ^= 1;
  WriteResponse wrong_etag = right;
  wrong_etag.etag = "\"00000000000000000000000000000000\"";
  WriteResponse no_crc = right;
  no_crc.crc64.reset();

  const PartDigest md5 = Fingerprint(kBytes, IntegrityMode::kMd5AndCrc64);
  EXPECT_EQ(md5.Mismatch(right, true), "");
  EXPECT_NE(md5.Mismatch(wrong_crc, true).find("server CRC-64"), std::string::npos);
  EXPECT_NE(md5.Mismatch(wrong_etag, true).find("server ETag"), std::string::npos);
  EXPECT_EQ(md5.Mismatch(wrong_etag, false), "");  // an upload callback's answer
  EXPECT_EQ(md5.Mismatch(no_crc, true), "");

  const PartDigest crc = Fingerprint(kBytes, IntegrityMode::kCrc64);
  EXPECT_EQ(crc.Mismatch(right, true), "");
  EXPECT_NE(crc.Mismatch(wrong_crc, true), "");
  EXPECT_EQ(crc.Mismatch(wrong_etag, true), "");  // cannot tell without MD5

  const PartDigest none = Fingerprint(kBytes, IntegrityMode::kNone);
  EXPECT_EQ(none.Mismatch(wrong_crc, true), "");
  EXPECT_EQ(none.Mismatch(wrong_etag, true), "");
}

TEST(IntegrityModeNames, RoundTripAndRejectOthers) {
  for (auto mode : AllIntegrityModes()) {
    EXPECT_EQ(ParseIntegrityMode(IntegrityModeName(mode)), mode);
  }
  EXPECT_EQ(IntegrityModeName(IntegrityMode::kMd5AndCrc64), "md5+crc64");
  EXPECT_FALSE(ParseIntegrityMode("md5").has_value());
  EXPECT_FALSE(ParseIntegrityMode("CRC64").has_value());
}

}  // namespace
}  // namespace ossup::client::internal
