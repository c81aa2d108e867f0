// PostObject: a browser form upload, `POST /` on the bucket with a multipart/form-data body
// (docs/protocol.md, "PostObject"). The form carries what PutObject carries in headers and URL:
// key, credentials and signature, policy, metadata, and last the file.
//
// Checks, in order: Content-Type (MalformedPOSTRequest), bucket (NoSuchBucket), Content-MD5
// syntax (InvalidDigest), the body (MalformedPOSTRequest, MaxPOSTPreDataLengthExceededError,
// EntityTooLarge, IncompleteBody, InvalidDigest on a Content-MD5 mismatch), key and file
// present (InvalidArgument), credentials (InvalidArgument for a partial set, AccessDenied when
// unsigned and the bucket is not public-read-write, the VerifyPostForm errors), policy
// (InvalidPolicyDocument, AccessDenied, EntityTooLarge/EntityTooSmall), key (InvalidObjectName),
// object ACL (InvalidArgument), metadata (MetaFromFields), forbid-overwrite (FileAlreadyExists).
#include <algorithm>
#include <cctype>

#include "http/form_data.h"
#include "http/ops.h"
#include "http/post_policy.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/signing.h"
#include "ossup/protocol/xml_answers.h"
#include "service/errors.h"

namespace ossup::fake::ops {
namespace {

/// Only the file may be larger (docs/protocol.md, "PostObject").
constexpr size_t kMaxFieldBytes = 4096;
/// What a body may hold besides the file: fields, part headers and delimiters.
constexpr uint64_t kMaxFormOverhead = 1 << 20;
constexpr std::string_view kV4Algorithm = "OSS4-HMAC-SHA256";

protocol::Error MalformedPost() { return errors::Oss("MalformedPOSTRequest"); }

protocol::Error MissingFormField(std::string_view field, std::string_view ec) {
  auto e = errors::InvalidArgument("The form field " + std::string(field) +
                                       " is missing or empty: a signed PostObject needs "
                                       "its credential, policy and signature fields together.",
                                   std::string(field), "");
  e.ec = std::string(ec);
  return e;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The signature the form carries: V4 when it names x-oss-signature-version, V1 when it has any
// of OSSAccessKeyId, policy and Signature (then all three are needed), nullopt when unsigned.
protocol::StatusOr<std::optional<protocol::PostFormSignature>> FormSignature(
    const FormDataParser& form) {
  using Result = std::optional<protocol::PostFormSignature>;
  auto field = [&](std::string_view name) { return std::string(form.Field(name).value_or("")); };
  protocol::PostFormSignature sig;
  sig.policy = field("policy");
  sig.security_token = field("x-oss-security-token");
  if (auto version = form.Field("x-oss-signature-version")) {
    if (*version != kV4Algorithm) {
      return errors::InvalidArgument("Invalid signature version.", "x-oss-signature-version",
                                     std::string(*version));
    }
    sig.version = protocol::SignatureVersion::kV4;
    sig.credential = field("x-oss-credential");
    sig.v4_time = field("x-oss-date");
    sig.signature = field("x-oss-signature");
    if (sig.credential.empty()) return MissingFormField("x-oss-credential", "0002-00000706");
    if (sig.v4_time.empty()) return MissingFormField("x-oss-date", "");
    if (sig.policy.empty()) return MissingFormField("policy", "0002-00000702");
    if (sig.signature.empty()) return MissingFormField("x-oss-signature", "0002-00000703");
    return Result(std::move(sig));
  }
  auto access_key_id = form.Field("OSSAccessKeyId");
  auto signature = form.Field("Signature");
  if (!access_key_id && !signature && !form.Field("policy")) return Result();
  if (!access_key_id) return MissingFormField("OSSAccessKeyId", "0002-00000706");
  if (access_key_id->empty()) return MissingFormField("OSSAccessKeyId", "0002-00000707");
  if (sig.policy.empty()) return MissingFormField("policy", "0002-00000702");
  if (!signature) return MissingFormField("Signature", "0002-00000703");
  if (signature->empty()) return MissingFormField("Signature", "0002-00000704");
  sig.version = protocol::SignatureVersion::kV1;
  sig.access_key_id = std::string(*access_key_id);
  sig.signature = std::string(*signature);
  return Result(std::move(sig));
}

// `key` with every ${filename} replaced by the file's name (after the policy saw it as sent).
std::string ResolveKey(std::string_view key, std::string_view filename) {
  static constexpr std::string_view kVariable = "${filename}";
  std::string out;
  size_t start = 0;
  for (size_t at = key.find(kVariable); at != std::string_view::npos;
       at = key.find(kVariable, start)) {
    out.append(key.substr(start, at - start)).append(filename);
    start = at + kVariable.size();
  }
  return out.append(key.substr(start));
}

// The object's URL as a client addressed the bucket: virtual-host (`bucket.` Host) or path style.
std::string ObjectUrl(const Exchange& ex, const std::string& key) {
  const std::string host(ex.Header("Host").value_or(""));
  const std::string path = protocol::UriEncode(key, /*keep_slash=*/true);
  if (host.starts_with(ex.wire.bucket + ".")) return "http://" + host + "/" + path;
  return "http://" + host + "/" + ex.wire.bucket + "/" + path;
}

// The answer after the object is stored (docs/protocol.md, "PostObject"): a 303 to
// success_action_redirect; else success_action_status 200, 201 (PostResponse XML) or 204 (any
// other value).
void Answer(Exchange& ex, const FormDataParser& form, const StoredObject& object) {
  ex.res.set_header("ETag", object.etag);
  ex.res.set_header("x-oss-hash-crc64ecma", protocol::Crc64ToString(object.crc64));
  const std::string redirect(form.Field("success_action_redirect").value_or(""));
  if (!redirect.empty()) {
    const char separator = redirect.find('?') == std::string::npos ? '?' : '&';
    ex.res.set_header("Location", redirect + separator +
                                      protocol::EncodeQueryString(
                                          {{"bucket", ex.wire.bucket},
                                           {"key", object.key},
                                           {"etag", protocol::NormalizeETag(object.etag)}}));
    ex.SetEmpty(303);
    return;
  }
  const std::string status(form.Field("success_action_status").value_or(""));
  if (status == "200") return ex.SetEmpty(200);
  if (status != "201") return ex.SetEmpty(204);
  ex.SetXml(201, protocol::EncodeXml(protocol::PostResponse{
                     ex.wire.bucket, ObjectUrl(ex, object.key), object.key, object.etag}));
}

}  // namespace

protocol::Status PostObject(Exchange& ex) {
  auto boundary = FormDataBoundary(ex.Header("Content-Type").value_or(""));
  if (!boundary) return MalformedPost();
  if (auto s = ex.ctx.service.CheckBucket(ex.wire.bucket); !s.ok()) return s;
  auto expected_md5 = ContentMd5(ex);
  if (!expected_md5.ok()) return expected_md5.status();

  BlobWriter writer(ex.ctx.service.blobs(), std::nullopt);
  FormDataParser form(
      *boundary, [&](const char* data, size_t size) { return writer.Append(data, size); },
      kMaxFieldBytes);
  protocol::Md5 body_md5;
  const bool complete = ex.ReadBody(
      [&](const char* data, size_t size) {
        body_md5.Update(data, size);
        return form.Feed(data, size);
      },
      ex.ctx.options.max_part_bytes + kMaxFormOverhead);
  if (ex.killed()) return {};
  switch (form.failure()) {
    case FormDataParser::Failure::kNone:
      break;
    case FormDataParser::Failure::kMalformed:
      return MalformedPost();
    case FormDataParser::Failure::kFieldTooLarge:
      return errors::Oss("MaxPOSTPreDataLengthExceededError");
    case FormDataParser::Failure::kSinkRefused:
      return errors::Internal("The uploaded file could not be stored.");
  }
  if (!complete) return ex.BodyError();
  if (!form.Finish()) return MalformedPost();
  if (*expected_md5 && **expected_md5 != body_md5.Final()) return errors::InvalidDigest();

  auto key_template = form.Field("key");
  if (!key_template || key_template->empty()) {
    return errors::InvalidArgument(
        "The bucket POST must contain the specified 'key'. If it is specified, please check the "
        "order of the fields",
        "key", "");
  }
  if (!form.file()) {
    return errors::InvalidArgument("The bucket POST must contain the specified 'file'.", "file",
                                   "");
  }
  const FormDataParser::File& file = *form.file();
  if (file.size > ex.ctx.options.max_part_bytes) {
    return errors::Oss("EntityTooLarge");
  }

  auto signature = FormSignature(form);
  if (!signature.ok()) return signature.status();
  if (*signature) {
    if (auto s = ex.ctx.auth.CheckPostForm(**signature, ex.now); !s.ok()) return s;
  } else {
    auto bucket_acl = ex.ctx.service.GetBucketAcl(ex.wire.bucket);
    if (!bucket_acl.ok()) return bucket_acl.status();
    if (!protocol::AllowsAnonymousWrite(*bucket_acl)) {
      return errors::Oss("AccessDenied");
    }
  }
  if (auto policy_text = form.Field("policy")) {
    auto policy = ParsePostPolicy(*policy_text);
    if (!policy.ok()) return policy.status();
    auto lookup = [&](std::string_view name) -> std::optional<std::string> {
      if (name == "bucket") return ex.wire.bucket;
      if (auto value = form.Field(name)) return std::string(*value);
      if (name == "content-type" && !file.content_type.empty()) return file.content_type;
      return std::nullopt;
    };
    if (auto s = CheckPostPolicy(*policy, lookup, file.size, ex.now); !s.ok()) return s;
  }

  const std::string key = ResolveKey(*key_template, file.filename);
  if (auto s = protocol::ValidateObjectKey(key); !s.ok()) return s;
  ex.entry.key = key;
  protocol::Headers fields(form.fields().begin(), form.fields().end());
  // Content-Type: x-oss-content-type, else the Content-Type field, else the file part's.
  std::string content_type(form.Field("x-oss-content-type").value_or(""));
  if (content_type.empty()) content_type = std::string(form.Field("Content-Type").value_or(""));
  if (content_type.empty()) content_type = file.content_type;
  if (!content_type.empty()) protocol::SetHeader(fields, "Content-Type", content_type);
  auto meta = MetaFromFields(fields);
  if (!meta.ok()) return meta.status();
  if (auto acl_text = form.Field("x-oss-object-acl")) {
    auto acl = protocol::CannedAclFromName(*acl_text);
    if (!acl) {
      return errors::InvalidArgument("no such object access control exists", "x-oss-object-acl",
                                     std::string(*acl_text));
    }
    meta->acl = *acl;
  }
  const bool forbid = Lower(form.Field("x-oss-forbid-overwrite").value_or("")) == "true";
  if (auto s = ex.ctx.service.CheckPutObject(ex.wire.bucket, key, forbid); !s.ok()) return s;
  auto body = writer.Finish();
  if (!body.ok()) return body.status();
  auto object = ex.ctx.service.PutObject(ex.wire.bucket, key, std::move(*meta), std::move(*body),
                                         forbid, ex.now);
  if (!object.ok()) return object.status();
  if (auto sse = protocol::FindHeader(fields, "x-oss-server-side-encryption")) {
    ex.res.set_header("x-oss-server-side-encryption", std::string(*sse));
  }
  Answer(ex, form, **object);
  return {};
}

}  // namespace ossup::fake::ops
