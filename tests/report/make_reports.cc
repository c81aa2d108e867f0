// report_fixture: writes the run reports that tests/report/report_chromium.sh opens in headless
// Chromium.
//
//   report_fixture SCENARIO_FILE OUT_DIR
//
// OUT_DIR/passing.html: SCENARIO_FILE (it must fire a fault and pass) run as it is.
// OUT_DIR/failing.html: the same run with a deliberately broken client, one that keeps its
// checkpoint record after a successful upload: the run's result is changed to what such a
// client leaves (a record after every successful step), and CheckProperties must then find
// the real violation success-removes-record, which becomes the run's verdict.
// OUT_DIR/index.html and OUT_DIR/junit.xml list both. Exit 0 when all is written and the
// failing run fails the way it must; 1 otherwise.
#include <chrono>
#include <fstream>
#include <iostream>

#include "ossup/scenarios/codec.h"
#include "ossup/scenarios/properties.h"
#include "ossup/scenarios/report.h"
#include "ossup/scenarios/runner.h"

using namespace ossup::scenarios;

namespace {

/// What a client that never removes its record after success would have left behind.
RunReport WithRecordKeptAfterSuccess(RunReport report, Scenario& scenario) {
  for (auto& step : report.steps) {
    if (step.outcome == Outcome::kSucceeds) step.record_after = true;
  }
  report.record_exists = true;
  for (auto& v : report.verdicts) {
    if (v.what == "check recordExists" && scenario.checks.record_exists == false) {
      v = {v.what, false, "a checkpoint record exists"};
    }
  }
  scenario.checks.properties = true;
  report.name += "-broken-client";
  for (const Violation& v : CheckProperties(scenario, report)) {
    report.verdicts.push_back({"property " + v.property + " at " + v.where, false, v.message});
  }
  report.passed = true;
  for (const auto& v : report.verdicts) {
    if (!v.ok && report.passed) {
      report.passed = false;
      report.reason = v.what + ": " + v.reason;
    }
  }
  for (auto& e : report.events) {
    if (e.kind == ClientEvent::Kind::kVerdict) e.text = "FAIL: " + report.reason;
  }
  return report;
}

bool Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: report_fixture SCENARIO_FILE OUT_DIR\n";
    return 1;
  }
  const std::string file = argv[1];
  const std::string dir = argv[2];
  auto scenario = LoadScenarioFile(file);
  if (!scenario.ok()) {
    std::cerr << scenario.error().message << "\n";
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  RunReport passing = RunScenario(*scenario);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int fired = 0;
  for (const auto& e : passing.journal) fired += e.fault ? 1 : 0;
  if (!passing.passed || fired == 0) {
    std::cerr << "the scenario must fire a fault and pass: " << SummaryLine(passing) << "\n";
    return 1;
  }
  Scenario broken_scenario = *scenario;
  RunReport failing = WithRecordKeptAfterSuccess(passing, broken_scenario);
  bool broke = false;
  for (const auto& v : failing.verdicts) {
    broke = broke || (!v.ok && v.what.rfind("property success-removes-record", 0) == 0);
  }
  if (failing.passed || !broke) {
    std::cerr << "the broken client did not break success-removes-record: " << SummaryLine(failing)
              << "\n";
    return 1;
  }
  const std::string replay = "oss-scenario run " + file;
  std::vector<ScenarioResult> results = {
      {passing.name, true, "", seconds, replay, "passing.html"},
      {failing.name, false, failing.reason, seconds, replay, "failing.html"},
  };
  bool ok = WriteScenarioReport(dir + "/passing.html", *scenario, passing, results[0]).ok() &&
            WriteScenarioReport(dir + "/failing.html", broken_scenario, failing, results[1]).ok() &&
            Write(dir + "/index.html", RenderReportIndex(results, "report fixture")) &&
            Write(dir + "/junit.xml", RenderJunitXml(results, "report-fixture"));
  std::cout << SummaryLine(passing) << "\n" << SummaryLine(failing) << "\n";
  return ok ? 0 : 1;
}
