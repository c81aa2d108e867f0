// report_fixture: writes the run reports that tests/report/report_chromium.sh opens in headless
// Chromium.
//
//   report_fixture SCENARIO_FILE OUT_DIR
//
// OUT_DIR/passing.html: SCENARIO_FILE (it must fire a fault and pass) run as it is.
// OUT_DIR/failing.html: the same scenario, with every property checked, run by a deliberately
// broken client: its checkpoint storage never removes a file, so it keeps its record after a
// successful upload, and the run must fail with the property success-removes-record.
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

/// The checkpoint record storage of a deliberately broken client: it never removes a file, so
/// the client keeps its record after a successful upload. Everything else is forwarded.
class NeverRemovingStorage final : public ossup::client::RecordStorage {
 public:
  explicit NeverRemovingStorage(std::shared_ptr<RecordStorage> inner) : inner_(std::move(inner)) {}
  ossup::protocol::StatusOr<Handle> Create(const std::string& path) override {
    return inner_->Create(path);
  }
  ossup::protocol::StatusOr<Handle> OpenForAppend(const std::string& path) override {
    return inner_->OpenForAppend(path);
  }
  ossup::protocol::Status Write(Handle handle, std::string_view data) override {
    return inner_->Write(handle, data);
  }
  ossup::protocol::Status Sync(Handle handle) override { return inner_->Sync(handle); }
  void Close(Handle handle) override { inner_->Close(handle); }
  ossup::protocol::StatusOr<bool> Linked(Handle handle) override { return inner_->Linked(handle); }
  ossup::protocol::Status Rename(const std::string& from, const std::string& to) override {
    return inner_->Rename(from, to);
  }
  ossup::protocol::Status SyncDirectory(const std::string& directory) override {
    return inner_->SyncDirectory(directory);
  }
  void Remove(const std::string&) override {}  // the bug

 private:
  std::shared_ptr<RecordStorage> inner_;
};

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
  // The same scenario, checked by every property, run by the broken client.
  Scenario broken_scenario = *scenario;
  broken_scenario.checks.properties = true;
  RunOptions broken_options;
  broken_options.wrap_client_record_storage = [](auto inner) {
    return std::make_shared<NeverRemovingStorage>(std::move(inner));
  };
  RunReport failing = RunScenario(broken_scenario, broken_options);
  failing.name += "-broken-client";
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
