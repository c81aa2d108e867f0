// The live page /_fake/ui: one self-contained HTML page (the shared timeline inlined, no
// external asset) behind the control API's access rule, and the bucket list it polls.
// Its rendering in a browser is tests/report/ui_chromium.sh.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

const std::string kTokenHeader(kControlTokenHeader);

TestResponse Get(TestClient& client, const std::string& path,
                 std::optional<std::string> token = std::nullopt) {
  protocol::Headers headers;
  if (token) headers.emplace_back(kTokenHeader, *token);
  return client.SendRaw("GET", path, headers, "");
}

class UiPageTest : public FakeOssTest {};

TEST_F(UiPageTest, ThePageIsSelfContainedWithTheTimelineInlined) {
  auto page = Get(client(), "/_fake/ui");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.body.rfind("<!DOCTYPE html>", 0), 0u);
  // The shared renderer and its style are inside the page; the placeholders are gone.
  EXPECT_NE(page.body.find("var OssupTimeline"), std::string::npos);
  EXPECT_NE(page.body.find(".fault-marker"), std::string::npos);
  EXPECT_EQ(page.body.find("/*OSSUP_TIMELINE"), std::string::npos);
  // Nothing is fetched from elsewhere: no src= attribute, the one href= is the inline icon
  // (data:), and no http(s) URL but SVG's namespace name.
  EXPECT_EQ(page.body.find(" src="), std::string::npos);
  const size_t href = page.body.find(" href=");
  ASSERT_NE(href, std::string::npos);
  EXPECT_EQ(page.body.compare(href, 14, " href=\"data:,\""), 0);
  EXPECT_EQ(page.body.find(" href=", href + 1), std::string::npos);
  std::string rest = page.body;
  for (size_t at; (at = rest.find("http://www.w3.org/2000/svg")) != std::string::npos;) {
    rest.erase(at, 26);
  }
  EXPECT_EQ(rest.find("http://"), std::string::npos);
  EXPECT_EQ(rest.find("https://"), std::string::npos);
}

TEST_F(UiPageTest, TheBucketListNamesEveryBucket) {
  ServerOptions options = DefaultOptions();
  options.buckets.push_back("second-bucket");
  StartServer(options);
  auto reply = Get(client(), "/_fake/ui/buckets");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto names = nlohmann::json::parse(reply.body).at("buckets");
  EXPECT_EQ(names, nlohmann::json::array({"bkt", "second-bucket"}));
}

TEST_F(UiPageTest, OtherPathsAndMethodsAreRefused) {
  EXPECT_EQ(Get(client(), "/_fake/ui/nothing").status, 404);
  EXPECT_EQ(client().SendRaw("POST", "/_fake/ui", {}, "").status, 404);
}

TEST_F(UiPageTest, ThePageAndItsDataNeedTheControlToken) {
  ServerOptions options = DefaultOptions();
  options.control_token = "ui-token";
  StartServer(options);
  for (const std::string path : {"/_fake/ui", "/_fake/ui/buckets"}) {
    EXPECT_EQ(Get(client(), path).status, 401) << path;
    EXPECT_EQ(Get(client(), path, "wrong-token").status, 403) << path;
    EXPECT_EQ(Get(client(), path, "ui-token").status, 200) << path;
  }
}

TEST_F(UiPageTest, TheJournalCarriesWhenEachRequestArrivedAndItsLatency) {
  const std::string upload_id = client().Initiate("bkt", "timed");
  ASSERT_EQ(client().UploadPart("bkt", "timed", upload_id, 1, std::string(1000, 'x')).status, 200);
  auto journal = nlohmann::json::parse(Get(client(), "/_fake/journal").body).at("entries");
  ASSERT_EQ(journal.size(), 2u);
  for (const auto& e : journal) {
    EXPECT_GT(e.at("arrivedUs").get<int64_t>(), 0) << e;
    EXPECT_GE(e.at("latencyUs").get<int64_t>(), 0) << e;
  }
  EXPECT_LE(journal[0].at("arrivedUs").get<int64_t>() + journal[0].at("latencyUs").get<int64_t>(),
            journal[1].at("arrivedUs").get<int64_t>());
}

}  // namespace
}  // namespace ossup::fake::testing
