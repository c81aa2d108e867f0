// RenderScenarioReport (ossup/scenarios/report.h): the page of one scenario run.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "ossup/fake/control_codec.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/xml_escape.h"
#include "ossup/scenarios/codec.h"
#include "ossup/scenarios/properties.h"
#include "ossup/scenarios/report.h"
#include "report_assets.h"

namespace ossup::scenarios {
namespace {

using nlohmann::json;
using protocol::XmlEscape;

std::string StepName(const StepRecord& step) {
  return "step " + std::to_string(step.index + 1) + " (" +
         std::string(StepKindName(step.step.kind)) + ")";
}

/// The steps some verdict or property failed at.
std::set<std::string> FailingPlaces(const RunReport& report,
                                    const std::vector<Violation>& violations) {
  std::set<std::string> places;
  for (const auto& v : report.verdicts) {
    if (!v.ok) places.insert(v.what);
  }
  for (const auto& v : violations) places.insert(v.where);
  return places;
}

/// The timeline's model (fake-oss/ui/timeline.js): journal entries, client events, steps.
json TimelineModel(const RunReport& report, const std::set<std::string>& failing) {
  const size_t skipped_entries =
      report.journal.size() > kMaxReportEntries ? report.journal.size() - kMaxReportEntries : 0;
  const std::vector<fake::JournalEntry> entries(report.journal.begin() + skipped_entries,
                                                report.journal.end());
  uint64_t arrivals = 0;
  for (const auto& e : report.journal) arrivals = std::max(arrivals, e.arrival);
  json model;
  model["entries"] = json::parse(fake::control::EncodeJournal({arrivals, entries}))["entries"];
  model["truncated"] = skipped_entries;
  // The latest events, progress ticks dropped first when there are too many.
  std::vector<const ClientEvent*> kept;
  const bool thin = report.events.size() > kMaxReportEntries;
  for (const auto& e : report.events) {
    if (!thin || e.kind != ClientEvent::Kind::kProgress) kept.push_back(&e);
  }
  if (kept.size() > kMaxReportEntries) kept.erase(kept.begin(), kept.end() - kMaxReportEntries);
  json events = json::array();
  for (const ClientEvent* e : kept) {
    json event = {{"us", e->at_us},
                  {"step", nullptr},
                  {"kind", std::string(ClientEventKindName(e->kind))},
                  {"text", e->text}};
    if (e->step) {
      event["step"] = *e->step;
      if (e->kind == ClientEvent::Kind::kStepEnd && *e->step < report.steps.size()) {
        event["failing"] = failing.count(StepName(report.steps[*e->step])) > 0;
      }
    }
    events.push_back(std::move(event));
  }
  model["events"] = std::move(events);
  json steps = json::array();
  for (const auto& s : report.steps) {
    steps.push_back({{"index", s.index},
                     {"name", std::string(StepKindName(s.step.kind))},
                     {"server", !IsClientStep(s.step.kind)},
                     {"startUs", s.started_us},
                     {"endUs", s.ended_us},
                     {"arrivalBegin", s.arrival_begin},
                     {"arrivalEnd", s.arrival_end}});
  }
  model["steps"] = std::move(steps);
  return model;
}

/// JSON text safe inside <script type="application/json">: every '<' (only ever inside a
/// string) becomes \u003c, so no "</script>" or "<!--" can end or bend the element.
std::string ScriptSafeJson(const json& j) {
  const std::string text = j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string PropertiesTable(const Scenario& scenario, const std::vector<Violation>& violations) {
  std::string html =
      "<p>" +
      std::string(scenario.checks.properties
                      ? "This scenario checks every named property (checks.properties)."
                      : "This scenario does not check the named properties "
                        "(checks.properties is off); they are evaluated here for "
                        "the reader and do not change the verdict.") +
      "</p><table><thead><tr><th>property</th><th>holds</th><th>where it "
      "broke</th><th>what was seen</th></tr></thead><tbody>";
  for (const auto& name : PropertyNames()) {
    std::vector<const Violation*> mine;
    for (const auto& v : violations) {
      if (v.property == name) mine.push_back(&v);
    }
    if (mine.empty()) {
      html += "<tr><td>" + XmlEscape(name) +
              "</td><td class=\"status-ok\">yes</td><td></td><td></td></tr>";
    }
    for (const Violation* v : mine) {
      html += "<tr class=\"failing\"><td>" + XmlEscape(name) +
              "</td><td class=\"status-error\">no</td><td>" + XmlEscape(v->where) + "</td><td>" +
              XmlEscape(v->message) + "</td></tr>";
    }
  }
  return html + "</tbody></table>";
}

std::string VerdictsTable(const RunReport& report) {
  std::string html =
      "<table><thead><tr><th>verdict</th><th>ok</th><th>reason</th></tr></thead><tbody>";
  for (const auto& v : report.verdicts) {
    html += std::string(v.ok ? "<tr>" : "<tr class=\"failing\">") + "<td>" + XmlEscape(v.what) +
            "</td><td>" + (v.ok ? "yes" : "no") + "</td><td>" + XmlEscape(v.reason) + "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string StepsTable(const RunReport& report, const std::set<std::string>& failing) {
  std::string html =
      "<table><thead><tr><th>step</th><th>expected</th><th>outcome</th><th>parts sent / kept / "
      "all</th><th>record before / after</th><th>requests (arrivals)</th><th>ms</th><th>error</th>"
      "</tr></thead><tbody>";
  for (const auto& s : report.steps) {
    std::string expected;
    for (Outcome o : s.step.expect)
      expected += (expected.empty() ? "" : " or ") + std::string(OutcomeName(o));
    const std::string name = StepName(s);
    html += std::string(failing.count(name) ? "<tr class=\"failing\">" : "<tr>") + "<td>" +
            XmlEscape(name) + "</td><td>" + XmlEscape(expected) + "</td><td>" +
            (s.outcome ? XmlEscape(OutcomeName(*s.outcome)) : "") + "</td><td>" +
            (s.outcome == Outcome::kSucceeds
                 ? std::to_string(s.parts_uploaded) + " / " + std::to_string(s.parts_skipped) +
                       " / " + std::to_string(s.parts_total)
                 : "") +
            "</td><td>" + (s.record_before ? "yes" : "no") + " / " +
            (s.record_after ? "yes" : "no") + "</td><td>" + std::to_string(s.arrival_begin + 1) +
            "-" + std::to_string(s.arrival_end) + "</td><td>" +
            std::to_string((s.ended_us - s.started_us) / 1000) + "</td><td>" + XmlEscape(s.error) +
            "</td></tr>";
  }
  return html + "</tbody></table>";
}

}  // namespace

std::string RenderScenarioReport(const Scenario& scenario, const RunReport& report,
                                 const ScenarioResult& result) {
  const std::vector<Violation> violations = CheckProperties(scenario, report);
  const std::set<std::string> failing = FailingPlaces(report, violations);
  int fired = 0;
  for (const auto& e : report.journal) fired += e.fault ? 1 : 0;
  const std::string verdict = report.passed ? "PASS" : "FAIL";
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                     verdict + " " + XmlEscape(report.name) + "</title><style>" +
                     std::string(assets::kTimelineCss) + "</style></head><body>\n";
  html += "<h1><span class=\"verdict-" + std::string(report.passed ? "pass" : "fail") + "\">" +
          verdict + "</span> " + XmlEscape(report.name) + "</h1>\n";
  if (!scenario.description.empty()) html += "<p>" + XmlEscape(scenario.description) + "</p>\n";
  if (!report.passed) {
    html += "<p class=\"failing\">First failure: <b>" + XmlEscape(report.reason) + "</b></p>\n";
  }
  html += "<p>Replay: <code class=\"replay\">" + XmlEscape(result.replay_command) + "</code></p>\n";
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", result.duration_seconds);
  html += "<p>" + std::string(duration) + " s; " + std::to_string(report.journal.size()) +
          " requests; " + std::to_string(fired) + " fault(s) fired; " +
          std::to_string(report.bytes_resent) + " bytes re-sent (journal); " +
          std::to_string(report.uploads_left.size()) + " upload(s) left; record " +
          (report.record_exists ? "left" : "gone") + "; object " +
          (report.object_exists
               ? (report.object_equals_file ? "equals the file"
                                            : "differs: " + XmlEscape(report.object_problem))
               : "absent") +
          "</p>\n";
  html +=
      "<h2>Timeline</h2>\n<div id=\"timeline\"><noscript>The timeline needs "
      "JavaScript.</noscript></div>\n";
  html += "<h2>Properties</h2>\n" + PropertiesTable(scenario, violations) + "\n";
  html += "<h2>Verdicts</h2>\n" + VerdictsTable(report) + "\n";
  html += "<h2>Steps</h2>\n" + StepsTable(report, failing) + "\n";
  html += "<h2>Scenario</h2>\n<pre>" + XmlEscape(ScenarioToJson(scenario)) + "</pre>\n";
  html += "<script type=\"application/json\" id=\"timeline-model\">" +
          ScriptSafeJson(TimelineModel(report, failing)) + "</script>\n<script>" +
          std::string(assets::kTimelineJs) +
          "</script>\n<script>OssupTimeline.render(document.getElementById(\"timeline\"), "
          "JSON.parse(document.getElementById(\"timeline-model\").textContent));</script>\n";
  return html + "</body></html>\n";
}

protocol::Status WriteScenarioReport(const std::string& path, const Scenario& scenario,
                                     const RunReport& report, const ScenarioResult& result) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << RenderScenarioReport(scenario, report, result);
  out.close();
  if (!out) return protocol::MakeError(protocol::client_codes::kIoError, "cannot write " + path);
  return {};
}

std::string ReportFileName(const std::string& scenario_name) {
  std::string name = scenario_name.empty() ? "scenario" : scenario_name;
  for (char& c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '-';
    if (!plain) c = '_';
  }
  return name + ".html";
}

}  // namespace ossup::scenarios
