// ossup: resumable uploads to OSS from the command line.
//
//   ossup cp FILE oss://BUCKET/KEY --endpoint URL [options]
//   ossup cp -r DIR oss://BUCKET/PREFIX/ --endpoint URL [options]
//   ossup ls-uploads oss://BUCKET[/PREFIX] --endpoint URL
//   ossup abort oss://BUCKET/KEY --upload-id ID --endpoint URL
//   ossup get oss://BUCKET/KEY FILE --endpoint URL
//
// Credentials come from OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET, OSS_SESSION_TOKEN, else
// from ~/.ossutilconfig (ossutil_config.h). Exit codes: exit_codes.h.
// Ctrl-C cancels the upload; the checkpoint is kept unless --delete-on-cancel, so the same
// command resumes.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "build_info.h"
#include "cp_tree.h"
#include "exit_codes.h"
#include "oss_url.h"
#include "ossup/client/client.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/errors.h"
#include "ossutil_config.h"
#include "progress_reporter.h"

namespace {

using ossup::client::Client;
using ossup::protocol::Error;

using namespace ossup::cli;  // exit codes

struct CommonFlags {
  std::string endpoint;
  std::string region;
  std::string sign;  // "", "v1", "v4"
  bool path_style = false;
  bool json = false;
  std::string ca_file;
  std::string config_file;
};

void AddCommonFlags(CLI::App* app, CommonFlags& flags) {
  app->add_option("--endpoint", flags.endpoint, "OSS endpoint URL (or $OSS_ENDPOINT)");
  app->add_option("--region", flags.region, "region id, e.g. cn-hangzhou (or $OSS_REGION)");
  app->add_option("--sign", flags.sign,
                  "signature version (default v4 with a region, given or read from an OSS "
                  "endpoint; else v1)")
      ->check(CLI::IsMember({"v1", "v4"}));
  app->add_flag("--path-style", flags.path_style,
                "bucket in the path (default for IP and localhost endpoints)");
  app->add_flag("--json", flags.json, "machine-readable output, one JSON object per line");
  app->add_option("--ca-file", flags.ca_file,
                  "PEM CA bundle for https endpoints, instead of the system's trust store");
  app->add_option("-c,--config-file", flags.config_file,
                  "ossutil config file with endpoint and keys (default ~/.ossutilconfig)");
}

std::string EnvOr(const std::string& value, const char* name) {
  if (!value.empty()) return value;
  const char* env = std::getenv(name);
  return env ? env : "";
}

int ExitCodeFor(const Error& error) {
  if (error.code == ossup::protocol::client_codes::kCannotResumeUpload) return kExitCannotResume;
  if (error.code == ossup::protocol::client_codes::kCancelled) return kExitInterrupted;
  if (error.code == ossup::protocol::client_codes::kInvalidRequest) return kExitUsage;
  return kExitFailure;
}

int ReportError(const CommonFlags& flags, const Error& error) {
  if (flags.json) {
    nlohmann::json line = {{"event", "error"},
                           {"code", error.code},
                           {"message", error.message},
                           {"http_status", error.http_status},
                           {"request_id", error.request_id}};
    std::printf("%s\n", line.dump().c_str());
  }
  std::fprintf(stderr, "ossup: error: %s\n", error.ToString().c_str());
  return ExitCodeFor(error);
}

std::optional<Client> MakeClient(const CommonFlags& flags, int& exit_code) {
  ossup::client::ClientOptions options;
  std::string config_error;
  auto settings = ResolveConnectionSettings(flags.endpoint, flags.config_file, &config_error);
  if (!settings) {
    std::fprintf(stderr, "ossup: error: %s\n", config_error.c_str());
    exit_code = kExitUsage;
    return std::nullopt;
  }
  options.endpoint = settings->endpoint;
  options.credentials = settings->credentials;
  options.region = EnvOr(flags.region, "OSS_REGION");
  if (options.endpoint.empty()) {
    std::fprintf(stderr,
                 "ossup: error: --endpoint is required (or OSS_ENDPOINT, or endpoint in the "
                 "config file)\n");
    exit_code = kExitUsage;
    return std::nullopt;
  }
  std::string region = options.region;
  if (auto endpoint = ossup::protocol::ParseEndpoint(options.endpoint);
      region.empty() && endpoint.ok()) {
    region = ossup::protocol::RegionOfEndpointHost(endpoint->host);
  }
  std::string sign = flags.sign.empty() ? (region.empty() ? "v1" : "v4") : flags.sign;
  options.signature_version = sign == "v1" ? ossup::protocol::SignatureVersion::kV1
                                           : ossup::protocol::SignatureVersion::kV4;
  if (flags.path_style) options.addressing_style = ossup::protocol::AddressingStyle::kPath;
  options.ca_file = flags.ca_file;
  auto client = Client::Create(options);
  if (!client.ok()) {
    exit_code = ReportError(flags, client.error());
    return std::nullopt;
  }
  return std::move(*client);
}

/// `text` as oss://BUCKET/KEY; nullopt, after printing the usage error, when it names no object.
std::optional<ossup::cli::OssUrl> ParseObjectUrl(const std::string& text) {
  auto url = ossup::cli::ParseOssUrl(text);
  if (!url || url->key.empty()) {
    std::fprintf(stderr, "ossup: error: expected oss://BUCKET/KEY\n");
    return std::nullopt;
  }
  return url;
}

std::string DefaultCheckpointDir() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return ".ossup-checkpoints";
  return (std::filesystem::path(home) / ".ossup" / "checkpoints").string();
}

/// SIGINT/SIGTERM are blocked in every thread and consumed here, so Ctrl-C becomes a
/// cancel of the running upload instead of killing the process.
class InterruptWatcher {
 public:
  InterruptWatcher() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  void Watch(std::function<void()> on_interrupt) {
    std::thread([this, on_interrupt = std::move(on_interrupt)] {
      int signal_number = 0;
      if (sigwait(&set_, &signal_number) == 0) {
        interrupted_ = true;
        on_interrupt();
      }
    }).detach();
  }
  bool interrupted() const { return interrupted_; }

 private:
  sigset_t set_;
  std::atomic<bool> interrupted_{false};
};

struct CpFlags {
  std::string file;
  std::string destination;
  std::string part_size = "1MiB";
  int parallel = 4;
  std::string checkpoint_dir;
  bool delete_on_cancel = false;
  std::string integrity = "crc64";
  std::string content_type;
  std::vector<std::string> meta;
  TreeFlags tree;
};

int RunCp(const CommonFlags& common, const CpFlags& flags, InterruptWatcher& interrupts) {
  auto url = ossup::cli::ParseOssUrl(flags.destination);
  if (!url || (url->key.empty() && !flags.tree.recursive)) {
    std::fprintf(stderr, "ossup: error: destination must be oss://BUCKET/KEY\n");
    return kExitUsage;
  }
  auto part_size = ossup::client::ParseByteSize(flags.part_size);
  if (!part_size) {
    std::fprintf(stderr, "ossup: error: bad --part-size '%s' (try 1MiB, 512KiB or bytes)\n",
                 flags.part_size.c_str());
    return kExitUsage;
  }
  int exit_code = kExitOk;
  auto client = MakeClient(common, exit_code);
  if (!client) return exit_code;

  ossup::client::UploadRequest request;
  request.bucket = url->bucket;
  request.key = url->key;
  request.file_path = flags.file;
  request.part_size_bytes = *part_size;
  request.parallelism = flags.parallel;
  request.record_directory =
      flags.checkpoint_dir.empty() ? DefaultCheckpointDir() : flags.checkpoint_dir;
  request.delete_upload_id_on_cancelling = flags.delete_on_cancel;
  request.integrity = *ossup::client::ParseIntegrityMode(flags.integrity);  // checked by CLI11
  request.object_headers.content_type = flags.content_type;
  for (const auto& kv : flags.meta) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "ossup: error: --meta expects k=v, got '%s'\n", kv.c_str());
      return kExitUsage;
    }
    request.object_headers.metadata.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (flags.tree.recursive) {
    return RunCpTree(
        *client, {flags.file, url->bucket, url->key, std::move(request), flags.tree, common.json,
                  [&interrupts](auto cancel) { interrupts.Watch(std::move(cancel)); },
                  [&interrupts] { return interrupts.interrupted(); },
                  [&common](const Error& error) { return ReportError(common, error); }});
  }
  ossup::cli::ProgressReporter progress(common.json, ::isatty(STDERR_FILENO) != 0,
                                        flags.destination);
  request.progress = [&progress](uint64_t sent, uint64_t total, uint64_t expected) {
    progress.Update(sent, total, expected);
  };

  auto task = client->ResumableUpload(std::move(request));
  interrupts.Watch([&task] { task.Cancel(); });
  const auto& outcome = task.Wait();
  progress.Finish();
  if (!outcome.ok()) {
    if (interrupts.interrupted() &&
        outcome.error().code == ossup::protocol::client_codes::kCancelled) {
      std::fprintf(stderr, "ossup: interrupted; %s\n",
                   flags.delete_on_cancel ? "the upload was aborted"
                                          : "run the same command again to resume");
      if (common.json) std::printf("{\"event\":\"interrupted\"}\n");
      return kExitInterrupted;
    }
    return ReportError(common, outcome.error());
  }
  const auto& r = *outcome;
  if (common.json) {
    nlohmann::json line = {{"event", "done"},
                           {"bucket", r.bucket},
                           {"key", r.key},
                           {"etag", r.etag},
                           {"crc64", std::to_string(r.crc64)},
                           {"upload_id", r.upload_id},
                           {"size", r.file_size_bytes},
                           {"part_size", r.part_size_bytes},
                           {"part_size_grown", r.part_size_grown},
                           {"parts_total", r.parts_total},
                           {"parts_uploaded", r.parts_uploaded},
                           {"parts_skipped", r.parts_skipped},
                           {"bytes_sent", r.bytes_sent},
                           {"bytes_resent", r.bytes_resent},
                           {"resumed", r.resumed},
                           {"verified_by_head", r.verified_by_head},
                           {"simple_upload", r.simple_upload}};
    std::printf("%s\n", line.dump().c_str());
  } else {
    std::printf("uploaded %s to oss://%s/%s (%s; %d parts of %s%s, %d skipped%s) etag %s\n",
                flags.file.c_str(), r.bucket.c_str(), r.key.c_str(),
                ossup::cli::HumanBytes(static_cast<double>(r.file_size_bytes)).c_str(),
                r.parts_total,
                ossup::cli::HumanBytes(static_cast<double>(r.part_size_bytes)).c_str(),
                r.part_size_grown ? ", grown" : "", r.parts_skipped, r.resumed ? ", resumed" : "",
                r.etag.c_str());
  }
  return kExitOk;
}

int RunLsUploads(const CommonFlags& common, const std::string& target) {
  auto url = ossup::cli::ParseOssUrl(target);
  if (!url) {
    std::fprintf(stderr, "ossup: error: expected oss://BUCKET[/PREFIX]\n");
    return kExitUsage;
  }
  int exit_code = kExitOk;
  auto client = MakeClient(common, exit_code);
  if (!client) return exit_code;
  auto uploads = client->ListMultipartUploads(url->bucket, url->key);
  if (!uploads.ok()) return ReportError(common, uploads.error());
  for (const auto& u : *uploads) {
    if (common.json) {
      nlohmann::json line = {{"key", u.key},
                             {"upload_id", u.upload_id},
                             {"initiated", ossup::protocol::FormatIso8601(u.initiated)}};
      std::printf("%s\n", line.dump().c_str());
    } else {
      std::printf("%s\t%s\t%s\n", ossup::protocol::FormatIso8601(u.initiated).c_str(),
                  u.upload_id.c_str(), u.key.c_str());
    }
  }
  return kExitOk;
}

int RunAbort(const CommonFlags& common, const std::string& target, const std::string& upload_id) {
  auto url = ParseObjectUrl(target);
  if (!url) return kExitUsage;
  int exit_code = kExitOk;
  auto client = MakeClient(common, exit_code);
  if (!client) return exit_code;
  auto status = client->AbortMultipartUpload(url->bucket, url->key, upload_id);
  if (!status.ok()) return ReportError(common, status.error());
  if (common.json) std::printf("{\"event\":\"aborted\",\"upload_id\":\"%s\"}\n", upload_id.c_str());
  return kExitOk;
}

int RunGet(const CommonFlags& common, const std::string& source, const std::string& file) {
  auto url = ParseObjectUrl(source);
  if (!url) return kExitUsage;
  int exit_code = kExitOk;
  auto client = MakeClient(common, exit_code);
  if (!client) return exit_code;
  auto size = client->GetObjectToFile(url->bucket, url->key, file);
  if (!size.ok()) return ReportError(common, size.error());
  if (common.json) {
    std::printf("%s\n", nlohmann::json({{"event", "done"}, {"size", *size}}).dump().c_str());
  } else {
    std::printf("downloaded %s to %s (%llu bytes)\n", source.c_str(), file.c_str(),
                static_cast<unsigned long long>(*size));
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  InterruptWatcher interrupts;  // before any thread exists

  CLI::App app{"ossup: resumable uploads to Alibaba Cloud OSS"};
  app.require_subcommand(1);
  app.set_version_flag("--version", ossup::VersionLine("ossup"));

  CommonFlags cp_common, ls_common, abort_common, get_common;
  CpFlags cp;
  auto* cp_cmd = app.add_subcommand("cp", "upload a local file or, with -r, a tree (resumable)");
  cp_cmd->add_option("file", cp.file, "local file (with -r: directory)")->required();
  cp_cmd
      ->add_option("destination", cp.destination,
                   "oss://BUCKET/KEY (with -r: oss://BUCKET/PREFIX/)")
      ->required();
  cp_cmd->add_flag("-r,--recursive", cp.tree.recursive, "upload every file under the directory");
  cp_cmd->add_option("--jobs", cp.tree.jobs, "-r: files in flight")->check(CLI::Range(1, 64));
  cp_cmd->add_flag("--follow-symlinks", cp.tree.follow_symlinks, "-r: follow symlinks");
  cp_cmd->add_option("--include", cp.tree.include, "-r: upload only paths matching this glob")
      ->allow_extra_args(false)
      ->take_all();
  cp_cmd->add_option("--exclude", cp.tree.exclude, "-r: skip paths matching this glob")
      ->allow_extra_args(false)
      ->take_all();
  AddCommonFlags(cp_cmd, cp_common);
  cp_cmd->add_option("--part-size", cp.part_size, "part size: 1MiB, 512KiB or bytes (>= 100KiB)");
  cp_cmd->add_option("--parallel", cp.parallel, "parts in flight")->check(CLI::Range(1, 64));
  cp_cmd->add_option("--checkpoint-dir", cp.checkpoint_dir,
                     "checkpoint directory (default ~/.ossup/checkpoints)");
  cp_cmd->add_flag("--delete-on-cancel", cp.delete_on_cancel,
                   "on Ctrl-C abort the upload and delete the checkpoint");
  std::vector<std::string> integrity_modes;
  for (auto mode : ossup::client::AllIntegrityModes()) {
    integrity_modes.emplace_back(ossup::client::IntegrityModeName(mode));
  }
  cp_cmd
      ->add_option("--integrity", cp.integrity,
                   "checksums: crc64 (default; no MD5), md5+crc64 (adds Content-MD5 and ETag "
                   "checks), none (UNSAFE: nothing checked)")
      ->check(CLI::IsMember(integrity_modes));
  cp_cmd->add_option("--content-type", cp.content_type, "object Content-Type");
  cp_cmd->add_option("--meta", cp.meta, "user metadata k=v (repeatable)")->take_all();

  std::string ls_target;
  auto* ls_cmd = app.add_subcommand("ls-uploads", "list in-progress multipart uploads");
  ls_cmd->add_option("target", ls_target, "oss://BUCKET[/PREFIX]")->required();
  AddCommonFlags(ls_cmd, ls_common);

  std::string abort_target, abort_upload_id;
  auto* abort_cmd = app.add_subcommand("abort", "abort a multipart upload");
  abort_cmd->add_option("target", abort_target, "oss://BUCKET/KEY")->required();
  abort_cmd->add_option("--upload-id", abort_upload_id, "upload id")->required();
  AddCommonFlags(abort_cmd, abort_common);

  std::string get_source, get_file;
  auto* get_cmd = app.add_subcommand("get", "download an object to a file");
  get_cmd->add_option("source", get_source, "oss://BUCKET/KEY")->required();
  get_cmd->add_option("file", get_file, "local file")->required();
  AddCommonFlags(get_cmd, get_common);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  if (cp_cmd->parsed()) return RunCp(cp_common, cp, interrupts);
  if (ls_cmd->parsed()) return RunLsUploads(ls_common, ls_target);
  if (abort_cmd->parsed()) return RunAbort(abort_common, abort_target, abort_upload_id);
  if (get_cmd->parsed()) return RunGet(get_common, get_source, get_file);
  return kExitUsage;
}
