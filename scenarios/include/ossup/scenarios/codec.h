// The JSON form of a scenario (scenario.h), version 1. Documented field by field in
// docs/scenarios.md; the short form:
//
//   {"version": 1, "name": "reset-on-middle-part", "description": "...",
//    "file": {"size": 512000, "contentSeed": 7},
//    "upload": {"partSize": 102400, "parallelism": 1, "recordDirectory": true,
//               "deleteOnCancel": true, "simpleUploadThreshold": 0},
//    "server": {"storage": "memory", "signing": "v4", "seed": 1},
//    "faults": {<a plan in faults' JSON form, faults/include/ossup/faults/plan.h>},
//    "steps": [{"do": "upload", "expect": "succeeds"},
//              {"do": "cancel-after-bytes", "bytes": 204800, "expect": "cancelled",
//               "faults": {<plan armed for this step only>}},
//              {"do": "kill-client-after-parts", "parts": 2, "expect": "cancelled"},
//              {"do": "advance-clock", "seconds": 86400}, {"do": "expire-upload"},
//              {"do": "restart-server"}, {"do": "rewrite-file", "contentSeed": 8, "size": 1},
//              {"do": "resume", "expect": ["succeeds", "fails-retryable"]}],
//    "checks": {"objectEqualsFile": true, "noUploadsLeft": true, "uploadsLeft": 0,
//               "recordExists": false, "maxBytesResent": 0, "faultsFired": 1,
//               "properties": true}}
//
// Every object is closed: unknown fields, a wrong type, a missing required field ("version",
// "name", "file.size", "steps", "do", client steps' "expect"), an out-of-range value or a
// field the step kind does not use is an error (InvalidArgument, message naming the field).
// Defaults: upload as in UploadOptions, server as in ServerSpec, contentSeed 0, checks off.
//
// ScenarioToJson writes the canonical form (every upload and server field, "expect" as a
// string when it holds one outcome); ParseScenario(ScenarioToJson(s)) == s.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "ossup/protocol/status.h"
#include "ossup/scenarios/scenario.h"

namespace ossup::scenarios {

protocol::StatusOr<Scenario> ParseScenario(std::string_view json);
/// Pretty-printed (two-space indent), ending in a newline.
std::string ScenarioToJson(const Scenario& scenario);

/// Reads and parses a file; errors name the path.
protocol::StatusOr<Scenario> LoadScenarioFile(const std::string& path);
/// Writes ScenarioToJson(scenario) to `path` (temp file + rename). IoError on failure.
protocol::Status SaveScenarioFile(const std::string& path, const Scenario& scenario);

}  // namespace ossup::scenarios
