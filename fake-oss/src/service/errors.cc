#include "service/errors.h"

namespace ossup::fake::errors {

protocol::Error Oss(std::string_view code, int fallback_status, std::string_view fallback_message) {
  if (protocol::FindErrorSpec(code) != nullptr) return protocol::MakeError(code);
  protocol::Error e;
  e.http_status = fallback_status;
  e.code = std::string(code);
  e.message = std::string(fallback_message);
  return e;
}

protocol::Error NoSuchBucket(const std::string& bucket) {
  auto e = Oss("NoSuchBucket", 404, "The specified bucket does not exist.");
  e.details.emplace_back("BucketName", bucket);
  return e;
}

protocol::Error NoSuchKey(const std::string& key) {
  auto e = Oss("NoSuchKey", 404, "The specified key does not exist.");
  e.details.emplace_back("Key", key);
  return e;
}

protocol::Error NoSuchUpload(const std::string& upload_id) {
  auto e = Oss("NoSuchUpload", 404,
               "The specified upload does not exist. The upload ID may be invalid, or the upload "
               "may have been aborted or completed.");
  e.details.emplace_back("UploadId", upload_id);
  return e;
}

protocol::Error InvalidArgument(std::string_view message, const std::string& name,
                                const std::string& value) {
  auto e = Oss("InvalidArgument", 400, message);
  e.message = std::string(message);
  e.details.emplace_back("ArgumentName", name);
  e.details.emplace_back("ArgumentValue", value);
  return e;
}

protocol::Error InvalidDigest() {
  return Oss("InvalidDigest", 400, "The Content-MD5 you specified was invalid.");
}

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

protocol::Error FileAlreadyExists() {
  return Oss("FileAlreadyExists", 409,
             "The object you specified already exists and can not be overwritten.");
}

protocol::Error MalformedXml() {
  return Oss("MalformedXML", 400,
             "The XML you provided was not well-formed or did not validate against our "
             "published schema.");
}

protocol::Error PartAlreadyExist(const std::string& etag, int part_number) {
  auto e = Oss("PartAlreadyExist", 409,
               "For sequential multipart upload, you can't overwrite uploaded parts.");
  e.details.emplace_back("PartEtag", etag);
  e.details.emplace_back("PartNumber", std::to_string(part_number));
  return e;
}

protocol::Error Internal(std::string_view message) {
  auto e = Oss("InternalError", 500, "We encountered an internal error. Please try again.");
  if (!message.empty()) e.message = std::string(message);
  return e;
}

}  // namespace ossup::fake::errors
