// Bucket reads the protocol layer does not classify (it answers kUnknown for them) but SDK
// test suites use: ListObjectsV2 (`?list-type=2`), GetBucketInfo (`?bucketInfo`) and
// GetBucketLocation (`?location`). Their XML is written here; the protocol layer has no codec.
#pragma once

#include <optional>
#include <string_view>

#include "http/exchange.h"

namespace ossup::fake::ops {

enum class ExtraOperation { kListObjectsV2, kGetBucketInfo, kGetBucketLocation };

/// The extra operation `ex` asks for, if any. REQUIRES: ex.op == kUnknown.
std::optional<ExtraOperation> ClassifyExtra(const Exchange& ex);
std::string_view ExtraOperationName(ExtraOperation op);
protocol::Status ServeExtra(Exchange& ex, ExtraOperation op);

}  // namespace ossup::fake::ops
