#include "service/errors.h"

namespace ossup::fake::errors {

protocol::Error Oss(std::string_view code, std::string_view message) {
  if (protocol::FindErrorSpec(code) == nullptr) {
    return Internal("error code " + std::string(code) + " is not in the protocol's error table");
  }
  return protocol::MakeError(code, message);
}

protocol::Error InvalidRequest(std::string_view message) {
  protocol::Error e;
  e.http_status = 400;
  e.code = "InvalidRequest";
  e.message = std::string(message);
  return e;
}

protocol::Error Injected(std::string_view code, int http_status, std::string_view message) {
  protocol::Error e;
  if (protocol::FindErrorSpec(code) != nullptr) {
    e = protocol::MakeError(code);
  } else {
    e.code = std::string(code);
    e.message = "Injected fault.";
  }
  e.http_status = http_status;
  if (!message.empty()) e.message = std::string(message);
  return e;
}

protocol::Error NoSuchBucket(const std::string& bucket) {
  auto e = Oss("NoSuchBucket");
  e.details.emplace_back("BucketName", bucket);
  return e;
}

protocol::Error NoSuchKey(const std::string& key) {
  auto e = Oss("NoSuchKey");
  e.details.emplace_back("Key", key);
  return e;
}

protocol::Error NoSuchUpload(const std::string& upload_id) {
  auto e = Oss("NoSuchUpload");
  e.details.emplace_back("UploadId", upload_id);
  return e;
}

protocol::Error InvalidArgument(std::string_view message, const std::string& name,
                                const std::string& value) {
  auto e = Oss("InvalidArgument");
  e.message = std::string(message);
  e.details.emplace_back("ArgumentName", name);
  e.details.emplace_back("ArgumentValue", value);
  return e;
}

protocol::Error InvalidDigest() { return Oss("InvalidDigest"); }

protocol::Error MalformedDigest() {
  auto e = InvalidDigest();
  e.ec = "0017-00000502";
  return e;
}

protocol::Error FileAlreadyExistsOnComplete() {
  auto e = FileAlreadyExists();
  e.ec = "0042-00000214";
  return e;
}

protocol::Error FileAlreadyExists() { return Oss("FileAlreadyExists"); }

protocol::Error MalformedXml() { return Oss("MalformedXML"); }

protocol::Error PartAlreadyExist(const std::string& etag, int part_number) {
  auto e = Oss("PartAlreadyExist");
  e.details.emplace_back("PartEtag", etag);
  e.details.emplace_back("PartNumber", std::to_string(part_number));
  return e;
}

protocol::Error Internal(std::string_view message) {
  auto e = Oss("InternalError");
  if (!message.empty()) e.message = std::string(message);
  return e;
}

}  // namespace ossup::fake::errors
