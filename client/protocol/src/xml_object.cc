// Codecs of the object-operation bodies: CopyObject and UploadPartCopy results, and the
// DeleteMultipleObjects request and result.
#include <tinyxml2.h>

#include "ossup/protocol/limits.h"
#include "ossup/protocol/xml.h"
#include "xml_support.h"

namespace ossup::protocol {
namespace {

using xml_internal::Need;
using xml_internal::ParseDocument;
using xml_internal::XmlReader;
using xml_internal::XmlWriter;

constexpr std::string_view kUrl = "url";

}  // namespace

// --- CopyObjectResult / CopyPartResult -------------------------------------------------------

std::string EncodeXml(const CopyObjectResult& v) {
  XmlWriter w;
  w.Open("CopyObjectResult").Text("ETag", v.etag).Time("LastModified", v.last_modified).Close();
  return std::move(w).Finish();
}

StatusOr<CopyObjectResult> DecodeCopyObjectResult(std::string_view xml) {
  tinyxml2::XMLDocument doc;
  const char* root = "CopyObjectResult";
  if (Status parsed = ParseDocument(xml, root, doc); !parsed.ok()) return parsed;
  std::optional<Error> error;
  XmlReader r(*doc.RootElement(), root, error);
  CopyObjectResult v;
  v.etag = r.Token("ETag", Need::kRequired);
  r.Time("LastModified", v.last_modified, Need::kRequired);
  if (error) return *error;
  return v;
}

std::string EncodeXml(const CopyPartResult& v) {
  XmlWriter w;
  w.Open("CopyPartResult").Time("LastModified", v.last_modified).Text("ETag", v.etag).Close();
  return std::move(w).Finish();
}

StatusOr<CopyPartResult> DecodeCopyPartResult(std::string_view xml) {
  tinyxml2::XMLDocument doc;
  const char* root = "CopyPartResult";
  if (Status parsed = ParseDocument(xml, root, doc); !parsed.ok()) return parsed;
  std::optional<Error> error;
  XmlReader r(*doc.RootElement(), root, error);
  CopyPartResult v;
  r.Time("LastModified", v.last_modified, Need::kRequired);
  v.etag = r.Token("ETag", Need::kRequired);
  if (error) return *error;
  return v;
}

// --- DeleteMultipleObjects (request body) ----------------------------------------------------

std::string EncodeXml(const DeleteMultipleObjects& v) {
  XmlWriter w;
  w.set_url_encoding(v.encoding_type == kUrl);
  w.Open("Delete").Bool("Quiet", v.quiet);
  for (const std::string& key : v.keys) w.Open("Object").EncodedText("Key", key).Close();
  w.Close();
  return std::move(w).Finish();
}

StatusOr<DeleteMultipleObjects> DecodeDeleteMultipleObjects(std::string_view xml,
                                                            std::string_view encoding_type) {
  tinyxml2::XMLDocument doc;
  const char* root = "Delete";
  if (Status parsed = ParseDocument(xml, root, doc); !parsed.ok()) return parsed;
  std::optional<Error> error;
  XmlReader r(*doc.RootElement(), root, error);
  DeleteMultipleObjects v;
  v.encoding_type = std::string(encoding_type);
  r.set_url_decoding(v.encoding_type == kUrl);
  r.Bool("Quiet", v.quiet);
  r.ForEach("Object",
            [&](XmlReader& o) { v.keys.push_back(o.EncodedText("Key", Need::kRequired)); });
  if (!error && v.keys.empty()) r.Fail("no <Object> elements.");
  if (!error && v.keys.size() > limits::kMaxDeleteObjects) {
    r.Fail("more than " + std::to_string(limits::kMaxDeleteObjects) + " <Object> elements.");
  }
  if (error) return *error;
  return v;
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
  tinyxml2::XMLDocument doc;
  const char* root = "DeleteResult";
  if (Status parsed = ParseDocument(xml, root, doc); !parsed.ok()) return parsed;
  std::optional<Error> error;
  XmlReader r(*doc.RootElement(), root, error);
  DeleteMultipleObjectsResult v;
  v.encoding_type = r.Token("EncodingType");
  r.set_url_decoding(v.encoding_type == kUrl);
  r.ForEach("Deleted",
            [&](XmlReader& d) { v.deleted.push_back(d.EncodedText("Key", Need::kRequired)); });
  if (error) return *error;
  return v;
}

}  // namespace ossup::protocol
