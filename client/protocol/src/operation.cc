#include "ossup/protocol/operation.h"

#include <algorithm>
#include <vector>

namespace ossup::protocol {
namespace {

// Query parameters that belong to features no operation here implements (docs/compatibility.md,
// "Out of scope"). They are selectors too: a request carrying one is kUnknown instead of
// silently falling back to the plain operation.
struct OutOfScope {
  std::string_view name;
  std::string_view feature;
};
constexpr OutOfScope kOutOfScope[] = {
    {"cors", "bucket CORS"},
    {"logging", "bucket logging"},
    {"website", "static website hosting"},
    {"referer", "hotlink protection (referer)"},
    {"policy", "bucket policy"},
    {"inventory", "bucket inventory"},
    {"encryption", "bucket encryption"},
    {"versions", "versioning"},
    {"versioning", "versioning"},
    {"versionId", "versioning"},
    {"replication", "cross-region replication"},
    {"worm", "retention policy (WORM)"},
    {"restore", "archive restore"},
    {"stat", "live channel"},
    {"live", "live channel"},
    {"comp", "live channel"},
    {"x-oss-process", "image processing"},
    {"qos", "QoS"},
    {"requestPayment", "pay-by-requester"},
    {"select", "SelectObject"},
    {"cname", "CNAME"},
};

// Calls `f` with each space-separated word of `list`; stops when `f` returns false. Answers
// whether it ran to the end.
template <typename F>
bool EachWord(std::string_view list, F f) {
  while (!list.empty()) {
    const size_t space = list.find(' ');
    if (!f(list.substr(0, space))) return false;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return true;
}

// The parameter name of a selector ("list-type" of "list-type=2").
std::string_view SelectorName(std::string_view selector) {
  return selector.substr(0, selector.find('='));
}

bool IsSelector(std::string_view param) {
  for (const OperationRow& row : kOperations) {
    for (std::string_view list : {row.required, row.optional}) {
      if (!EachWord(list, [&](std::string_view s) { return SelectorName(s) != param; })) {
        return true;
      }
    }
  }
  return std::any_of(std::begin(kOutOfScope), std::end(kOutOfScope),
                     [&](const OutOfScope& o) { return o.name == param; });
}

bool HasWord(std::string_view list, std::string_view word) {
  return !EachWord(list, [&](std::string_view w) { return w != word; });
}

Target TargetOf(std::string_view bucket, std::string_view key) {
  if (bucket.empty()) return Target::kService;
  return key.empty() ? Target::kBucket : Target::kObject;
}

// Does `query` satisfy `row`'s required and optional selectors?
bool SelectorsMatch(const OperationRow& row, const QueryParams& query) {
  const bool all_required = EachWord(row.required, [&](std::string_view selector) {
    const size_t eq = selector.find('=');
    const std::string_view name = selector.substr(0, eq);
    for (const auto& [param, value] : query) {
      if (param == name && (eq == std::string_view::npos || value == selector.substr(eq + 1))) {
        return true;
      }
    }
    return false;
  });
  if (!all_required) return false;
  return std::all_of(query.begin(), query.end(), [&](const auto& param) {
    const std::string& name = param.first;
    if (!IsSelector(name)) return true;
    auto named = [&](std::string_view s) { return SelectorName(s) != name; };
    return !EachWord(row.required, named) || !EachWord(row.optional, named);
  });
}

bool Matches(const OperationRow& row, std::string_view method, Target target,
             const QueryParams& query) {
  return !row.methods.empty() && HasWord(row.methods, method) && row.target == target &&
         SelectorsMatch(row, query);
}

}  // namespace

std::optional<Operation> OperationFromName(std::string_view name) {
  for (const OperationRow& row : kOperations) {
    if (row.name == name) return row.op;
  }
  return std::nullopt;
}

Operation ClassifyOperation(std::string_view method, std::string_view bucket, std::string_view key,
                            const QueryParams& query) {
  if (!bucket.empty() || key.empty()) {
    const Target target = TargetOf(bucket, key);
    for (const OperationRow& row : kOperations) {
      if (row.header.empty() && Matches(row, method, target, query)) return row.op;
    }
  }
  return Operation::kUnknown;
}

std::optional<std::string_view> OutOfScopeFeature(const QueryParams& query) {
  for (const auto& [name, value] : query) {
    for (const OutOfScope& o : kOutOfScope) {
      if (o.name == name) return o.feature;
    }
  }
  return std::nullopt;
}

Operation ClassifyRequest(const WireRequest& request) {
  if (!request.bucket.empty() || request.key.empty()) {
    const Target target = TargetOf(request.bucket, request.key);
    for (const OperationRow& row : kOperations) {
      if (!row.header.empty() && FindHeader(request.headers, row.header) &&
          Matches(row, request.method, target, request.query)) {
        return row.op;
      }
    }
  }
  return ClassifyOperation(request.method, request.bucket, request.key, request.query);
}

}  // namespace ossup::protocol
