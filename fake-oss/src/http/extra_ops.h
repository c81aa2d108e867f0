// Bucket operations the protocol layer does not classify (it answers kUnknown for them) but
// SDK test suites use: ListObjectsV2 (`GET ?list-type=2`), GetBucketInfo (`GET ?bucketInfo`),
// and GetBucketLocation (`GET ?location`). Their XML is handled here; the protocol layer has
// no codec for them.
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
