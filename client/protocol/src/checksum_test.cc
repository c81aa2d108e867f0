#include "ossup/protocol/checksum.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ossup::protocol {
namespace {

std::string HexOf(const Md5Digest& digest) { return HexUpper(digest); }

// --- CRC-64/XZ: values from docs/protocol.md, "CRC-64 test values" ---------------------------

TEST(Crc64Test, EmptyInputIsZero) {
  EXPECT_EQ(Crc64(""), 0u);
  EXPECT_EQ(Crc64Extend(0x1234, "", 0), 0x1234u);
}

TEST(Crc64Test, CheckValue) {
  // go-v2 oss/utils_crc_test.go, go v1 oss/crc_test.go: the CRC-64/XZ check value.
  EXPECT_EQ(Crc64("123456789"), 0x995DC9BBDF1939FAull);
  EXPECT_EQ(Crc64ToString(Crc64("123456789")), "11051210869376104954");
}

TEST(Crc64Test, EmergencyBroadcastAndConcatenation) {
  // go-v2 oss/utils_crc_test.go, go v1 oss/crc_test.go.
  const std::string a = "123456789";
  const std::string b = "This is a test of the emergency broadcast system.";
  EXPECT_EQ(Crc64(b), 0x27DB187FC15BBC72ull);
  EXPECT_EQ(Crc64(a + b), 0x6A7AA19FCBF48688ull);
  EXPECT_EQ(Crc64Extend(Crc64(a), b.data(), b.size()), 0x6A7AA19FCBF48688ull);
  EXPECT_EQ(Crc64Combine(Crc64(a), Crc64(b), b.size()), 0x6A7AA19FCBF48688ull);
}

TEST(Crc64Test, CombineAtEverySplitPointOfHuxley) {
  // go v1 oss/crc_test.go TestCRCRepeatedCombine.
  const std::string text =
      "Even if I could be Shakespeare, I think I should still choose to be Faraday. - A. Huxley";
  ASSERT_EQ(Crc64(text), 0x7AD25FAFA1710407ull);
  for (size_t split = 0; split <= text.size(); ++split) {
    const std::string_view head = std::string_view(text).substr(0, split);
    const std::string_view tail = std::string_view(text).substr(split);
    EXPECT_EQ(Crc64Combine(Crc64(head), Crc64(tail), tail.size()), 0x7AD25FAFA1710407ull)
        << "split at " << split;
    EXPECT_EQ(Crc64Extend(Crc64(head), tail.data(), tail.size()), 0x7AD25FAFA1710407ull)
        << "split at " << split;
  }
}

// Bit-at-a-time CRC-64/XZ, straight from the definition.
uint64_t ReferenceCrc64(uint64_t crc, const uint8_t* p, size_t size) {
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) {
    crc ^= p[i];
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc & 1) ? (crc >> 1) ^ 0xC96C5795D7870F42ull : crc >> 1;
  }
  return ~crc;
}

std::vector<uint8_t> PseudoRandomBytes(size_t size, uint64_t seed) {
  std::vector<uint8_t> bytes(size);
  for (auto& b : bytes) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    b = static_cast<uint8_t>(seed >> 56);
  }
  return bytes;
}

TEST(Crc64Test, EveryLengthOffsetAndStartValueMatchesTheDefinition) {
  // Covers both paths (tables below 128 bytes, folding above) and every tail length.
  const auto bytes = PseudoRandomBytes(4096 + 64, 1);
  for (size_t offset : {0, 1, 7, 8, 15, 33}) {
    for (size_t size = 0; size <= 1100; ++size) {
      for (uint64_t start : {0ull, 0x0123456789ABCDEFull}) {
        ASSERT_EQ(Crc64Extend(start, bytes.data() + offset, size),
                  ReferenceCrc64(start, bytes.data() + offset, size))
            << "offset " << offset << " size " << size << " start " << start;
      }
    }
  }
  for (size_t size : {4095, 4096, 4097, 4096 + 63}) {
    ASSERT_EQ(Crc64(bytes.data(), size), ReferenceCrc64(0, bytes.data(), size)) << size;
  }
}

TEST(Crc64Test, ExtendingPieceByPieceEqualsOneCall) {
  const auto bytes = PseudoRandomBytes(3 << 20, 2);
  const uint64_t whole = Crc64(bytes.data(), bytes.size());
  EXPECT_EQ(whole, ReferenceCrc64(0, bytes.data(), bytes.size()));
  uint64_t crc = 0;
  size_t done = 0;
  for (size_t step = 1; done < bytes.size(); step = step * 3 + 1) {
    const size_t n = std::min(step % 200000, bytes.size() - done);
    crc = Crc64Extend(crc, bytes.data() + done, n);
    done += n;
  }
  EXPECT_EQ(crc, whole);
}

TEST(Crc64Test, MockHeaderValues) {
  // go-v2 oss/client_mock_test.go UploadPart and PutObject mock x-oss-hash-crc64ecma headers.
  EXPECT_EQ(Crc64ToString(Crc64("upload part 1")), "6571598172666981661");
  EXPECT_EQ(Crc64ToString(Crc64("hi oss")), "8707180448768400016");
}

TEST(Crc64Test, PythonCombineStrings) {
  // Strings from python tests/test_crc64_combine.py; values: docs/protocol.md, "CRC-64".
  EXPECT_EQ(Crc64("12345"), 6748440630437108969ull);
  EXPECT_EQ(Crc64("67890"), 6285347597771850461ull);
  EXPECT_EQ(Crc64("1234567890"), 12811388247244714686ull);
  EXPECT_EQ(Crc64Combine(Crc64("12345"), Crc64("67890"), 5), 12811388247244714686ull);
}

TEST(Crc64Test, OrderedCombineOfBingWallpaperParts) {
  // go v1 sample/BingWallpaper-2015-11-07.jpg (482048 B) in 102400-B parts: the part CRCs and the
  // whole-file CRC (docs/protocol.md, "CRC-64"). Combined in part order they give the whole.
  const std::vector<std::pair<uint64_t, uint64_t>> parts = {{8763152386744783419ull, 102400},
                                                            {6614430229846010432ull, 102400},
                                                            {16516841772958390055ull, 102400},
                                                            {3383540858311989068ull, 102400},
                                                            {12089466050497086081ull, 72448}};
  uint64_t whole = 0;
  for (const auto& [crc, size] : parts) whole = Crc64Combine(whole, crc, size);
  EXPECT_EQ(whole, 3125829253308236322ull);
}

TEST(Crc64Test, SlicedLoopMatchesBytewiseAcrossAlignments) {
  // The 8-byte loop must agree with feeding one byte at a time, whatever the alignment.
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>((i * 131 + 7) & 0xFF));
  for (size_t offset = 0; offset < 9; ++offset) {
    const std::string_view slice = std::string_view(data).substr(offset);
    uint64_t bytewise = 0;
    for (char c : slice) bytewise = Crc64Extend(bytewise, &c, 1);
    EXPECT_EQ(Crc64(slice), bytewise) << "offset " << offset;
  }
}

TEST(Crc64Test, CombineOfLargeLengths) {
  // Combining with a long run of zero bytes exercises many squaring rounds.
  const std::string zeros(1 << 20, '\0');
  const uint64_t crc_a = Crc64("prefix");
  EXPECT_EQ(Crc64Combine(crc_a, Crc64(zeros), zeros.size()), Crc64("prefix" + zeros));
  EXPECT_EQ(Crc64Combine(crc_a, 0, 0), crc_a);
}

TEST(Crc64Test, ParseAcceptsOnlyDecimalInRange) {
  EXPECT_EQ(ParseCrc64("0"), 0u);
  EXPECT_EQ(ParseCrc64("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(ParseCrc64("11051210869376104954"), 0x995DC9BBDF1939FAull);
  EXPECT_EQ(ParseCrc64("18446744073709551616"), std::nullopt);
  EXPECT_EQ(ParseCrc64("000000000000000000001"), std::nullopt);  // 21 digits
  EXPECT_EQ(ParseCrc64(""), std::nullopt);
  EXPECT_EQ(ParseCrc64("-1"), std::nullopt);
  EXPECT_EQ(ParseCrc64("12 "), std::nullopt);
  EXPECT_EQ(ParseCrc64("0x12"), std::nullopt);
  EXPECT_EQ(Crc64ToString(UINT64_MAX), "18446744073709551615");
}

// --- MD5 and encodings: docs/protocol.md, "Simple ETag" reference values ---------------------

TEST(Md5AndCrc64Test, OnePassEqualsEachDigestAlone) {
  // Lengths around the 64 KiB slice the one-pass loop uses.
  for (size_t size : {size_t{0}, size_t{1}, size_t{65535}, size_t{65536}, size_t{65537},
                      size_t{3 * 65536 + 17}}) {
    std::string data(size, '\0');
    for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 131 + 7) % 251);
    const Md5AndCrc64 sums = Md5AndCrc64Of(data);
    EXPECT_EQ(sums.md5, Md5Of(data)) << size;
    EXPECT_EQ(sums.crc64, Crc64(data)) << size;
  }
}

TEST(Md5Test, ReferenceValues) {
  EXPECT_EQ(HexOf(Md5Of("")), "D41D8CD98F00B204E9800998ECF8427E");
  EXPECT_EQ(Base64Encode(Md5Of("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(HexOf(Md5Of("hi oss")), "B22E0DC370A7F7067FACF5F75D7FA385");
  EXPECT_EQ(Base64Encode(Md5Of("hi oss")), "si4Nw3Cn9wZ/rPX3XX+jhQ==");
  EXPECT_EQ(HexLower(Md5Of("hi oss")), "b22e0dc370a7f7067facf5f75d7fa385");
}

TEST(Md5Test, StreamingEqualsOneShot) {
  Md5 md5;
  md5.Update("hi", 2);
  md5.Update(" ", 1);
  md5.Update("oss", 3);
  EXPECT_EQ(md5.Final(), Md5Of("hi oss"));
}

TEST(Base64Test, RoundTripsEveryPaddingLength) {
  const std::string text = "abcdef";
  for (size_t n = 0; n <= text.size(); ++n) {
    const std::string_view input = std::string_view(text).substr(0, n);
    const std::string encoded = Base64Encode(input);
    const auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(std::string(decoded->begin(), decoded->end()), input);
  }
  EXPECT_EQ(Base64Encode(std::string_view("f")), "Zg==");
  EXPECT_EQ(Base64Encode(std::string_view("fo")), "Zm8=");
  EXPECT_EQ(Base64Encode(std::string_view("foo")), "Zm9v");
}

TEST(Base64Test, RejectsMalformedInput) {
  EXPECT_EQ(Base64Decode("Zg="), std::nullopt);       // length not a multiple of 4
  EXPECT_EQ(Base64Decode("Z==="), std::nullopt);      // too much padding
  EXPECT_EQ(Base64Decode("Zg=a"), std::nullopt);      // data after padding
  EXPECT_EQ(Base64Decode("Zg==Zg=="), std::nullopt);  // padding in the middle
  EXPECT_EQ(Base64Decode("Zm9*"), std::nullopt);      // bad alphabet
  EXPECT_EQ(Base64Decode("Zh=="), std::nullopt);      // non-zero trailing bits
  EXPECT_EQ(Base64Decode("Zm9v\n"), std::nullopt);
  ASSERT_TRUE(Base64Decode("").has_value());
  EXPECT_TRUE(Base64Decode("")->empty());
}

TEST(HmacTest, Rfc4231AndRfc2202Vectors) {
  // RFC 2202 test case 2 (HMAC-SHA1) and RFC 4231 test case 2 (HMAC-SHA256).
  EXPECT_EQ(HexLower(HmacSha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  const std::string key = "Jefe";
  EXPECT_EQ(HexLower(HmacSha256({reinterpret_cast<const uint8_t*>(key.data()), key.size()},
                                "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HexLower(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// --- ETags: docs/protocol.md, "MD5 and ETags" ------------------------------------------------

TEST(ETagTest, SimpleETagIsQuotedUpperHexMd5) {
  EXPECT_EQ(ETagOf(Md5Of("hi oss")), "\"B22E0DC370A7F7067FACF5F75D7FA385\"");
}

TEST(ETagTest, NormalizeStripsQuotesEntitiesAndCase) {
  EXPECT_EQ(NormalizeETag("\"b22e0dc370a7f7067facf5f75d7fa385\""),
            "B22E0DC370A7F7067FACF5F75D7FA385");
  EXPECT_EQ(NormalizeETag("&quot;B22E0DC370A7F7067FACF5F75D7FA385&quot;"),
            "B22E0DC370A7F7067FACF5F75D7FA385");
  EXPECT_EQ(NormalizeETag("&#34;B22E0DC370A7F7067FACF5F75D7FA385&#34;"),
            "B22E0DC370A7F7067FACF5F75D7FA385");
  EXPECT_EQ(NormalizeETag("1c787c506eabfb9b45eaaa8db039f4b2-2"),
            "1C787C506EABFB9B45EAAA8DB039F4B2-2");
}

TEST(ETagTest, MultipartPythonCapture) {
  // python unittests/test_multipart.py test_complete (2015 capture of real OSS).
  EXPECT_EQ(MultipartETag(
                {"\"4DE8075FB607DF4D13FBC480EA488EFA\"", "\"AF947EC157726CEA88ED83B3C989063B\""}),
            "\"1C787C506EABFB9B45EAAA8DB039F4B2-2\"");
}

TEST(ETagTest, MultipartGoV1BingWallpaper) {
  // go v1 oss/download_test.go: sample/BingWallpaper-2015-11-07.jpg in 102400-byte parts.
  EXPECT_EQ(MultipartETag({"251AD9D223371CF6380544DF72E106CB", "215A888785362D10E3F5204BFAB1EEDF",
                           "547DF973F1622420B4D20B5E7C6D329C", "B820869246C889A0AD3C54043F2B7E05",
                           "BCCAB4D694301EB00A03686D12F331A7"}),
            "\"2351E662233817A7AE974D8C5B0876DD-5\"");
}

TEST(ETagTest, MultipartGoV2MockCompletion) {
  // go-v2 oss/client_mock_test.go: the one completion of the masked part ETag that matches the
  // 96316-byte single-part object's ETag (docs/protocol.md, "Multipart ETag").
  EXPECT_EQ(MultipartETag({"&quot;CF3F46D505093571E916FCDD49677299&quot;"}),
            "\"29B94424BC241D80B0AF488A4E4B86AF-1\"");
}

TEST(ETagTest, MultipartIsNotTheS3BinaryRule) {
  // S3 hashes the binary digests; docs/protocol.md, "Multipart ETag" gives that (wrong) value.
  EXPECT_NE(MultipartETag({"4DE8075FB607DF4D13FBC480EA488EFA", "AF947EC157726CEA88ED83B3C989063B"}),
            "\"0DF038210DB5A89CC49FF5BD8E784E95-2\"");
}

}  // namespace
}  // namespace ossup::protocol
