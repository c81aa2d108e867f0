// Codecs of the bucket and service bodies (docs/protocol.md, "Bucket operations"): ListObjects,
// ListBuckets, LifecycleConfiguration, AccessControlPolicy and CreateBucketConfiguration.
#include <tinyxml2.h>

#include <algorithm>
#include <chrono>

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

constexpr size_t kMaxLifecycleRules = 1000;

Error InvalidLifecycle(std::string_view message, std::string_view ec) {
  Error error = MakeError("InvalidArgument", message);
  error.ec = std::string(ec);
  return error;
}

// A CreatedBeforeDate must be a UTC midnight (docs/protocol.md, "Lifecycle").
bool IsMidnight(TimePoint t) { return std::chrono::floor<std::chrono::days>(t) == t; }

}  // namespace

namespace xml_internal {

void WriteListing(XmlWriter& w, const std::vector<ObjectSummary>& contents,
                  const std::vector<std::string>& common_prefixes) {
  for (const ObjectSummary& object : contents) {
    w.Open("Contents");
    w.EncodedText("Key", object.key).Time("LastModified", object.last_modified);
    w.Text("ETag", object.etag).Text("Type", object.type).Number("Size", object.size);
    w.Text("StorageClass", object.storage_class);
    if (object.owner) WriteOwner(w, *object.owner);
    w.Close();
  }
  for (const std::string& prefix : common_prefixes) {
    w.Open("CommonPrefixes").EncodedText("Prefix", prefix).Close();
  }
}

void WriteOwner(XmlWriter& w, const Owner& owner) {
  w.Open("Owner").Text("ID", owner.id).Text("DisplayName", owner.display_name).Close();
}

}  // namespace xml_internal

namespace {

using xml_internal::WriteListing;

// One of Days and CreatedBeforeDate of `parent` (<Expiration>, <Transition> or
// <AbortMultipartUpload>) into the outputs. `optional` lets both be absent (Expiration with
// ExpiredObjectDeleteMarker).
void DecodeWhen(XmlReader& r, XmlReader& parent, std::string_view name, std::optional<int>& days,
                std::optional<TimePoint>& created_before, bool optional,
                std::string_view ec_neither = "", std::string_view ec_both = "") {
  const bool has_days = parent.Has("Days");
  const bool has_date = parent.Has("CreatedBeforeDate");
  if (has_days && has_date) {
    return r.Fail(InvalidLifecycle(
        std::string(name) + " must not have both Days and CreatedBeforeDate.", ec_both));
  }
  if (!has_days && !has_date) {
    if (!optional) {
      r.Fail(InvalidLifecycle(std::string(name) + " must have one of Days and CreatedBeforeDate.",
                              ec_neither));
    }
    return;
  }
  if (has_days) {
    int value = 0;
    parent.Number("Days", value, Need::kRequired);
    days = value;
    if (r.ok() && value <= 0) r.Fail(InvalidLifecycle("Days must be a positive integer.", ""));
    return;
  }
  parent.Time("CreatedBeforeDate", created_before);
  if (r.ok() && created_before && !IsMidnight(*created_before)) {
    r.Fail(InvalidLifecycle("CreatedBeforeDate must be a date at 00:00:00 UTC.", ""));
  }
}

std::pair<std::string, std::string> DecodeTag(XmlReader& tag) {
  return {tag.Text("Key", Need::kRequired), tag.Text("Value")};
}

// The storage classes a Transition may name.
constexpr std::string_view kTransitionClasses[] = {"IA", "Archive", "ColdArchive",
                                                   "DeepColdArchive"};

void DecodeFilter(XmlReader& r, LifecycleRule& rule) {
  std::optional<XmlReader> filter = r.Child("Filter");
  if (!filter) return;
  if (std::optional<XmlReader> negated = filter->Child("Not")) {
    if (!negated->Has("Prefix")) {
      return r.Fail(InvalidLifecycle("Filter/Not must have a Prefix.", ""));
    }
    rule.not_prefix = negated->Text("Prefix");
    if (std::optional<XmlReader> tag = negated->Child("Tag")) rule.not_tag = DecodeTag(*tag);
  }
  if (filter->Has("ObjectSizeGreaterThan")) {
    int64_t value = 0;
    filter->Number("ObjectSizeGreaterThan", value, Need::kRequired);
    rule.size_greater_than = value;
  }
  if (filter->Has("ObjectSizeLessThan")) {
    int64_t value = 0;
    filter->Number("ObjectSizeLessThan", value, Need::kRequired);
    rule.size_less_than = value;
  }
  const bool negative = (rule.size_greater_than && *rule.size_greater_than < 0) ||
                        (rule.size_less_than && *rule.size_less_than <= 0);
  const bool empty_range = rule.size_greater_than && rule.size_less_than &&
                           *rule.size_less_than <= *rule.size_greater_than;
  if (r.ok() && (negative || empty_range)) {
    r.Fail(InvalidLifecycle("ObjectSizeGreaterThan and ObjectSizeLessThan leave no size.", ""));
  }
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
  r.ForEach("Tag", [&](XmlReader& tag) { rule.tags.push_back(DecodeTag(tag)); });
  DecodeFilter(r, rule);
  if (std::optional<XmlReader> abort = r.Child("AbortMultipartUpload")) {
    DecodeWhen(r, *abort, "AbortMultipartUpload", rule.abort_multipart_days,
               rule.abort_multipart_created_before, false, "0014-00000073", "0014-00000074");
  }
  if (std::optional<XmlReader> expiration = r.Child("Expiration")) {
    if (expiration->Has("ExpiredObjectDeleteMarker")) {
      bool marker = false;
      expiration->Bool("ExpiredObjectDeleteMarker", marker, Need::kRequired);
      rule.expired_object_delete_marker = marker;
    }
    const bool marker_alone = rule.expired_object_delete_marker.value_or(false);
    if (expiration->Has("Date")) {
      if (expiration->Has("Days") || expiration->Has("CreatedBeforeDate")) {
        r.Fail(
            InvalidLifecycle("Expiration must not have Date with Days or CreatedBeforeDate.", ""));
      }
      expiration->Time("Date", rule.expiration_date);
      if (r.ok() && rule.expiration_date && !IsMidnight(*rule.expiration_date)) {
        r.Fail(InvalidLifecycle("Date must be a date at 00:00:00 UTC.", ""));
      }
    } else {
      DecodeWhen(r, *expiration, "Expiration", rule.expiration_days, rule.expiration_created_before,
                 marker_alone);
    }
    if (r.ok() && marker_alone &&
        (rule.expiration_days || rule.expiration_created_before || rule.expiration_date)) {
      r.Fail(InvalidLifecycle(
          "ExpiredObjectDeleteMarker true must not go with Days or CreatedBeforeDate.", ""));
    }
  }
  r.ForEach("Transition", [&](XmlReader& t) {
    LifecycleTransition transition;
    DecodeWhen(r, t, "Transition", transition.days, transition.created_before, false);
    transition.storage_class = t.Token("StorageClass", Need::kRequired);
    if (r.ok() && std::find(std::begin(kTransitionClasses), std::end(kTransitionClasses),
                            transition.storage_class) == std::end(kTransitionClasses)) {
      r.Fail(InvalidLifecycle(
          "Transition has an invalid StorageClass \"" + transition.storage_class + "\".", ""));
    }
    if (r.ok() && rule.expiration_days && transition.days &&
        *transition.days >= *rule.expiration_days) {
      r.Fail(InvalidLifecycle("Expiration Days must be larger than every Transition Days.", ""));
    }
    rule.transitions.push_back(std::move(transition));
  });
  if (r.ok() && !rule.tags.empty() &&
      (rule.abort_multipart_days || rule.abort_multipart_created_before)) {
    r.Fail(InvalidLifecycle("A rule with Tag must not have AbortMultipartUpload.", ""));
  }
  const bool any_action = rule.abort_multipart_days || rule.abort_multipart_created_before ||
                          rule.expiration_days || rule.expiration_created_before ||
                          rule.expiration_date || rule.expired_object_delete_marker ||
                          !rule.transitions.empty();
  if (r.ok() && !any_action) {
    r.Fail(InvalidLifecycle(
        "A rule needs at least one of Expiration, Transition and AbortMultipartUpload.", ""));
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
  WriteListing(w, v.contents, v.common_prefixes);
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
  const auto when = [&](const std::optional<int>& days, const std::optional<TimePoint>& date) {
    if (days) w.Number("Days", *days);
    if (date) w.Time("CreatedBeforeDate", *date);
  };
  const auto tag = [&](const std::pair<std::string, std::string>& t) {
    w.Open("Tag").Text("Key", t.first).Text("Value", t.second).Close();
  };
  for (const LifecycleRule& rule : v.rules) {
    w.Open("Rule");
    w.Text("ID", rule.id).Text("Prefix", rule.prefix);
    w.Text("Status", rule.enabled ? "Enabled" : "Disabled");
    for (const auto& t : rule.tags) tag(t);
    if (rule.not_prefix || rule.size_greater_than || rule.size_less_than) {
      w.Open("Filter");
      if (rule.not_prefix) {
        w.Open("Not").Text("Prefix", *rule.not_prefix);
        if (rule.not_tag) tag(*rule.not_tag);
        w.Close();
      }
      if (rule.size_greater_than) w.Number("ObjectSizeGreaterThan", *rule.size_greater_than);
      if (rule.size_less_than) w.Number("ObjectSizeLessThan", *rule.size_less_than);
      w.Close();
    }
    if (rule.expiration_days || rule.expiration_created_before || rule.expiration_date ||
        rule.expired_object_delete_marker) {
      w.Open("Expiration");
      when(rule.expiration_days, rule.expiration_created_before);
      if (rule.expiration_date) w.Time("Date", *rule.expiration_date);
      if (rule.expired_object_delete_marker) {
        w.Bool("ExpiredObjectDeleteMarker", *rule.expired_object_delete_marker);
      }
      w.Close();
    }
    for (const LifecycleTransition& t : rule.transitions) {
      w.Open("Transition");
      when(t.days, t.created_before);
      w.Text("StorageClass", t.storage_class).Close();
    }
    if (rule.abort_multipart_days || rule.abort_multipart_created_before) {
      w.Open("AbortMultipartUpload");
      when(rule.abort_multipart_days, rule.abort_multipart_created_before);
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
        if (r.ok() && v.rules.size() > kMaxLifecycleRules) {
          r.Fail(InvalidLifecycle("A configuration holds at most 1000 rules.", ""));
        }
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
