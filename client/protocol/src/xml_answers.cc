// Encoders of the answers only a server writes (xml_answers.h; docs/protocol.md,
// "ListObjectsV2" and "Bucket ACL").
#include "ossup/protocol/xml_answers.h"

#include "xml_support.h"

namespace ossup::protocol {

using xml_internal::kUrl;
using xml_internal::WriteListing;
using xml_internal::WriteOwner;
using xml_internal::XmlWriter;

std::string EncodeXml(const ListObjectsV2Result& v) {
  XmlWriter w;
  w.set_url_encoding(v.encoding_type == kUrl);
  w.Open("ListBucketResult").Text("Name", v.name).EncodedText("Prefix", v.prefix);
  if (!v.start_after.empty()) w.EncodedText("StartAfter", v.start_after);
  if (!v.continuation_token.empty()) w.Text("ContinuationToken", v.continuation_token);
  w.Number("MaxKeys", v.max_keys).EncodedText("Delimiter", v.delimiter);
  if (!v.encoding_type.empty()) w.Text("EncodingType", v.encoding_type);
  w.Bool("IsTruncated", v.is_truncated);
  if (!v.next_continuation_token.empty()) {
    w.Text("NextContinuationToken", v.next_continuation_token);
  }
  w.Number("KeyCount", static_cast<uint64_t>(v.contents.size() + v.common_prefixes.size()));
  WriteListing(w, v.contents, v.common_prefixes);
  w.Close();
  return std::move(w).Finish();
}

std::string EncodeXml(const BucketInfoResult& v) {
  const std::string& region = v.bucket.region;
  XmlWriter w;
  w.Open("BucketInfo").Open("Bucket");
  w.Text("AccessMonitor", "Disabled").Time("CreationDate", v.bucket.creation_date);
  w.Text("ExtranetEndpoint", "oss-" + region + ".aliyuncs.com");
  w.Text("IntranetEndpoint", "oss-" + region + "-internal.aliyuncs.com");
  w.Text("Location", v.bucket.location).Text("StorageClass", v.bucket.storage_class);
  w.Text("TransferAcceleration", "Disabled").Text("CrossRegionReplication", "Disabled");
  w.Text("Name", v.bucket.name);
  WriteOwner(w, v.owner);
  w.Open("AccessControlList").Text("Grant", v.grant).Close();
  w.Close().Close();
  return std::move(w).Finish();
}

std::string EncodeXml(const LocationConstraint& v) {
  XmlWriter w;
  w.Text("LocationConstraint", v.location);
  return std::move(w).Finish();
}

std::string EncodeXml(const PostResponse& v) {
  XmlWriter w;
  w.Open("PostResponse").Text("Bucket", v.bucket).Text("Location", v.location);
  w.Text("Key", v.key).Text("ETag", v.etag).Close();
  return std::move(w).Finish();
}

}  // namespace ossup::protocol
