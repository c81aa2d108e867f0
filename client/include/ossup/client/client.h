// ossup::client::Client: resumable uploads to Alibaba Cloud OSS (or fake-oss), plus the few
// object and multipart operations a user needs around them.
//
// Layers, top to bottom (each a small file in client/src):
//   Client -> ResumableUploader (checkpoint, reconcile, part workers)
//          -> RetryingStub (the only place that sleeps: backoff, jitter, clock-skew and STS
//             refresh) -> OssStub (encode, sign, decode one OSS operation)
//          -> HttpTransport (cpp-httplib, HTTP/HTTPS, keep-alive pool, cancellable).
//
// Thread-safety: a Client is cheap to copy (shared state) and safe to use from many threads;
// uploads started on it run independently and are cancelled independently.
// Errors: every call returns Status/StatusOr with a typed protocol::Error (see upload_task.h
// for the client codes). Transient errors are retried per ClientOptions::retry_policy.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ossup/client/credentials.h"
#include "ossup/client/record_storage.h"
#include "ossup/client/retry_policy.h"
#include "ossup/client/upload_request.h"
#include "ossup/client/upload_task.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/signing.h"
#include "ossup/protocol/status.h"
#include "ossup/protocol/version.h"
#include "ossup/protocol/xml.h"

namespace ossup::client {

/// How the client's HTTP connections behave; the transport reads exactly these fields.
struct ConnectionOptions {
  std::chrono::milliseconds connect_timeout{10000};
  /// Maximum time a socket read or write may stall.
  std::chrono::milliseconds io_timeout{60000};
  /// Verify the server's TLS certificate (https endpoints).
  bool verify_tls = true;
  /// PEM CA bundle that verifies https endpoints instead of the system's trust store (e.g. the
  /// CA of a fake-oss started with --tls-self-signed). Empty: the system's trust store. An
  /// unreadable file, or a certificate it cannot verify, fails with TlsError (not retried).
  /// The client sets SIGPIPE to SIG_IGN if it is at its default: cpp-httplib's plain sends
  /// (no MSG_NOSIGNAL) and OpenSSL's writes to a closed or reset connection would otherwise
  /// kill the process.
  std::string ca_file;
  std::string user_agent = "ossup/" + std::string(kVersion);
};

/// What a Client is made with. Its ConnectionOptions part is handed to the HTTP transport as is.
struct ClientOptions : ConnectionOptions {
  /// "https://oss-cn-hangzhou.aliyuncs.com", "http://127.0.0.1:9000", or a bare host.
  std::string endpoint;
  /// Bare region id ("cn-hangzhou"), needed for V4 signing. Empty = the one an OSS endpoint
  /// names ("oss-cn-hangzhou.aliyuncs.com" gives "cn-hangzhou"), if any.
  std::string region;
  /// kV4 (needs a region), kV2 or kV1, each in the Authorization header.
  protocol::SignatureVersion signature_version = protocol::SignatureVersion::kV4;
  /// kAuto = path style for IP/localhost endpoints, virtual host otherwise.
  protocol::AddressingStyle addressing_style = protocol::AddressingStyle::kAuto;
  /// nullptr = MakeEnvironmentCredentialsProvider().
  std::shared_ptr<CredentialsProvider> credentials;

  RetryPolicy retry_policy;
  /// The file operations checkpoint records are written with; nullptr = PosixRecordStorage()
  /// (real syscalls). Tests pass a PowerLossRecordStorage to simulate a power loss.
  std::shared_ptr<RecordStorage> record_storage;
};

/// One part a checkpoint record lists as done (acknowledged by the server when recorded).
struct CheckpointPart {
  int number = 0;
  uint64_t size_bytes = 0;
  std::string etag;
  uint64_t crc64 = 0;
};

/// What a checkpoint record holds, read through Client::ReadCheckpoint. It never holds
/// credentials. The record is the client's memory between runs, not the truth: on resume the
/// server's ListParts decides which parts are kept (each verified by size and CRC-64).
struct CheckpointInfo {
  std::string path;  // the record file
  std::string upload_id;
  uint64_t part_size_bytes = 0;
  /// Ascending, distinct part numbers.
  std::vector<CheckpointPart> parts;
  /// The local file as it was when the record was written: a change to any field makes the
  /// next upload retire the record (and abort its upload) instead of resuming it.
  struct FileIdentity {
    uint64_t size_bytes = 0;
    int64_t mtime_ns = 0;
    uint64_t inode = 0;
    uint64_t device = 0;
  } file;
  /// True when the next Upload of the same request will resume this record: it names the
  /// request's endpoint, bucket, key, file and part size, and the file is unchanged.
  bool resumable = false;
  /// Part lines skipped because they were torn by a crash or did not verify.
  int skipped_part_lines = 0;

  uint64_t bytes_done() const;
};

/// HEAD result.
struct ObjectMeta {
  uint64_t size_bytes = 0;
  std::string etag;
  std::optional<uint64_t> crc64;
  std::string content_type;
  std::string object_type;  // Normal | Multipart | Appendable
  /// Every response header, as received.
  std::vector<std::pair<std::string, std::string>> headers;
};

class Client {
 public:
  /// Fails with InvalidRequest for a malformed endpoint, or a V4 client without a region
  /// (given or read from the endpoint).
  static protocol::StatusOr<Client> Create(ClientOptions options);

  /// Starts `request` on a background thread and returns its handle at once. Validation
  /// errors are reported through the task. `on_complete` (optional) runs on the worker
  /// thread after the outcome is known and before Wait() returns.
  UploadTask ResumableUpload(UploadRequest request, CompletionCallback on_complete = nullptr);
  /// Blocking convenience: ResumableUpload(request).Wait().
  UploadOutcome Upload(UploadRequest request);

  /// The checkpoint record file `request` uses ("" when it has no record_directory).
  std::string CheckpointPath(const UploadRequest& request) const;
  /// The checkpoint record `request` would resume, decoded. nullopt when there is none: no
  /// record_directory, the file cannot be stat'ed, or no record file exists. Errors, in order:
  /// IoError when the record cannot be read; InvalidResponse when its header is torn, is not
  /// a checkpoint or does not verify (such a record is retired by the next Upload). Reading
  /// never changes the record.
  protocol::StatusOr<std::optional<CheckpointInfo>> ReadCheckpoint(
      const UploadRequest& request) const;

  // --- Other operations (retried per the client's policy) -------------------------------
  /// Every in-progress multipart upload under `prefix` (all pages).
  protocol::StatusOr<std::vector<protocol::UploadInfo>> ListMultipartUploads(
      const std::string& bucket, const std::string& prefix = "");
  /// Every uploaded part of `upload_id` (all pages).
  protocol::StatusOr<std::vector<protocol::PartInfo>> ListParts(const std::string& bucket,
                                                                const std::string& key,
                                                                const std::string& upload_id);
  protocol::Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                        const std::string& upload_id);
  protocol::StatusOr<ObjectMeta> HeadObject(const std::string& bucket, const std::string& key);
  /// The whole object in memory (for small objects and tests).
  protocol::StatusOr<std::string> GetObject(const std::string& bucket, const std::string& key);
  /// Streams the object into `file_path` (written to a temp file, then renamed); checks the
  /// CRC-64 when the server sends one. Returns the byte count.
  protocol::StatusOr<uint64_t> GetObjectToFile(const std::string& bucket, const std::string& key,
                                               const std::string& file_path);
  /// Simple upload of an in-memory body (Content-MD5 and CRC-64 checked).
  protocol::StatusOr<std::string> PutObject(const std::string& bucket, const std::string& key,
                                            const std::string& body,
                                            const ObjectHeaders& headers = {});

  const ClientOptions& options() const;

  struct Impl;  // defined in client/src

 private:
  explicit Client(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

/// Parses "1MiB", "512KiB", "8MB", "4k" or plain bytes. nullopt on anything else.
std::optional<uint64_t> ParseByteSize(std::string_view text);

}  // namespace ossup::client
