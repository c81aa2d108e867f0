// Codecs of the multipart bodies (docs/protocol.md, "Multipart operations"): Initiate, ListParts,
// Complete (request and result) and ListMultipartUploads.
#include <tinyxml2.h>

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

// --- InitiateMultipartUploadResult -----------------------------------------------------------

std::string EncodeXml(const InitiateMultipartUploadResult& v) {
  XmlWriter w;
  w.set_url_encoding(v.encoding_type == kUrl);
  w.Open("InitiateMultipartUploadResult");
  if (!v.encoding_type.empty()) w.Text("EncodingType", v.encoding_type);
  w.Text("Bucket", v.bucket).EncodedText("Key", v.key).Text("UploadId", v.upload_id);
  w.Close();
  return std::move(w).Finish();
}

StatusOr<InitiateMultipartUploadResult> DecodeInitiateMultipartUploadResult(std::string_view xml) {
  return DecodeDocument<InitiateMultipartUploadResult>(
      xml, "InitiateMultipartUploadResult", [&](XmlReader& r, InitiateMultipartUploadResult& v) {
        v.encoding_type = r.Token("EncodingType");
        r.set_url_decoding(v.encoding_type == kUrl);
        v.bucket = r.Text("Bucket");
        v.key = r.EncodedText("Key", Need::kRequired);
        v.upload_id = r.Token("UploadId", Need::kRequired);
      });
}

// --- ListPartsResult -------------------------------------------------------------------------

std::string EncodeXml(const ListPartsResult& v) {
  XmlWriter w;
  w.set_url_encoding(v.encoding_type == kUrl);
  w.Open("ListPartsResult");
  if (!v.encoding_type.empty()) w.Text("EncodingType", v.encoding_type);
  w.Text("Bucket", v.bucket).EncodedText("Key", v.key).Text("UploadId", v.upload_id);
  w.Text("StorageClass", v.storage_class);
  w.Number("PartNumberMarker", v.part_number_marker);
  w.Number("NextPartNumberMarker", v.next_part_number_marker);
  w.Number("MaxParts", v.max_parts).Bool("IsTruncated", v.is_truncated);
  for (const PartInfo& part : v.parts) {
    w.Open("Part");
    w.Number("PartNumber", part.part_number).Time("LastModified", part.last_modified);
    w.Text("ETag", part.etag);
    if (part.crc64) w.Number("HashCrc64ecma", *part.crc64);
    w.Number("Size", part.size);
    w.Close();
  }
  w.Close();
  return std::move(w).Finish();
}

StatusOr<ListPartsResult> DecodeListPartsResult(std::string_view xml) {
  return DecodeDocument<ListPartsResult>(
      xml, "ListPartsResult", [&](XmlReader& r, ListPartsResult& v) {
        v.encoding_type = r.Token("EncodingType");
        r.set_url_decoding(v.encoding_type == kUrl);
        v.bucket = r.Text("Bucket");
        v.key = r.EncodedText("Key");
        v.upload_id = r.Token("UploadId");
        if (r.Has("StorageClass")) v.storage_class = r.Token("StorageClass");
        r.Number("PartNumberMarker", v.part_number_marker);
        r.Number("NextPartNumberMarker", v.next_part_number_marker);
        r.Number("MaxParts", v.max_parts);
        r.Bool("IsTruncated", v.is_truncated, Need::kRequired);
        if (v.is_truncated && !r.Has("NextPartNumberMarker")) {
          r.Fail("<IsTruncated> is true but <NextPartNumberMarker> is missing.");
        }
        r.ForEach("Part", [&](XmlReader& p) {
          PartInfo part;
          p.Number("PartNumber", part.part_number, Need::kRequired);
          p.Time("LastModified", part.last_modified);
          part.etag = p.Token("ETag", Need::kRequired);
          p.Number("HashCrc64ecma", part.crc64);
          p.Number("Size", part.size, Need::kRequired);
          v.parts.push_back(std::move(part));
        });
      });
}

// --- CompleteMultipartUpload (request body) --------------------------------------------------

std::string EncodeXml(const CompleteMultipartUpload& v) {
  XmlWriter w;
  w.Open("CompleteMultipartUpload");
  for (const CompletePart& part : v.parts) {
    w.Open("Part").Number("PartNumber", part.part_number).Text("ETag", part.etag).Close();
  }
  w.Close();
  return std::move(w).Finish();
}

StatusOr<CompleteMultipartUpload> DecodeCompleteMultipartUpload(std::string_view xml) {
  return DecodeDocument<CompleteMultipartUpload>(
      xml, "CompleteMultipartUpload", [&](XmlReader& r, CompleteMultipartUpload& v) {
        r.ForEach("Part", [&](XmlReader& p) {
          CompletePart part;
          p.Number("PartNumber", part.part_number, Need::kRequired);
          part.etag = p.Token("ETag", Need::kRequired);
          v.parts.push_back(std::move(part));
        });
        if (r.ok() && v.parts.empty()) r.Fail("no <Part> elements.");
      });
}

// --- CompleteMultipartUploadResult -----------------------------------------------------------

std::string EncodeXml(const CompleteMultipartUploadResult& v) {
  XmlWriter w;
  w.set_url_encoding(v.encoding_type == kUrl);
  w.Open("CompleteMultipartUploadResult");
  if (!v.encoding_type.empty()) w.Text("EncodingType", v.encoding_type);
  w.Text("Location", v.location).Text("Bucket", v.bucket).EncodedText("Key", v.key);
  w.Text("ETag", v.etag);
  w.Close();
  return std::move(w).Finish();
}

StatusOr<CompleteMultipartUploadResult> DecodeCompleteMultipartUploadResult(std::string_view xml) {
  return DecodeDocument<CompleteMultipartUploadResult>(
      xml, "CompleteMultipartUploadResult", [&](XmlReader& r, CompleteMultipartUploadResult& v) {
        v.encoding_type = r.Token("EncodingType");
        r.set_url_decoding(v.encoding_type == kUrl);
        v.location = r.Token("Location");
        v.bucket = r.Text("Bucket");
        v.key = r.EncodedText("Key", Need::kRequired);
        v.etag = r.Token("ETag", Need::kRequired);
      });
}

// --- ListMultipartUploadsResult --------------------------------------------------------------

std::string EncodeXml(const ListMultipartUploadsResult& v) {
  XmlWriter w;
  w.set_url_encoding(v.encoding_type == kUrl);
  w.Open("ListMultipartUploadsResult");
  if (!v.encoding_type.empty()) w.Text("EncodingType", v.encoding_type);
  w.Text("Bucket", v.bucket);
  w.EncodedText("KeyMarker", v.key_marker).Text("UploadIdMarker", v.upload_id_marker);
  w.EncodedText("NextKeyMarker", v.next_key_marker);
  w.Text("NextUploadIdMarker", v.next_upload_id_marker);
  w.EncodedText("Delimiter", v.delimiter).EncodedText("Prefix", v.prefix);
  w.Number("MaxUploads", v.max_uploads).Bool("IsTruncated", v.is_truncated);
  for (const UploadInfo& upload : v.uploads) {
    w.Open("Upload");
    w.EncodedText("Key", upload.key).Text("UploadId", upload.upload_id);
    w.Text("StorageClass", upload.storage_class).Time("Initiated", upload.initiated);
    w.Close();
  }
  for (const std::string& prefix : v.common_prefixes) {
    w.Open("CommonPrefixes").EncodedText("Prefix", prefix).Close();
  }
  w.Close();
  return std::move(w).Finish();
}

StatusOr<ListMultipartUploadsResult> DecodeListMultipartUploadsResult(std::string_view xml) {
  return DecodeDocument<ListMultipartUploadsResult>(
      xml, "ListMultipartUploadsResult", [&](XmlReader& r, ListMultipartUploadsResult& v) {
        v.encoding_type = r.Token("EncodingType");
        r.set_url_decoding(v.encoding_type == kUrl);
        v.bucket = r.Text("Bucket");
        v.key_marker = r.EncodedText("KeyMarker");
        v.upload_id_marker = r.Token("UploadIdMarker");
        v.next_key_marker = r.EncodedText("NextKeyMarker");
        v.next_upload_id_marker = r.Token("NextUploadIdMarker");
        v.delimiter = r.EncodedText("Delimiter");
        v.prefix = r.EncodedText("Prefix");
        r.Number("MaxUploads", v.max_uploads);
        r.Bool("IsTruncated", v.is_truncated, Need::kRequired);
        r.ForEach("Upload", [&](XmlReader& u) {
          UploadInfo upload;
          upload.key = u.EncodedText("Key", Need::kRequired);
          upload.upload_id = u.Token("UploadId", Need::kRequired);
          if (u.Has("StorageClass")) upload.storage_class = u.Token("StorageClass");
          u.Time("Initiated", upload.initiated);
          v.uploads.push_back(std::move(upload));
        });
        r.ForEach("CommonPrefixes", [&](XmlReader& group) {
          for (std::string& prefix : group.EncodedTexts("Prefix")) {
            v.common_prefixes.push_back(std::move(prefix));
          }
        });
      });
}

}  // namespace ossup::protocol
