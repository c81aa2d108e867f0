// How a file of a given size is cut into parts.
//
// Invariants of a valid PartPlan: part_count <= 10,000; every part but the last is exactly
// part_size_bytes; the last is 1..part_size_bytes; the parts cover the file exactly. An empty
// file has no parts (it goes up with PutObject).
#pragma once

#include <cstdint>

#include "ossup/protocol/status.h"

namespace ossup::client::internal {

struct PartPlan {
  uint64_t file_size_bytes = 0;
  uint64_t part_size_bytes = 0;
  int part_count = 0;
  /// part_size_bytes was raised above the requested size to stay within 10,000 parts.
  bool grown = false;

  /// REQUIRES: 1 <= part_number <= part_count.
  uint64_t OffsetOf(int part_number) const {
    return static_cast<uint64_t>(part_number - 1) * part_size_bytes;
  }
  uint64_t SizeOf(int part_number) const {
    uint64_t offset = OffsetOf(part_number);
    uint64_t rest = file_size_bytes - offset;
    return rest < part_size_bytes ? rest : part_size_bytes;
  }
};

/// Plans `file_size_bytes` in parts of `requested_part_size_bytes`, growing the size (rounded
/// up to 4 KiB) when more than 10,000 parts would be needed. InvalidRequest when the size is
/// below 100 KiB or the file is larger than 10,000 x 5 GiB.
protocol::StatusOr<PartPlan> PlanParts(uint64_t file_size_bytes,
                                       uint64_t requested_part_size_bytes);

}  // namespace ossup::client::internal
