// oss-scenario: replays scenario files against a fake OSS, or fuzzes generated scenarios.
//
//   oss-scenario run FILE... [--endpoint URL] [--bucket B] [--keep] [--report DIR] [--junit F]
//       One line per scenario: "PASS name" or "FAIL name: reason". Exit 1 if any fails.
//       --report DIR writes one self-contained HTML page per scenario and DIR/index.html;
//       --junit F writes JUnit XML (ossup/scenarios/report.h, docs/scenarios.md).
//   oss-scenario fuzz --seed S --count N [--out DIR]
//       Runs N generated scenarios (case i uses seed S+i), checks the named properties, shrinks
//       each failing case (keeping the same kind of failure) and writes it to
//       DIR/fuzz-S-i.json. `--dump DIR2` also writes every generated case. Exit 1 if any fails.
#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "build_info.h"
#include "ossup/faults/rng.h"
#include "ossup/scenarios/codec.h"
#include "ossup/scenarios/generate.h"
#include "ossup/scenarios/properties.h"
#include "ossup/scenarios/report.h"
#include "ossup/scenarios/runner.h"

namespace {

using namespace ossup::scenarios;

/// Where `run` writes its reports; empty = none.
struct ReportOutputs {
  std::string dir;
  std::string junit;
};

bool WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) std::cerr << "oss-scenario: cannot write " << path << std::endl;
  return static_cast<bool>(out);
}

/// The index and the JUnit file; false when one could not be written.
bool WriteRunOutputs(const std::vector<ScenarioResult>& results, const ReportOutputs& outputs) {
  bool ok = true;
  if (!outputs.dir.empty()) {
    ok = WriteText(outputs.dir + "/index.html", RenderReportIndex(results, "oss-scenario run")) &&
         ok;
  }
  if (!outputs.junit.empty()) {
    std::vector<ScenarioResult> linked = results;
    if (!outputs.dir.empty()) {
      for (auto& r : linked) {
        if (!r.report_file.empty()) r.report_file = outputs.dir + "/" + r.report_file;
      }
    }
    ok = WriteText(outputs.junit, RenderJunitXml(linked, "oss-scenario")) && ok;
  }
  return ok;
}

int RunFiles(const std::vector<std::string>& files, const RunOptions& options, bool verbose,
             const ReportOutputs& outputs) {
  int failed = 0;
  std::vector<ScenarioResult> results;
  std::set<std::string> pages;
  double writing_seconds = 0;  // rendering and writing the reports
  if (!outputs.dir.empty()) std::filesystem::create_directories(outputs.dir);
  for (const auto& path : files) {
    ScenarioResult result;
    result.replay_command = "oss-scenario run " + path;
    auto scenario = LoadScenarioFile(path);
    if (!scenario.ok()) {
      std::cout << "FAIL " << path << ": " << scenario.error().message << std::endl;
      ++failed;
      result.name = path;
      result.reason = scenario.error().message;
      results.push_back(std::move(result));
      continue;
    }
    const auto start = std::chrono::steady_clock::now();
    RunReport report = RunScenario(*scenario, options);
    result.duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.name = report.name;
    result.passed = report.passed;
    result.reason = report.reason;
    if (!outputs.dir.empty()) {
      // Two scenarios of one name get two pages.
      std::string page = ReportFileName(report.name);
      for (int n = 2; !pages.insert(page).second; ++n) {
        page = ReportFileName(report.name + "-" + std::to_string(n));
      }
      result.report_file = page;
      const auto writing = std::chrono::steady_clock::now();
      auto written = WriteScenarioReport(outputs.dir + "/" + page, *scenario, report, result);
      if (!written.ok()) std::cerr << "oss-scenario: " << written.error().message << std::endl;
      writing_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - writing).count();
    }
    results.push_back(result);
    std::cout << SummaryLine(report) << std::endl;
    if (verbose || !report.passed) {
      for (const auto& step : report.steps) {
        if (!step.outcome) continue;
        std::cout << "    step " << step.index + 1 << " " << StepKindName(step.step.kind) << ": "
                  << OutcomeName(*step.outcome);
        if (!step.error.empty()) std::cout << " (" << step.error << ")";
        std::cout << "\n";
      }
      for (const auto& e : report.journal) {
        if (!e.fault) continue;
        std::cout << "    fault " << ossup::faults::ActionTypeName(e.fault->action.type) << " on "
                  << ossup::protocol::OperationName(e.operation);
        if (e.part_number) std::cout << " part " << *e.part_number;
        std::cout << " (request " << e.sequence << ")\n";
      }
      std::cout << "    bytes re-sent (journal): " << report.bytes_resent << "\n";
    }
    if (!report.passed) ++failed;
  }
  if (!WriteRunOutputs(results, outputs)) return 2;
  if (!outputs.dir.empty()) {
    std::cout << "reports: " << pages.size() << " pages and index.html in " << outputs.dir << ", "
              << writing_seconds << " s rendering and writing them" << std::endl;
  }
  return failed == 0 ? 0 : 1;
}

/// What kind of failure a reason is: "property no-stored-part-resent", "check
/// maxBytesResent", "step", ...
std::string FailureKind(const std::string& reason) {
  if (reason.rfind("property ", 0) == 0) return reason.substr(0, reason.find(' ', 9));
  if (reason.rfind("check ", 0) == 0) return reason.substr(0, reason.find(':'));
  return reason.substr(0, reason.find(' '));
}

/// True when the case fails the same kind of way as `kind`.
bool FailsAlike(const CaseSpec& spec, const std::string& kind, const RunOptions& options) {
  RunReport report = RunScenario(BuildScenario(spec, "candidate"), options);
  return !report.passed && FailureKind(report.reason) == kind;
}

int Fuzz(uint64_t seed, uint64_t count, const std::string& out_dir, const std::string& dump_dir,
         const RunOptions& options) {
  std::cout << "oss-scenario fuzz: seed=" << seed << " count=" << count << std::endl;
  const auto start = std::chrono::steady_clock::now();
  int failed = 0;
  for (uint64_t i = 0; i < count; ++i) {
    ossup::faults::Rng rng(seed + i);
    CaseSpec spec = GenerateCase(rng);
    const std::string name = "fuzz-" + std::to_string(seed) + "-" + std::to_string(i);
    const Scenario scenario = BuildScenario(spec, name);
    if (!dump_dir.empty()) {
      std::filesystem::create_directories(dump_dir);
      (void)SaveScenarioFile(dump_dir + "/" + name + ".json", scenario);
    }
    RunReport report = RunScenario(scenario, options);
    if (report.passed) continue;
    ++failed;
    std::cout << "FAIL " << name << " (seed " << seed + i << "): " << report.reason << "\n"
              << "  case: " << DescribeCase(spec) << std::endl;
    const std::string kind = FailureKind(report.reason);
    CaseSpec shrunk = ShrinkCase(
        spec, [&](const CaseSpec& candidate) { return FailsAlike(candidate, kind, options); });
    Scenario minimal = BuildScenario(shrunk, name);
    RunReport again = RunScenario(minimal, options);
    if (again.passed) {
      std::cout << "  did not fail on replay (a race between parallel parts and a cancel?)\n";
    }
    minimal.description = "Found by oss-scenario fuzz --seed " + std::to_string(seed + i) +
                          " --count 1, shrunk. First failure: " + again.reason;
    std::cout << "  shrunk: " << DescribeCase(shrunk) << "\n  reason: " << again.reason << "\n";
    if (!out_dir.empty()) {
      std::filesystem::create_directories(out_dir);
      const std::string path = out_dir + "/" + name + ".json";
      auto saved = SaveScenarioFile(path, minimal);
      std::cout << "  wrote " << (saved.ok() ? path : saved.ToString())
                << "\n  replay: oss-scenario run " << path << std::endl;
      ScenarioResult result{name, false, again.reason, 0, "oss-scenario run " + path, ""};
      const std::string page = out_dir + "/" + name + ".html";
      auto written = WriteScenarioReport(page, minimal, again, result);
      std::cout << "  report: " << (written.ok() ? page : written.ToString()) << std::endl;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "oss-scenario fuzz: " << count << " cases, " << failed << " failed, " << seconds
            << " s (" << (seconds > 0 ? static_cast<double>(count) / seconds : 0.0) << " cases/s)"
            << std::endl;
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"Replay or fuzz resumable-upload scenarios against fake-oss"};
  app.require_subcommand(1);
  app.set_version_flag("--version", ossup::VersionLine("oss-scenario"));
  RunOptions options;

  auto* run = app.add_subcommand("run", "run scenario files");
  std::vector<std::string> files;
  bool verbose = false;
  run->add_option("files", files, "scenario JSON files")->required();
  run->add_option("--endpoint", options.endpoint,
                  "a running fake-oss (http://127.0.0.1:PORT); default: an in-process fake");
  run->add_option("--bucket", options.bucket, "bucket on the remote fake");
  run->add_option("--access-key-id", options.access_key_id, "remote fake's access key id");
  run->add_option("--access-key-secret", options.access_key_secret, "remote fake's secret");
  run->add_flag("--keep", options.keep_temp, "keep each run's temporary directory");
  run->add_flag("-v,--verbose", verbose, "print every step's outcome");
  ReportOutputs outputs;
  run->add_option("--report", outputs.dir,
                  "write one HTML report per scenario and index.html into this directory");
  run->add_option("--junit", outputs.junit, "write JUnit XML (one testcase per scenario) here");

  auto* fuzz = app.add_subcommand("fuzz", "run generated scenarios");
  uint64_t seed = 0;
  uint64_t count = 100;
  std::string out_dir;
  fuzz->add_option("--seed", seed, "first case seed")->required();
  fuzz->add_option("--count", count, "number of cases")->required();
  fuzz->add_option("--out", out_dir, "directory for failing (shrunk) scenarios");
  std::string dump_dir;
  fuzz->add_option("--dump", dump_dir, "also write every generated scenario here (unshrunk)");
  fuzz->add_option("--endpoint", options.endpoint, "a running fake-oss; default in-process");

  CLI11_PARSE(app, argc, argv);
  if (run->parsed()) return RunFiles(files, options, verbose, outputs);
  return Fuzz(seed, count, out_dir, dump_dir, options);
}
