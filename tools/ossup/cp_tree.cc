#include "cp_tree.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "exit_codes.h"
#include "ossup/client/tree_upload.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "progress_reporter.h"

namespace ossup::cli {
namespace {

using client::TreeFileEvent;
using client::TreeFileResult;

nlohmann::json FileLine(const TreeFileEvent& e) {
  nlohmann::json line = {{"event", "file"},
                         {"path", e.relative_path},
                         {"key", e.key},
                         {"result", client::TreeFileResultName(e.result)},
                         {"size", e.size_bytes}};
  if (e.crc64) line["crc64"] = protocol::Crc64ToString(*e.crc64);
  if (e.upload) {
    line["etag"] = e.upload->etag;
    line["bytes_sent"] = e.upload->bytes_sent;
    line["resumed"] = e.upload->resumed;
    line["simple_upload"] = e.upload->simple_upload;
    line["parts_skipped"] = e.upload->parts_skipped;
  }
  if (e.error) {
    line["code"] = e.error->code;
    line["message"] = e.error->message;
    line["http_status"] = e.error->http_status;
    line["request_id"] = e.error->request_id;
  }
  return line;
}

/// The tree's progress: JSON lines, or one redrawn line on a terminal.
class TreeProgressLine {
 public:
  TreeProgressLine(bool json, bool tty) : json_(json), tty_(tty) {}

  void Update(const client::TreeProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(p.bytes_sent) / seconds : 0;
    if (json_) {
      nlohmann::json line = {
          {"event", "progress"},          {"files_done", p.files_done},
          {"files_total", p.files_total}, {"bytes_done", p.bytes_done},
          {"bytes_total", p.bytes_total}, {"bytes_per_second", static_cast<uint64_t>(rate)}};
      std::printf("%s\n", line.dump().c_str());
      std::fflush(stdout);
      return;
    }
    if (!tty_) return;
    const bool last = p.files_done == p.files_total;
    if (!last && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    std::fprintf(stderr, "\r%d/%d files  %s / %s  %s/s  ETA %s ", p.files_done, p.files_total,
                 HumanBytes(static_cast<double>(p.bytes_done)).c_str(),
                 HumanBytes(static_cast<double>(p.bytes_total)).c_str(), HumanBytes(rate).c_str(),
                 EtaText(p.bytes_total - p.bytes_done, rate).c_str());
    drawn_ = true;
  }

  /// Prints `text` (a whole line, for stderr) without tearing the progress line.
  void Note(const std::string& text) {
    if (drawn_) std::fprintf(stderr, "\n");
    drawn_ = false;
    std::fprintf(stderr, "%s\n", text.c_str());
  }

  void Finish() {
    if (drawn_) std::fprintf(stderr, "\n");
    drawn_ = false;
  }

 private:
  const bool json_;
  const bool tty_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

std::string FailureText(const TreeFileEvent& e) {
  return e.relative_path + ": " + (e.error ? e.error->ToString() : "failed");
}

int ExitCodeFor(const client::TreeUploadSummary& s, bool interrupted) {
  if (interrupted && s.cancelled > 0) return kExitInterrupted;
  if (s.all_done()) return kExitOk;
  const bool all_cannot_resume =
      !s.failures.empty() && std::all_of(s.failures.begin(), s.failures.end(), [](const auto& e) {
        return e.error && e.error->code == protocol::client_codes::kCannotResumeUpload;
      });
  return all_cannot_resume ? kExitCannotResume : kExitFailure;
}

}  // namespace

int RunCpTree(client::Client& client, TreeRun run) {
  TreeProgressLine progress(run.json, ::isatty(STDERR_FILENO) != 0);
  client::TreeUploadRequest request;
  request.directory = run.directory;
  request.bucket = run.bucket;
  request.prefix = run.prefix;
  request.file_request = std::move(run.file_request);
  request.jobs = run.flags.jobs;
  request.follow_symlinks = run.flags.follow_symlinks;
  request.include = run.flags.include;
  request.exclude = run.flags.exclude;
  request.progress = [&progress](const client::TreeProgress& p) { progress.Update(p); };
  request.on_file = [&progress, json = run.json](const TreeFileEvent& e) {
    if (json) {
      std::printf("%s\n", FileLine(e).dump().c_str());
      std::fflush(stdout);
      return;
    }
    switch (e.result) {
      case TreeFileResult::kUploaded:
      case TreeFileResult::kAlreadyThere:
      case TreeFileResult::kCancelled:
        return;
      case TreeFileResult::kSymlinkSkipped:
        progress.Note("ossup: skipped symlink " + e.relative_path + " (--follow-symlinks follows)");
        return;
      case TreeFileResult::kNotRegular:
        progress.Note("ossup: skipped " + e.relative_path + ": not a regular file");
        return;
      case TreeFileResult::kFailed:
        progress.Note("ossup: failed: " + FailureText(e));
        return;
    }
  };

  client::TreeUploader uploader(client, std::move(request));
  run.on_interrupt([&uploader] { uploader.Cancel(); });
  auto summary = uploader.Run();
  progress.Finish();
  if (!summary.ok()) return run.report_error(summary.error());
  const auto& s = *summary;
  const bool interrupted = run.interrupted();
  if (s.record_error) {
    std::fprintf(stderr, "ossup: warning: the tree record could not be written (%s)\n",
                 s.record_error->ToString().c_str());
  }
  if (run.json) {
    nlohmann::json line = {{"event", interrupted ? "interrupted" : "done"},
                           {"files_total", s.files_total},
                           {"uploaded", s.uploaded},
                           {"already_there", s.already_there},
                           {"skipped", s.skipped},
                           {"failed", s.failures.size()},
                           {"cancelled", s.cancelled},
                           {"bytes_total", s.bytes_total},
                           {"bytes_sent", s.bytes_sent}};
    std::printf("%s\n", line.dump().c_str());
  } else {
    std::printf(
        "%d files (%s) to oss://%s/%s: %d uploaded, %d already there, %d skipped, "
        "%zu failed%s\n",
        s.files_total, HumanBytes(static_cast<double>(s.bytes_total)).c_str(), run.bucket.c_str(),
        run.prefix.c_str(), s.uploaded, s.already_there, s.skipped, s.failures.size(),
        s.cancelled ? ", interrupted" : "");
  }
  if (!s.failures.empty()) {
    std::fprintf(stderr, "ossup: %zu failed:\n", s.failures.size());
    for (const auto& e : s.failures) std::fprintf(stderr, "  %s\n", FailureText(e).c_str());
  }
  if (interrupted && s.cancelled > 0) {
    std::fprintf(stderr, "ossup: interrupted; run the same command again to resume\n");
  }
  return ExitCodeFor(s, interrupted);
}

}  // namespace ossup::cli
