// Codecs of the object-operation bodies: CopyObject and UploadPartCopy results, and the
// DeleteMultipleObjects request and result.
#include <tinyxml2.h>

#include "ossup/protocol/limits.h"
#include "ossup/protocol/xml.h"
#include "xml_support.h"

namespace ossup::protocol {
namespace {

using xml_internal::DecodeDocument;
using xml_internal::kUrl;
using xml_internal::Need;
using xml_internal::XmlReader;
using xml_internal::XmlWriter;

}  // namespace

// --- CopyObjectResult / CopyPartResult -------------------------------------------------------

std::string EncodeXml(const CopyObjectResult& v) {
  XmlWriter w;
  w.Open("CopyObjectResult").Text("ETag", v.etag).Time("LastModified", v.last_modified).Close();
  return std::move(w).Finish();
}

StatusOr<CopyObjectResult> DecodeCopyObjectResult(std::string_view xml) {
  return DecodeDocument<CopyObjectResult>(
      xml, "CopyObjectResult", [&](XmlReader& r, CopyObjectResult& v) {
        v.etag = r.Token("ETag", Need::kRequired);
        r.Time("LastModified", v.last_modified, Need::kRequired);
      });
}

std::string EncodeXml(const CopyPartResult& v) {
  XmlWriter w;
  w.Open("CopyPartResult").Time("LastModified", v.last_modified).Text("ETag", v.etag).Close();
  return std::move(w).Finish();
}

StatusOr<CopyPartResult> DecodeCopyPartResult(std::string_view xml) {
  return DecodeDocument<CopyPartResult>(xml, "CopyPartResult",
                                        [&](XmlReader& r, CopyPartResult& v) {
                                          r.Time("LastModified", v.last_modified, Need::kRequired);
                                          v.etag = r.Token("ETag", Need::kRequired);
                                        });
}

// --- Tagging -------------------------------------------------------------------------------

std::string EncodeXml(const Tagging& v) {
  XmlWriter w;
  w.Open("Tagging").Open("TagSet");
  for (const auto& [key, value] : v.tags)
    w.Open("Tag").Text("Key", key).Text("Value", value).Close();
  w.Close().Close();
  return std::move(w).Finish();
}

StatusOr<Tagging> DecodeTagging(std::string_view xml) {
  return DecodeDocument<Tagging>(xml, "Tagging", [&](XmlReader& r, Tagging& v) {
    std::optional<XmlReader> set = r.Child("TagSet");
    if (!set) return r.Fail("no <TagSet>.");
    set->ForEach("Tag", [&](XmlReader& tag) {
      v.tags.emplace_back(tag.Text("Key", Need::kRequired), tag.Text("Value"));
    });
  });
}

// --- DeleteMultipleObjects (request body) ----------------------------------------------------

std::string EncodeXml(const DeleteMultipleObjects& v) {
  XmlWriter w;
  w.Open("Delete").Bool("Quiet", v.quiet);
  for (const std::string& key : v.keys) w.Open("Object").EncodedText("Key", key).Close();
  w.Close();
  return std::move(w).Finish();
}

StatusOr<DeleteMultipleObjects> DecodeDeleteMultipleObjects(std::string_view xml,
                                                            std::string_view encoding_type) {
  return DecodeDocument<DeleteMultipleObjects>(
      xml, "Delete", [&](XmlReader& r, DeleteMultipleObjects& v) {
        v.encoding_type = std::string(encoding_type);
        r.Bool("Quiet", v.quiet);
        r.ForEach("Object",
                  [&](XmlReader& o) { v.keys.push_back(o.EncodedText("Key", Need::kRequired)); });
        if (r.ok() && v.keys.empty()) r.Fail("no <Object> elements.");
        if (r.ok() && v.keys.size() > limits::kMaxDeleteObjects) {
          r.Fail("more than " + std::to_string(limits::kMaxDeleteObjects) + " <Object> elements.");
        }
      });
}

// --- DeleteMultipleObjectsResult -------------------------------------------------------------

std::string EncodeXml(const DeleteMultipleObjectsResult& v) {
  XmlWriter w;
  w.set_url_encoding(v.encoding_type == kUrl);
  w.Open("DeleteResult");
  if (!v.encoding_type.empty()) w.Text("EncodingType", v.encoding_type);
  for (const std::string& key : v.deleted) w.Open("Deleted").EncodedText("Key", key).Close();
  w.Close();
  return std::move(w).Finish();
}

StatusOr<DeleteMultipleObjectsResult> DecodeDeleteMultipleObjectsResult(std::string_view xml) {
  return DecodeDocument<DeleteMultipleObjectsResult>(
      xml, "DeleteResult", [&](XmlReader& r, DeleteMultipleObjectsResult& v) {
        v.encoding_type = r.Token("EncodingType");
        r.set_url_decoding(v.encoding_type == kUrl);
        r.ForEach("Deleted", [&](XmlReader& d) {
          v.deleted.push_back(d.EncodedText("Key", Need::kRequired));
        });
      });
}

}  // namespace ossup::protocol
