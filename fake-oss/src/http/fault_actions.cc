// How fake-oss carries out each fault action (faults/include/ossup/faults/actions.h) at its
// hook points. Reset and stall at a body offset happen in Exchange::ReadBody; a pending stall
// before the answer in Exchange::Finish. Each switch names every action, so a new one does
// not compile until it is placed here.
#include "http/exchange.h"
#include "ossup/protocol/checksum.h"
#include "service/errors.h"

namespace ossup::fake {
namespace {

/// Removes the x-oss-hash-crc64ecma header and every <HashCrc64ecma> element of an XML body.
void StripCrc64(Response& res) {
  res.erase_header("x-oss-hash-crc64ecma");
  constexpr std::string_view kOpen = "<HashCrc64ecma>";
  constexpr std::string_view kClose = "</HashCrc64ecma>";
  for (size_t at = res.body.find(kOpen); at != std::string::npos; at = res.body.find(kOpen, at)) {
    const size_t end = res.body.find(kClose, at);
    if (end == std::string::npos) break;
    res.body.erase(at, end + kClose.size() - at);
  }
}

}  // namespace

bool Exchange::ApplyFaultBeforeOperation(bool reads_body) {
  if (!fault) return true;
  const faults::Action& action = fault->action;
  switch (action.type) {
    case faults::ActionType::kError:
      SetError(errors::Injected(action.code, action.http_status, action.message));
      return false;
    case faults::ActionType::kReset:
      if (action.after_bytes == 0 || !reads_body) {
        Kill();
        return false;
      }
      return true;
    case faults::ActionType::kExpireUpload:
      ctx.service.ExpireUpload(entry.upload_id);
      return true;
    case faults::ActionType::kRestart:
      ctx.restart();
      return true;
    case faults::ActionType::kDropResponse:
    case faults::ActionType::kTruncateResponse:
    case faults::ActionType::kStall:
    case faults::ActionType::kCorruptChecksum:
    case faults::ActionType::kCorruptEtag:
    case faults::ActionType::kStripCrc64:
      return true;
  }
  return true;
}

std::optional<uint64_t> Exchange::ApplyFaultToResponse() {
  if (!fault) return std::nullopt;
  switch (fault->action.type) {
    case faults::ActionType::kCorruptChecksum:
      if (!error_ && res.has_header("x-oss-hash-crc64ecma")) {
        auto crc = protocol::ParseCrc64(res.get_header_value("x-oss-hash-crc64ecma"));
        res.set_header("x-oss-hash-crc64ecma", protocol::Crc64ToString(crc.value_or(0) ^ 1));
      }
      return std::nullopt;
    case faults::ActionType::kCorruptEtag:
      if (!error_ && res.has_header("ETag")) {
        std::string etag = res.get_header_value("ETag");
        size_t at = etag.size() > 1 && etag[0] == '"' ? 1 : 0;
        if (at < etag.size()) etag[at] = etag[at] == '0' ? '1' : '0';
        res.set_header("ETag", etag);
      }
      return std::nullopt;
    case faults::ActionType::kStripCrc64:
      if (!error_) StripCrc64(res);
      return std::nullopt;
    case faults::ActionType::kDropResponse:
      Kill();
      return std::nullopt;
    case faults::ActionType::kTruncateResponse:
      return PrepareTruncation();
    case faults::ActionType::kError:
    case faults::ActionType::kReset:
    case faults::ActionType::kStall:
    case faults::ActionType::kExpireUpload:
    case faults::ActionType::kRestart:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace ossup::fake
