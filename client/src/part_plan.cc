#include "part_plan.h"

#include "client_error.h"
#include "ossup/client/part_size.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/limits.h"

namespace ossup::client::internal {
namespace {

protocol::Error InvalidRequest(std::string message) {
  return ClientError(protocol::client_codes::kInvalidRequest, std::move(message));
}

uint64_t CeilDiv(uint64_t a, uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

}  // namespace

protocol::StatusOr<PartPlan> PlanParts(uint64_t file_size_bytes,
                                       uint64_t requested_part_size_bytes) {
  namespace limits = protocol::limits;
  if (requested_part_size_bytes < limits::kMinPartSize) {
    return InvalidRequest("part size " + std::to_string(requested_part_size_bytes) +
                          " is below the minimum of " + std::to_string(limits::kMinPartSize));
  }
  if (requested_part_size_bytes > limits::kMaxPartSize) {
    return InvalidRequest("part size " + std::to_string(requested_part_size_bytes) +
                          " is above the maximum of " + std::to_string(limits::kMaxPartSize));
  }
  PartPlan plan;
  plan.file_size_bytes = file_size_bytes;
  plan.part_size_bytes = EffectivePartSize(file_size_bytes, requested_part_size_bytes);
  if (plan.part_size_bytes != requested_part_size_bytes) {
    plan.grown = true;
    if (plan.part_size_bytes > limits::kMaxPartSize) {
      return InvalidRequest("file of " + std::to_string(file_size_bytes) +
                            " bytes needs more than 10000 parts of the maximum part size");
    }
  }
  plan.part_count = static_cast<int>(CeilDiv(file_size_bytes, plan.part_size_bytes));
  return plan;
}

}  // namespace ossup::client::internal
