// The reference servers fake-oss's ingest CPU is set against: the least a server can do with
// an UploadPart body, in a few variants, so that what the fake spends beyond them is its own.
// Each is a minimal HTTP/1.1 keep-alive server on 127.0.0.1 (one connection at a time) that
// reads a request head, receives Content-Length body bytes, and answers 200 with an empty body
// (and the body's MD5 as ETag when it hashes). Not a general server: it trusts the client.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fake_oss_bench {

enum class SinkMode {
  /// recv() into one reused 1 MiB buffer: the cost of receiving the bytes over loopback.
  kRecv,
  /// recv() straight into a reused buffer of the body's size, MD5+CRC64 as it arrives: a server
  /// that checks the part and keeps it in memory it has used before.
  kHashRecycled,
  /// recv() straight into a fresh buffer of the body's size, kept until the connection closes,
  /// MD5+CRC64 as it arrives: a server that checks the part and keeps it in new memory.
  kHashFresh,
};

/// The mode named `name` (recv, hash-recycled, hash-fresh).
std::optional<SinkMode> ParseSinkMode(std::string_view name);
std::string_view SinkModeName(SinkMode mode);

/// Listens on 127.0.0.1 (a free port), prints `sink listening on http://127.0.0.1:PORT` as its
/// first stdout line, and serves until killed. Returns only when it cannot listen (status 1).
int ServeSink(SinkMode mode);

}  // namespace fake_oss_bench
