// XML answers only a server writes and our client never reads: ListObjectsV2, GetBucketInfo,
// GetBucketLocation and PostObject's 201 answer (docs/protocol.md). The element order is OSS's.
// Encoders only; they escape text as every codec of xml.h does.
#pragma once

#include <string>
#include <vector>

#include "ossup/protocol/xml.h"

namespace ossup::protocol {

/// ListObjectsV2 result: <ListBucketResult> with v2's elements. With encoding_type "url",
/// Prefix, StartAfter, Delimiter, Key and CommonPrefixes' Prefix are percent-encoded. Empty
/// start_after, continuation_token and next_continuation_token are left out; KeyCount counts
/// contents and common prefixes.
struct ListObjectsV2Result {
  std::string name;
  std::string prefix;
  std::string start_after;
  std::string continuation_token;
  int max_keys = 100;
  std::string delimiter;
  std::string encoding_type;
  bool is_truncated = false;
  std::string next_continuation_token;
  std::vector<ObjectSummary> contents;  // Owner only when set (fetch-owner=true)
  std::vector<std::string> common_prefixes;
};
std::string EncodeXml(const ListObjectsV2Result& v);

/// GetBucketInfo result: <BucketInfo><Bucket>, endpoints and location from `bucket.region`.
struct BucketInfoResult {
  BucketInfo bucket;
  Owner owner;
  std::string grant;  // the bucket's canned ACL name
};
std::string EncodeXml(const BucketInfoResult& v);

/// GetBucketLocation result: <LocationConstraint>oss-REGION</LocationConstraint>.
struct LocationConstraint {
  std::string location;
};
std::string EncodeXml(const LocationConstraint& v);

/// PostObject's answer for success_action_status=201: <PostResponse>.
struct PostResponse {
  std::string bucket;
  std::string location;  // the object's URL
  std::string key;
  std::string etag;
};
std::string EncodeXml(const PostResponse& v);

}  // namespace ossup::protocol
