#include "control/ui_page.h"

#include <nlohmann/json.hpp>
#include <string_view>

#include "journal/json_bytes.h"
#include "ui_assets.h"

namespace ossup::fake {
namespace {

/// live.html with each placeholder replaced by the asset it names.
std::string BuildPage() {
  std::string page(ui::kLivePageHtml);
  const std::pair<std::string_view, std::string_view> kInlined[] = {
      {"/*OSSUP_TIMELINE_CSS*/", ui::kTimelineCss},
      {"/*OSSUP_TIMELINE_JS*/", ui::kTimelineJs},
  };
  for (const auto& [placeholder, text] : kInlined) {
    const size_t at = page.find(placeholder);
    if (at != std::string::npos) page.replace(at, placeholder.size(), text);
  }
  return page;
}

void Answer(Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(DumpJson(body), "application/json");
}

}  // namespace

bool IsUiPath(const std::string& path) {
  return path == "/_fake/ui" || path.rfind("/_fake/ui/", 0) == 0;
}

void ServeUi(const Server& server, const std::string& method, const std::string& path,
             Response& res) {
  if (method != "GET") return Answer(res, 404, {{"error", "no such control endpoint"}});
  if (path == "/_fake/ui" || path == "/_fake/ui/") {
    static const std::string kPage = BuildPage();
    res.status = 200;
    res.set_header("Cache-Control", "no-store");
    res.set_content(kPage, "text/html; charset=utf-8");
    return;
  }
  if (path == "/_fake/ui/buckets") {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& name : server.ListBucketNames()) names.push_back(name);
    return Answer(res, 200, {{"buckets", names}});
  }
  Answer(res, 404, {{"error", "no such page under /_fake/ui"}});
}

}  // namespace ossup::fake
