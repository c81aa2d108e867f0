// Every XML decoder of ossup/protocol/xml.h. The first byte picks the decoder (byte % 16; for
// DeleteMultipleObjects, (byte / 16) % 2 == 1 passes encoding-type "url"); the rest is the
// document. Property: a document that decodes re-encodes to one that decodes, and encoding is
// then stable (decode(encode(v)) encodes to the same text and decodes to the same value).
// Times may lose sub-millisecond digits on the first re-encode (the wire carries
// milliseconds), so the first decoded value itself is not compared.
#include <string>

#include "fuzz_support.h"
#include "ossup/protocol/xml.h"

namespace {

using namespace ossup::protocol;  // NOLINT(google-build-using-namespace)
using ossup::fuzz::Require;

template <typename Decode>
void CheckRoundTrip(std::string_view xml, Decode decode) {
  auto first = decode(xml);
  if (!first.ok()) return;
  const std::string encoded = EncodeXml(*first);
  auto second = decode(encoded);
  Require(second.ok(), "the re-encoded document decodes");
  const std::string reencoded = EncodeXml(*second);
  Require(reencoded == encoded, "encoding a decoded value is stable");
  auto third = decode(reencoded);
  Require(third.ok() && *third == *second, "decode(encode(v)) == v");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::string_view xml = ossup::fuzz::AsText(data + 1, size - 1);
  switch (selector % 16) {
    case 0:
      CheckRoundTrip(xml, DecodeCopyObjectResult);
      break;
    case 1:
      CheckRoundTrip(xml, DecodeCopyPartResult);
      break;
    case 2: {
      const std::string_view encoding = (selector / 16) % 2 == 1 ? "url" : "";
      CheckRoundTrip(xml,
                     [&](std::string_view x) { return DecodeDeleteMultipleObjects(x, encoding); });
      break;
    }
    case 3:
      CheckRoundTrip(xml, DecodeDeleteMultipleObjectsResult);
      break;
    case 4:
      CheckRoundTrip(xml, DecodeInitiateMultipartUploadResult);
      break;
    case 5:
      CheckRoundTrip(xml, DecodeListPartsResult);
      break;
    case 6:
      CheckRoundTrip(xml, DecodeCompleteMultipartUpload);
      break;
    case 7:
      CheckRoundTrip(xml, DecodeCompleteMultipartUploadResult);
      break;
    case 8:
      CheckRoundTrip(xml, DecodeListMultipartUploadsResult);
      break;
    case 9:
      CheckRoundTrip(xml, DecodeListObjectsResult);
      break;
    case 10:
      CheckRoundTrip(xml, DecodeListBucketsResult);
      break;
    case 11:
      CheckRoundTrip(xml, DecodeLifecycleConfiguration);
      break;
    case 12:
      CheckRoundTrip(xml, DecodeCreateBucketConfiguration);
      break;
    case 13:
      CheckRoundTrip(xml, DecodeErrorDocument);
      break;
    case 14:
      CheckRoundTrip(xml, DecodeAccessControlPolicy);
      break;
    case 15:
      CheckRoundTrip(xml, DecodeTagging);
      break;
  }
  return 0;
}
