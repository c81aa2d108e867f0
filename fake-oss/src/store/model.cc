#include "store/model.h"

#include <algorithm>

namespace ossup::fake {

bool NeedsRestore(std::string_view storage_class) {
  return storage_class == "Archive" || storage_class == "ColdArchive" ||
         storage_class == "DeepColdArchive";
}

bool ReadObjectRange(const StoredObject& object, uint64_t offset, uint64_t length,
                     const std::function<bool(const char*, size_t)>& sink) {
  for (const auto& blob : object.segments) {
    if (length == 0) break;
    if (offset >= blob->size()) {
      offset -= blob->size();
      continue;
    }
    uint64_t n = std::min(length, blob->size() - offset);
    if (!blob->Read(offset, n, sink)) return false;
    length -= n;
    offset = 0;
  }
  return length == 0;
}

}  // namespace ossup::fake
