// OSS limits (docs/protocol.md, "Limits"). One place, so the client and the fake cannot drift.
#pragma once

#include <chrono>
#include <cstdint>

namespace ossup::protocol::limits {

inline constexpr int kMinPartNumber = 1;
inline constexpr int kMaxPartNumber = 10000;
/// Every part but the last must be at least this large; checked at Complete.
inline constexpr uint64_t kMinPartSize = 100 * 1024;
inline constexpr uint64_t kMaxPartSize = 5ull * 1024 * 1024 * 1024;
inline constexpr uint64_t kMaxPutObjectSize = 5ull * 1024 * 1024 * 1024;
/// The largest object AppendObject can build.
inline constexpr uint64_t kMaxAppendObjectSize = 5ull * 1024 * 1024 * 1024;
inline constexpr int kMaxListParts = 1000;
inline constexpr int kMaxListUploads = 1000;
inline constexpr int kDefaultMaxKeys = 100;
inline constexpr int kMaxKeys = 1000;
/// Keys in one DeleteMultipleObjects request.
inline constexpr size_t kMaxDeleteObjects = 1000;
inline constexpr size_t kMaxKeyBytes = 1023;
inline constexpr std::chrono::seconds kMaxClockSkew{15 * 60};
inline constexpr std::chrono::seconds kMaxPresignExpiry{604800};
/// Upper bound for XML bodies we parse (Complete with 10000 parts is about 1 MiB).
inline constexpr size_t kMaxXmlBodySize = 4 * 1024 * 1024;

}  // namespace ossup::protocol::limits
