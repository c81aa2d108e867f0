// Run reports (report.h): the scenario page of a real run, the index and JUnit. How a page
// looks once its script ran in a browser is tests/report/report_chromium.sh.
#include "ossup/scenarios/report.h"

#include <gtest/gtest.h>

#include "ossup/scenarios/properties.h"

namespace ossup::scenarios {
namespace {

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

/// A multipart upload whose part 2 is reset after 1000 bytes, then retried.
Scenario ResetScenario(const std::string& name) {
  Scenario s;
  s.name = name;
  s.file = {300 * 1024, 7};
  faults::Rule rule;
  rule.match.operation = protocol::Operation::kUploadPart;
  rule.match.part_number = 2;
  rule.action.type = faults::ActionType::kReset;
  rule.action.after_bytes = 1000;
  Step upload;
  upload.kind = StepKind::kUpload;
  upload.expect = {Outcome::kSucceeds};
  upload.faults = faults::Plan{0, faults::Scope::kGlobal, {rule}};
  s.steps = {upload};
  s.checks.properties = true;
  return s;
}

TEST(ReportTest, AScenarioPageHoldsTheRunTheReplayAndEveryProperty) {
  // A name and description with markup in them must come out as text, and must not end the
  // page's JSON script element.
  Scenario scenario = ResetScenario("reset</script><b>");
  scenario.description = "<script>alert(1)</script>";
  RunReport report = RunScenario(scenario);
  ASSERT_TRUE(report.passed) << report.reason;
  const std::string page = RenderScenarioReport(
      scenario, report, {report.name, true, "", 0.5, "oss-scenario run x.json", ""});
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("oss-scenario run x.json"), std::string::npos);
  EXPECT_NE(page.find("class=\"verdict-pass\">PASS"), std::string::npos);
  for (const auto& name : PropertyNames()) {
    EXPECT_NE(page.find("<td>" + name + "</td><td class=\"status-ok\">yes"), std::string::npos)
        << name;
  }
  // Three script elements (model, renderer, call); markup from the scenario never opens or
  // closes one.
  EXPECT_EQ(Count(page, "<script"), 3u);
  EXPECT_EQ(Count(page, "</script>"), 3u);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  // The timeline's model carries the journal with the fault and real times, and the client's
  // events: the checkpoint writes and the verdict.
  EXPECT_NE(page.find("\"action\":\"reset\",\"afterBytes\":1000"), std::string::npos);
  EXPECT_NE(page.find("\"latencyUs\":"), std::string::npos);
  EXPECT_NE(page.find("\"kind\":\"checkpoint-write\""), std::string::npos);
  EXPECT_NE(page.find("\"kind\":\"verdict\",\"step\":null,\"text\":\"PASS\""), std::string::npos);
}

TEST(ReportTest, ARunRecordsClientEventsOnTheJournalsClock) {
  RunReport report = RunScenario(ResetScenario("events"));
  ASSERT_TRUE(report.passed) << report.reason;
  ASSERT_FALSE(report.events.empty());
  EXPECT_EQ(report.events.front().kind, ClientEvent::Kind::kStepStart);
  EXPECT_EQ(report.events.back().kind, ClientEvent::Kind::kVerdict);
  int checkpoints = 0;
  for (const auto& e : report.events) {
    checkpoints += e.kind == ClientEvent::Kind::kCheckpointWrite ? 1 : 0;
  }
  EXPECT_GE(checkpoints, 3);  // the record's header, then a line per part
  // Every request of the step lies within the step's time span.
  const StepRecord& step = report.steps.at(0);
  for (const auto& e : report.journal) {
    if (e.arrival <= step.arrival_begin || e.arrival > step.arrival_end) continue;
    EXPECT_GE(e.arrived_us, step.started_us) << protocol::OperationName(e.operation);
    EXPECT_LE(e.arrived_us + e.latency_us, step.ended_us) << protocol::OperationName(e.operation);
  }
}

TEST(ReportTest, TheIndexLinksEveryPageAndJunitHasOneCasePerScenario) {
  const std::vector<ScenarioResult> results = {
      {"a", true, "", 0.25, "oss-scenario run a.json", "a.html"},
      {"b<&>", false, "step 1 (upload): expected \"succeeds\"", 1.5, "oss-scenario run b.json",
       "b.html"},
  };
  const std::string index = RenderReportIndex(results, "run");
  EXPECT_NE(index.find("<a href=\"a.html\">a</a>"), std::string::npos);
  EXPECT_NE(index.find("<a href=\"b.html\">b&lt;&amp;&gt;</a>"), std::string::npos);
  EXPECT_NE(index.find("2 scenario(s), 1 failed"), std::string::npos);

  const std::string xml = RenderJunitXml(results, "suite");
  EXPECT_NE(xml.find("<testsuite name=\"suite\" tests=\"2\" failures=\"1\""), std::string::npos);
  EXPECT_EQ(Count(xml, "<testcase "), 2u);
  EXPECT_EQ(Count(xml, "<failure "), 1u);
  EXPECT_NE(xml.find("name=\"b&lt;&amp;&gt;\" time=\"1.500\""), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"step 1 (upload): expected &quot;succeeds&quot;\">"),
            std::string::npos);
  EXPECT_NE(xml.find("replay: oss-scenario run b.json"), std::string::npos);
  EXPECT_NE(xml.find("[[ATTACHMENT|b.html]]"), std::string::npos);
}

TEST(ReportTest, FileNamesKeepOnlyPortableCharacters) {
  EXPECT_EQ(ReportFileName("kill-at-first-part.v2_x"), "kill-at-first-part.v2_x.html");
  EXPECT_EQ(ReportFileName("UploadProperties.Hold/3 <x>"), "UploadProperties.Hold_3__x_.html");
  EXPECT_EQ(ReportFileName(""), "scenario.html");
}

}  // namespace
}  // namespace ossup::scenarios
