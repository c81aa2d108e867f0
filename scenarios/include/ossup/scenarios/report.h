// Run reports people look at: one self-contained HTML page per scenario run (no external
// assets; inline CSS, JS and SVG; readable offline as a CI artifact), an index page of a
// whole run, and JUnit XML for CI. docs/scenarios.md, "Reports and JUnit", shows them.
//
// A scenario page holds: the verdict and the replay command; the named properties
// (properties.h) checked on the run, each failing one highlighted with the step it broke at;
// every verdict; the steps; a timeline of every request (operation, part, status, bytes,
// latency, the fault fired into it, retries and their wait) beside the client's events
// (checkpoint writes, progress, cancels, resumes, outcomes, the verdict), drawn by the
// timeline script fake-oss's /_fake/ui shares; and the scenario JSON. At most
// kMaxReportEntries journal entries and as many client events are embedded (the latest),
// which keeps a page under 1 MiB.
//
// Pure functions of their arguments. Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ossup/protocol/status.h"
#include "ossup/scenarios/runner.h"
#include "ossup/scenarios/scenario.h"

namespace ossup::scenarios {

inline constexpr size_t kMaxReportEntries = 2000;

/// One scenario of a run, as the index and JUnit list it.
struct ScenarioResult {
  std::string name;
  bool passed = false;
  std::string reason;  // RunReport::reason ("" when passed)
  double duration_seconds = 0;
  std::string replay_command;  // "oss-scenario run scenarios/library/x.json"
  std::string report_file;     // the page's path relative to the index ("" = none)
};

/// The scenario's page. `result` gives the replay command and the duration.
std::string RenderScenarioReport(const Scenario& scenario, const RunReport& report,
                                 const ScenarioResult& result);

/// The index page: every scenario with its verdict, duration and a link to its page.
std::string RenderReportIndex(const std::vector<ScenarioResult>& results, const std::string& title);

/// JUnit XML: one <testsuite name=`suite`> with a <testcase> per scenario; a failing one
/// carries <failure message=reason> with the reason and the replay command; every testcase's
/// <system-out> holds its replay command and, when it has a report, "report: PATH" and
/// "[[ATTACHMENT|PATH]]" (how Jenkins and GitLab attach a file to a test case).
std::string RenderJunitXml(const std::vector<ScenarioResult>& results, const std::string& suite);

/// Writes RenderScenarioReport(...) to `path` (a property suite's failure beside its saved
/// scenario file; oss-scenario run --report). IoError naming the path on failure.
protocol::Status WriteScenarioReport(const std::string& path, const Scenario& scenario,
                                     const RunReport& report, const ScenarioResult& result);

/// A file name for the scenario's page: its name with every character outside
/// [A-Za-z0-9._-] replaced by '_', plus ".html".
std::string ReportFileName(const std::string& scenario_name);

}  // namespace ossup::scenarios
