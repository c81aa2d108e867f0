// The part size rule: how big the parts of a multipart upload are for a given file.
#pragma once

#include <cstdint>

namespace ossup::client {

/// The part size the client uses for a file of `file_size_bytes` when asked for
/// `requested_part_size_bytes` (UploadRequest::part_size_bytes; UploadResult reports it):
/// the requested size, unless the file would need more than 10,000 parts of it; then the
/// smallest multiple of 4 KiB that cuts the file into at most 10,000 parts. A requested size
/// of 0 is returned as 0 (the client rejects it: InvalidRequest, as any size below 100 KiB).
/// Pure; never fails.
uint64_t EffectivePartSize(uint64_t file_size_bytes, uint64_t requested_part_size_bytes);

}  // namespace ossup::client
