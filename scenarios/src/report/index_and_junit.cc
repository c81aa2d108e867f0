// RenderReportIndex and RenderJunitXml (ossup/scenarios/report.h).
#include <cstdio>

#include "ossup/protocol/xml_escape.h"
#include "ossup/scenarios/report.h"
#include "report_assets.h"

namespace ossup::scenarios {
namespace {

using protocol::XmlEscape;

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  return text;
}

struct RunTotals {
  int failed = 0;
  double seconds = 0;
};

RunTotals Totals(const std::vector<ScenarioResult>& results) {
  RunTotals totals;
  for (const auto& r : results) {
    totals.failed += r.passed ? 0 : 1;
    totals.seconds += r.duration_seconds;
  }
  return totals;
}

}  // namespace

std::string RenderReportIndex(const std::vector<ScenarioResult>& results,
                              const std::string& title) {
  const auto [failed, total] = Totals(results);
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                     XmlEscape(title) + "</title><style>" + std::string(assets::kTimelineCss) +
                     "</style></head><body>\n<h1>" + XmlEscape(title) + "</h1>\n<p>" +
                     std::to_string(results.size()) + " scenario(s), " + std::to_string(failed) +
                     " failed, " + Seconds(total) +
                     " s</p>\n<table><thead><tr><th>scenario</th><th>verdict</th><th>s</th>"
                     "<th>first failure</th><th>replay</th></tr></thead><tbody>\n";
  for (const auto& r : results) {
    const std::string name = r.report_file.empty() ? XmlEscape(r.name)
                                                   : "<a href=\"" + XmlEscape(r.report_file) +
                                                         "\">" + XmlEscape(r.name) + "</a>";
    html += std::string(r.passed ? "<tr>" : "<tr class=\"failing\">") + "<td>" + name +
            "</td><td><span class=\"verdict-" + (r.passed ? "pass\">PASS" : "fail\">FAIL") +
            "</span></td><td>" + Seconds(r.duration_seconds) + "</td><td>" + XmlEscape(r.reason) +
            "</td><td><code>" + XmlEscape(r.replay_command) + "</code></td></tr>\n";
  }
  return html + "</tbody></table>\n</body></html>\n";
}

std::string RenderJunitXml(const std::vector<ScenarioResult>& results, const std::string& suite) {
  const auto [failed, total] = Totals(results);
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"" +
                    XmlEscape(suite) + "\" tests=\"" + std::to_string(results.size()) +
                    "\" failures=\"" + std::to_string(failed) + "\" errors=\"0\" time=\"" +
                    Seconds(total) + "\">\n";
  for (const auto& r : results) {
    xml += "  <testcase classname=\"" + XmlEscape(suite) + "\" name=\"" + XmlEscape(r.name) +
           "\" time=\"" + Seconds(r.duration_seconds) + "\">\n";
    if (!r.passed) {
      xml += "    <failure message=\"" + XmlEscape(r.reason) + "\">" + XmlEscape(r.reason) +
             "\nreplay: " + XmlEscape(r.replay_command) + "</failure>\n";
    }
    xml += "    <system-out>replay: " + XmlEscape(r.replay_command);
    if (!r.report_file.empty()) {
      // The attachment line is how Jenkins and GitLab attach a file to a test case.
      xml += "\nreport: " + XmlEscape(r.report_file) + "\n[[ATTACHMENT|" +
             XmlEscape(r.report_file) + "]]";
    }
    xml += "</system-out>\n  </testcase>\n";
  }
  return xml + "</testsuite>\n</testsuites>\n";
}

}  // namespace ossup::scenarios
