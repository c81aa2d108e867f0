#include "ossup/client/part_size.h"

#include "ossup/protocol/limits.h"

namespace ossup::client {
namespace {

constexpr uint64_t kGrowthAlignmentBytes = 4096;

uint64_t CeilDiv(uint64_t a, uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

}  // namespace

uint64_t EffectivePartSize(uint64_t file_size_bytes, uint64_t requested_part_size_bytes) {
  const uint64_t max_parts = protocol::limits::kMaxPartNumber;
  if (requested_part_size_bytes == 0 ||
      CeilDiv(file_size_bytes, requested_part_size_bytes) <= max_parts) {
    return requested_part_size_bytes;
  }
  return CeilDiv(CeilDiv(file_size_bytes, max_parts), kGrowthAlignmentBytes) *
         kGrowthAlignmentBytes;
}

}  // namespace ossup::client
