// XML bodies of the OSS operations this project speaks, as plain structs, with one encoder
// and one decoder per body (tinyxml2 underneath).
//
// Decoders tolerate unknown elements, whitespace, an XML prolog and a namespace attribute.
// They reject malformed XML, a wrong root element, missing required elements, bad numbers
// and bodies larger than limits::kMaxXmlBodySize with a `MalformedXML` error (the code OSS
// uses for bad request bodies; the client maps it to InvalidResponse for responses). That
// error carries OSS's MalformedXML message followed by what was wrong and where
// ("... CompleteMultipartUpload/Part[2]: missing required element <PartNumber>.").
// DecodeLifecycleConfiguration reports OSS's semantic checks as InvalidArgument instead.
// Encoders write OSS's element names and order, with an XML prolog.
//
// Times are TimePoints (ISO-8601 with milliseconds on the wire). ETags are kept as they
// appear in the document, quotes included. `encoding_type == "url"` means keys, prefixes and
// markers are URL-encoded on the wire; the structs always hold decoded values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/protocol/status.h"
#include "ossup/protocol/wire.h"

namespace ossup::protocol {

struct InitiateMultipartUploadResult {
  std::string bucket;
  std::string key;
  std::string upload_id;
  std::string encoding_type;
  friend bool operator==(const InitiateMultipartUploadResult&,
                         const InitiateMultipartUploadResult&) = default;
};

struct PartInfo {
  int part_number = 0;
  TimePoint last_modified{};
  std::string etag;
  std::optional<uint64_t> crc64;  // <HashCrc64ecma>
  uint64_t size = 0;
  friend bool operator==(const PartInfo&, const PartInfo&) = default;
};

struct ListPartsResult {
  std::string bucket;
  std::string key;
  std::string upload_id;
  std::string storage_class = "Standard";
  int part_number_marker = 0;
  int next_part_number_marker = 0;
  int max_parts = 1000;
  bool is_truncated = false;
  std::string encoding_type;
  std::vector<PartInfo> parts;
  friend bool operator==(const ListPartsResult&, const ListPartsResult&) = default;
};

struct CompletePart {
  int part_number = 0;
  std::string etag;
  friend bool operator==(const CompletePart&, const CompletePart&) = default;
};

/// Request body of CompleteMultipartUpload. Decoding keeps the listed order (the server
/// checks it) and XML-unescapes ETags (&quot; and &#34; become '"').
struct CompleteMultipartUpload {
  std::vector<CompletePart> parts;
  friend bool operator==(const CompleteMultipartUpload&, const CompleteMultipartUpload&) = default;
};

struct CompleteMultipartUploadResult {
  std::string location;
  std::string bucket;
  std::string key;
  std::string etag;
  std::string encoding_type;
  friend bool operator==(const CompleteMultipartUploadResult&,
                         const CompleteMultipartUploadResult&) = default;
};

struct UploadInfo {
  std::string key;
  std::string upload_id;
  std::string storage_class = "Standard";
  TimePoint initiated{};
  friend bool operator==(const UploadInfo&, const UploadInfo&) = default;
};

struct ListMultipartUploadsResult {
  std::string bucket;
  std::string key_marker;
  std::string upload_id_marker;
  std::string next_key_marker;
  std::string next_upload_id_marker;
  std::string delimiter;
  std::string prefix;
  int max_uploads = 1000;
  bool is_truncated = false;
  std::string encoding_type;
  std::vector<UploadInfo> uploads;
  std::vector<std::string> common_prefixes;
  friend bool operator==(const ListMultipartUploadsResult&,
                         const ListMultipartUploadsResult&) = default;
};

/// <Owner><ID>…</ID><DisplayName>…</DisplayName></Owner>.
struct Owner {
  std::string id;
  std::string display_name;
  friend bool operator==(const Owner&, const Owner&) = default;
};

struct ObjectSummary {
  std::string key;
  TimePoint last_modified{};
  std::string etag;
  std::string type = "Normal";  // Normal | Multipart | Appendable
  uint64_t size = 0;
  std::string storage_class = "Standard";
  /// <Owner>, written after <StorageClass> when set. OSS sends it in every ListObjects (v1)
  /// entry (ali-oss's list() requires it) and in ListObjectsV2 only with fetch-owner=true.
  std::optional<Owner> owner;
  friend bool operator==(const ObjectSummary&, const ObjectSummary&) = default;
};

/// ListObjects (v1) result: <ListBucketResult>.
struct ListObjectsResult {
  std::string name;
  std::string prefix;
  std::string marker;
  int max_keys = 100;
  std::string delimiter;
  bool is_truncated = false;
  std::string next_marker;
  std::string encoding_type;
  std::vector<ObjectSummary> contents;
  std::vector<std::string> common_prefixes;
  friend bool operator==(const ListObjectsResult&, const ListObjectsResult&) = default;
};

struct BucketInfo {
  std::string name;
  TimePoint creation_date{};
  std::string location = "oss-cn-hangzhou";
  std::string region = "cn-hangzhou";
  std::string storage_class = "Standard";
  friend bool operator==(const BucketInfo&, const BucketInfo&) = default;
};

/// GetService result: <ListAllMyBucketsResult>. When the request named `prefix`, `marker` or
/// `max-keys`, `paged` is set and the answer carries Prefix, Marker, MaxKeys, IsTruncated and
/// (when truncated) NextMarker before Owner, as OSS's does.
struct ListBucketsResult {
  bool paged = false;
  std::string prefix;
  std::string marker;
  int max_keys = 100;
  bool is_truncated = false;
  std::string next_marker;
  std::string owner_id;
  std::string owner_display_name;
  std::vector<BucketInfo> buckets;
  friend bool operator==(const ListBucketsResult&, const ListBucketsResult&) = default;
};

/// <Transition>: stored and returned; the fake changes no storage class.
struct LifecycleTransition {
  std::optional<int> days;
  std::optional<TimePoint> created_before;
  std::string storage_class;  // IA, Archive, ColdArchive, DeepColdArchive
  friend bool operator==(const LifecycleTransition&, const LifecycleTransition&) = default;
};

/// One <Rule> (docs/protocol.md, "Lifecycle"). An object matches when the rule is enabled, its
/// key starts with `prefix`, it carries every tag in `tags`, it is not excluded by <Filter><Not>
/// (key starting with `not_prefix` and, when `not_tag` is set, carrying that tag) and its size
/// is within the <Filter> ObjectSize bounds. Uploads match on `prefix` and `not_prefix` only.
struct LifecycleRule {
  std::string id;
  std::string prefix;
  bool enabled = true;  // <Status>Enabled|Disabled</Status>
  /// <Tag><Key/><Value/></Tag>, in document order.
  std::vector<std::pair<std::string, std::string>> tags;
  /// <Filter><Not><Prefix>.
  std::optional<std::string> not_prefix;
  /// <Filter><Not><Tag>.
  std::optional<std::pair<std::string, std::string>> not_tag;
  /// <Filter><ObjectSizeGreaterThan> / <ObjectSizeLessThan>, in bytes.
  std::optional<int64_t> size_greater_than;
  std::optional<int64_t> size_less_than;
  /// <AbortMultipartUpload><Days>: abort uploads this many days after initiation.
  std::optional<int> abort_multipart_days;
  /// <AbortMultipartUpload><CreatedBeforeDate>: abort uploads initiated before this.
  std::optional<TimePoint> abort_multipart_created_before;
  /// <Expiration><Days>: delete objects this many days after last modification.
  std::optional<int> expiration_days;
  /// <Expiration><CreatedBeforeDate>: delete objects last modified before this.
  std::optional<TimePoint> expiration_created_before;
  /// <Expiration><Date>, the legacy form older SDKs send (Go SDK 1.5.0, the Ruby SDK): from
  /// this date on, every matching object is deleted. Exclusive with Days and CreatedBeforeDate.
  std::optional<TimePoint> expiration_date;
  /// <Expiration><ExpiredObjectDeleteMarker>: stored (the fake keeps no versions).
  std::optional<bool> expired_object_delete_marker;
  std::vector<LifecycleTransition> transitions;
  friend bool operator==(const LifecycleRule&, const LifecycleRule&) = default;
};

/// Decoding also validates what OSS validates (InvalidArgument, with OSS's EC where documented;
/// docs/protocol.md, "Lifecycle"): 1 to 1000 rules; Expiration, AbortMultipartUpload and each
/// Transition have exactly one of Days/CreatedBeforeDate (Expiration: or ExpiredObjectDeleteMarker
/// alone); Days > 0; CreatedBeforeDate at UTC midnight; Transition names a known storage class
/// and comes before Expiration; Tag has a Key and does not go with AbortMultipartUpload; Not has
/// a Prefix; at least one action.
struct LifecycleConfiguration {
  std::vector<LifecycleRule> rules;
  friend bool operator==(const LifecycleConfiguration&, const LifecycleConfiguration&) = default;
};

/// <CreateBucketConfiguration> (optional body of PutBucket).
struct CreateBucketConfiguration {
  std::string storage_class = "Standard";
  friend bool operator==(const CreateBucketConfiguration&,
                         const CreateBucketConfiguration&) = default;
};

/// GetBucketAcl and GetObjectACL result: <AccessControlPolicy>. `grant` is one of the canned
/// ACLs (acl.h): a bucket's private, public-read or public-read-write; an object's also
/// default (it follows its bucket's).
struct AccessControlPolicy {
  std::string owner_id;
  std::string owner_display_name;
  std::string grant = "private";
  friend bool operator==(const AccessControlPolicy&, const AccessControlPolicy&) = default;
};

/// An object's tags in document (or header) order. The <Tagging> body of PutObjectTagging and
/// answer of GetObjectTagging; tagging.h validates them and reads the x-oss-tagging header.
struct Tagging {
  std::vector<std::pair<std::string, std::string>> tags;
  friend bool operator==(const Tagging&, const Tagging&) = default;
};

/// CopyObject result: <CopyObjectResult>.
struct CopyObjectResult {
  std::string etag;
  TimePoint last_modified{};
  friend bool operator==(const CopyObjectResult&, const CopyObjectResult&) = default;
};

/// UploadPartCopy result: <CopyPartResult>.
struct CopyPartResult {
  TimePoint last_modified{};
  std::string etag;
  friend bool operator==(const CopyPartResult&, const CopyPartResult&) = default;
};

/// Request body of DeleteMultipleObjects: <Delete>. Decoding requires 1 to
/// limits::kMaxDeleteObjects <Object> elements, each with a non-empty <Key>. The body's keys
/// are never URL-encoded (only XML-escaped). `encoding_type` is not part of the body: it is the
/// request's `encoding-type` query parameter, which asks for URL-encoded keys in the *answer*
/// (docs/protocol.md, "DeleteMultipleObjects"; go-v2 always sends it with raw keys).
struct DeleteMultipleObjects {
  bool quiet = false;
  std::vector<std::string> keys;
  std::string encoding_type;
  friend bool operator==(const DeleteMultipleObjects&, const DeleteMultipleObjects&) = default;
};

/// DeleteMultipleObjects result: <DeleteResult>, one <Deleted> per key (none when quiet).
struct DeleteMultipleObjectsResult {
  std::string encoding_type;
  std::vector<std::string> deleted;
  friend bool operator==(const DeleteMultipleObjectsResult&,
                         const DeleteMultipleObjectsResult&) = default;
};

std::string EncodeXml(const CopyObjectResult& v);
std::string EncodeXml(const CopyPartResult& v);
std::string EncodeXml(const DeleteMultipleObjects& v);
std::string EncodeXml(const DeleteMultipleObjectsResult& v);
std::string EncodeXml(const InitiateMultipartUploadResult& v);
std::string EncodeXml(const ListPartsResult& v);
std::string EncodeXml(const CompleteMultipartUpload& v);
std::string EncodeXml(const CompleteMultipartUploadResult& v);
std::string EncodeXml(const ListMultipartUploadsResult& v);
std::string EncodeXml(const ListObjectsResult& v);
std::string EncodeXml(const ListBucketsResult& v);
std::string EncodeXml(const LifecycleConfiguration& v);
std::string EncodeXml(const CreateBucketConfiguration& v);
std::string EncodeXml(const AccessControlPolicy& v);
std::string EncodeXml(const Tagging& v);
/// <Error> with Code, Message, RequestId, HostId, the details in order, then EC.
std::string EncodeXml(const Error& v);

StatusOr<CopyObjectResult> DecodeCopyObjectResult(std::string_view xml);
StatusOr<CopyPartResult> DecodeCopyPartResult(std::string_view xml);
/// `encoding_type`: the request's `encoding-type` query parameter ("" when absent).
StatusOr<DeleteMultipleObjects> DecodeDeleteMultipleObjects(std::string_view xml,
                                                            std::string_view encoding_type);
StatusOr<DeleteMultipleObjectsResult> DecodeDeleteMultipleObjectsResult(std::string_view xml);
StatusOr<InitiateMultipartUploadResult> DecodeInitiateMultipartUploadResult(std::string_view xml);
StatusOr<ListPartsResult> DecodeListPartsResult(std::string_view xml);
StatusOr<CompleteMultipartUpload> DecodeCompleteMultipartUpload(std::string_view xml);
StatusOr<CompleteMultipartUploadResult> DecodeCompleteMultipartUploadResult(std::string_view xml);
StatusOr<ListMultipartUploadsResult> DecodeListMultipartUploadsResult(std::string_view xml);
StatusOr<ListObjectsResult> DecodeListObjectsResult(std::string_view xml);
StatusOr<ListBucketsResult> DecodeListBucketsResult(std::string_view xml);
StatusOr<LifecycleConfiguration> DecodeLifecycleConfiguration(std::string_view xml);
StatusOr<CreateBucketConfiguration> DecodeCreateBucketConfiguration(std::string_view xml);
StatusOr<AccessControlPolicy> DecodeAccessControlPolicy(std::string_view xml);
/// <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>; an empty TagSet is valid.
StatusOr<Tagging> DecodeTagging(std::string_view xml);
/// The <Error> document; `http_status` is left 0 for the caller to fill.
StatusOr<Error> DecodeErrorDocument(std::string_view xml);

}  // namespace ossup::protocol
