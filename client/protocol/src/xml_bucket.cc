// Codecs of the bucket and service bodies (docs/protocol.md, "Bucket operations"): ListObjects,
// ListBuckets, LifecycleConfiguration, AccessControlPolicy and CreateBucketConfiguration.
#include <tinyxml2.h>

#include "ossup/protocol/errors.h"
#include "ossup/protocol/xml.h"
#include "xml_support.h"

namespace ossup::protocol {
namespace {

using xml_internal::DecodeDocument;
using xml_internal::kUrl;
using xml_internal::Need;
using xml_internal::XmlReader;
using xml_internal::XmlWriter;

Error InvalidLifecycle(std::string_view message, std::string_view ec) {
  Error error = MakeError("InvalidArgument", message);
  error.ec = std::string(ec);
  return error;
}

LifecycleRule DecodeLifecycleRule(XmlReader& r) {
  LifecycleRule rule;
  rule.id = r.Text("ID");
  rule.prefix = r.Text("Prefix");
  const std::string status = r.Token("Status", Need::kRequired);
  if (status == "Enabled" || status == "Disabled") {
    rule.enabled = status == "Enabled";
  } else if (r.ok()) {
    r.Fail("<Status> must be Enabled or Disabled, not \"" + status + "\".");
  }
  if (std::optional<XmlReader> abort = r.Child("AbortMultipartUpload")) {
    const bool has_days = abort->Has("Days");
    const bool has_date = abort->Has("CreatedBeforeDate");
    if (!has_days && !has_date) {
      r.Fail(InvalidLifecycle("AbortMultipartUpload must have one of Days and CreatedBeforeDate.",
                              "0014-00000073"));
    } else if (has_days && has_date) {
      r.Fail(InvalidLifecycle("AbortMultipartUpload must not have both Days and CreatedBeforeDate.",
                              "0014-00000074"));
    } else if (has_days) {
      int days = 0;
      abort->Number("Days", days, Need::kRequired);
      rule.abort_multipart_days = days;
    } else {
      abort->Time("CreatedBeforeDate", rule.abort_multipart_created_before);
    }
  }
  if (std::optional<XmlReader> expiration = r.Child("Expiration")) {
    if (!expiration->Has("Days")) {
      r.Fail(InvalidLifecycle("Only Expiration with Days is supported.", ""));
    } else {
      int days = 0;
      expiration->Number("Days", days, Need::kRequired);
      rule.expiration_days = days;
    }
  }
  const auto non_positive = [](const std::optional<int>& days) { return days && *days <= 0; };
  if (non_positive(rule.abort_multipart_days) || non_positive(rule.expiration_days)) {
    r.Fail(InvalidLifecycle("Days must be a positive integer.", ""));
  }
  if (!rule.abort_multipart_days && !rule.abort_multipart_created_before && !rule.expiration_days) {
    r.Fail(
        InvalidLifecycle("A rule needs at least one of AbortMultipartUpload and Expiration.", ""));
  }
  return rule;
}

}  // namespace

// --- ListObjectsResult -----------------------------------------------------------------------

std::string EncodeXml(const ListObjectsResult& v) {
  XmlWriter w;
  w.set_url_encoding(v.encoding_type == kUrl);
  w.Open("ListBucketResult");
  if (!v.encoding_type.empty()) w.Text("EncodingType", v.encoding_type);
  w.Text("Name", v.name).EncodedText("Prefix", v.prefix).EncodedText("Marker", v.marker);
  w.Number("MaxKeys", v.max_keys).EncodedText("Delimiter", v.delimiter);
  w.Bool("IsTruncated", v.is_truncated);
  if (!v.next_marker.empty()) w.EncodedText("NextMarker", v.next_marker);
  for (const ObjectSummary& object : v.contents) {
    w.Open("Contents");
    w.EncodedText("Key", object.key).Time("LastModified", object.last_modified);
    w.Text("ETag", object.etag).Text("Type", object.type).Number("Size", object.size);
    w.Text("StorageClass", object.storage_class);
    if (object.owner) {
      w.Open("Owner").Text("ID", object.owner->id);
      w.Text("DisplayName", object.owner->display_name).Close();
    }
    w.Close();
  }
  for (const std::string& prefix : v.common_prefixes) {
    w.Open("CommonPrefixes").EncodedText("Prefix", prefix).Close();
  }
  w.Close();
  return std::move(w).Finish();
}

StatusOr<ListObjectsResult> DecodeListObjectsResult(std::string_view xml) {
  return DecodeDocument<ListObjectsResult>(
      xml, "ListBucketResult", [&](XmlReader& r, ListObjectsResult& v) {
        v.encoding_type = r.Token("EncodingType");
        r.set_url_decoding(v.encoding_type == kUrl);
        v.name = r.Text("Name");
        v.prefix = r.EncodedText("Prefix");
        v.marker = r.EncodedText("Marker");
        r.Number("MaxKeys", v.max_keys);
        v.delimiter = r.EncodedText("Delimiter");
        r.Bool("IsTruncated", v.is_truncated, Need::kRequired);
        v.next_marker = r.EncodedText("NextMarker");
        r.ForEach("Contents", [&](XmlReader& c) {
          ObjectSummary object;
          object.key = c.EncodedText("Key", Need::kRequired);
          c.Time("LastModified", object.last_modified);
          object.etag = c.Token("ETag");
          if (c.Has("Type")) object.type = c.Token("Type");
          c.Number("Size", object.size);
          if (c.Has("StorageClass")) object.storage_class = c.Token("StorageClass");
          if (std::optional<XmlReader> owner = c.Child("Owner")) {
            object.owner = Owner{owner->Text("ID"), owner->Text("DisplayName")};
          }
          v.contents.push_back(std::move(object));
        });
        r.ForEach("CommonPrefixes", [&](XmlReader& group) {
          for (std::string& prefix : group.EncodedTexts("Prefix")) {
            v.common_prefixes.push_back(std::move(prefix));
          }
        });
      });
}

// --- ListBucketsResult -----------------------------------------------------------------------

std::string EncodeXml(const ListBucketsResult& v) {
  XmlWriter w;
  w.Open("ListAllMyBucketsResult");
  if (v.paged) {
    w.Text("Prefix", v.prefix).Text("Marker", v.marker).Number("MaxKeys", v.max_keys);
    w.Bool("IsTruncated", v.is_truncated);
    if (v.is_truncated) w.Text("NextMarker", v.next_marker);
  }
  w.Open("Owner").Text("ID", v.owner_id).Text("DisplayName", v.owner_display_name).Close();
  w.Open("Buckets");
  for (const BucketInfo& bucket : v.buckets) {
    w.Open("Bucket");
    w.Time("CreationDate", bucket.creation_date).Text("Location", bucket.location);
    w.Text("Name", bucket.name).Text("Region", bucket.region);
    w.Text("StorageClass", bucket.storage_class);
    w.Close();
  }
  w.Close();
  w.Close();
  return std::move(w).Finish();
}

StatusOr<ListBucketsResult> DecodeListBucketsResult(std::string_view xml) {
  return DecodeDocument<ListBucketsResult>(
      xml, "ListAllMyBucketsResult", [&](XmlReader& r, ListBucketsResult& v) {
        v.paged = r.Has("IsTruncated");
        if (v.paged) {
          v.prefix = r.Text("Prefix");
          v.marker = r.Text("Marker");
          r.Number("MaxKeys", v.max_keys);
          r.Bool("IsTruncated", v.is_truncated, Need::kRequired);
          v.next_marker = r.Text("NextMarker");
        }
        if (std::optional<XmlReader> owner = r.Child("Owner")) {
          v.owner_id = owner->Text("ID");
          v.owner_display_name = owner->Text("DisplayName");
        }
        if (std::optional<XmlReader> buckets = r.Child("Buckets")) {
          buckets->ForEach("Bucket", [&](XmlReader& b) {
            BucketInfo bucket;
            bucket.name = b.Text("Name", Need::kRequired);
            b.Time("CreationDate", bucket.creation_date);
            if (b.Has("Location")) bucket.location = b.Token("Location");
            if (b.Has("Region")) bucket.region = b.Token("Region");
            if (b.Has("StorageClass")) bucket.storage_class = b.Token("StorageClass");
            v.buckets.push_back(std::move(bucket));
          });
        }
      });
}

// --- LifecycleConfiguration ------------------------------------------------------------------

std::string EncodeXml(const LifecycleConfiguration& v) {
  XmlWriter w;
  w.Open("LifecycleConfiguration");
  for (const LifecycleRule& rule : v.rules) {
    w.Open("Rule");
    w.Text("ID", rule.id).Text("Prefix", rule.prefix);
    w.Text("Status", rule.enabled ? "Enabled" : "Disabled");
    if (rule.expiration_days) w.Open("Expiration").Number("Days", *rule.expiration_days).Close();
    if (rule.abort_multipart_days || rule.abort_multipart_created_before) {
      w.Open("AbortMultipartUpload");
      if (rule.abort_multipart_days) w.Number("Days", *rule.abort_multipart_days);
      if (rule.abort_multipart_created_before) {
        w.Time("CreatedBeforeDate", *rule.abort_multipart_created_before);
      }
      w.Close();
    }
    w.Close();
  }
  w.Close();
  return std::move(w).Finish();
}

StatusOr<LifecycleConfiguration> DecodeLifecycleConfiguration(std::string_view xml) {
  return DecodeDocument<LifecycleConfiguration>(
      xml, "LifecycleConfiguration", [&](XmlReader& r, LifecycleConfiguration& v) {
        r.ForEach("Rule", [&](XmlReader& rule) { v.rules.push_back(DecodeLifecycleRule(rule)); });
        if (r.ok() && v.rules.empty()) r.Fail("no <Rule> elements.");
      });
}

// --- AccessControlPolicy ---------------------------------------------------------------------

std::string EncodeXml(const AccessControlPolicy& v) {
  XmlWriter w;
  w.Open("AccessControlPolicy");
  w.Open("Owner").Text("ID", v.owner_id).Text("DisplayName", v.owner_display_name).Close();
  w.Open("AccessControlList").Text("Grant", v.grant).Close();
  w.Close();
  return std::move(w).Finish();
}

StatusOr<AccessControlPolicy> DecodeAccessControlPolicy(std::string_view xml) {
  return DecodeDocument<AccessControlPolicy>(
      xml, "AccessControlPolicy", [&](XmlReader& r, AccessControlPolicy& v) {
        if (std::optional<XmlReader> owner = r.Child("Owner")) {
          v.owner_id = owner->Text("ID");
          v.owner_display_name = owner->Text("DisplayName");
        }
        std::optional<XmlReader> list = r.Child("AccessControlList");
        if (!list) return r.Fail("no <AccessControlList>.");
        v.grant = list->Token("Grant", Need::kRequired);
      });
}

// --- CreateBucketConfiguration ---------------------------------------------------------------

std::string EncodeXml(const CreateBucketConfiguration& v) {
  XmlWriter w;
  w.Open("CreateBucketConfiguration").Text("StorageClass", v.storage_class).Close();
  return std::move(w).Finish();
}

StatusOr<CreateBucketConfiguration> DecodeCreateBucketConfiguration(std::string_view xml) {
  return DecodeDocument<CreateBucketConfiguration>(
      xml, "CreateBucketConfiguration", [&](XmlReader& r, CreateBucketConfiguration& v) {
        if (r.Has("StorageClass")) v.storage_class = r.Token("StorageClass", Need::kRequired);
      });
}

}  // namespace ossup::protocol
