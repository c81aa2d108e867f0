// Symlinks over real HTTP: PutSymlink and GetSymlink, GET and HEAD reading through a link,
// and what happens when the target is missing or is itself a link.
#include <gtest/gtest.h>

#include "ossup/protocol/addressing.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

class SymlinkTest : public FakeOssTest {
 protected:
  TestResponse PutLink(const std::string& link, const std::string& target,
                       protocol::Headers headers = {}) {
    headers.emplace_back("x-oss-symlink-target", protocol::UriEncode(target, false));
    return client().Send("PUT", "bkt", link, {{"symlink", ""}}, std::move(headers));
  }
  TestResponse GetLink(const std::string& link) {
    return client().Send("GET", "bkt", link, {{"symlink", ""}});
  }
};

TEST_F(SymlinkTest, PutSymlinkAndGetSymlink) {
  const std::string target = "dir/t a+ü.txt";
  auto put = PutLink("link", target);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_FALSE(put.Header("ETag").empty());
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kPutSymlink);
  // The target need not exist.
  auto got = GetLink("link");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kGetSymlink);
  EXPECT_EQ(protocol::UriDecode(got.Header("x-oss-symlink-target")), target);
  EXPECT_EQ(got.Header("ETag"), put.Header("ETag"));
  EXPECT_FALSE(got.Header("Last-Modified").empty());
  EXPECT_TRUE(got.body.empty());
}

TEST_F(SymlinkTest, GetAndHeadReadThroughTheLink) {
  ASSERT_EQ(client()
                .Put("bkt", "target", "target bytes",
                     {{"Content-Type", "text/plain"}, {"x-oss-meta-side", "target"}})
                .status,
            200);
  const auto target = client().Get("bkt", "target");
  server().AdvanceClock(std::chrono::seconds(10));
  ASSERT_EQ(PutLink("link", "target",
                    {{"Content-Type", "application/x-link"}, {"x-oss-meta-side", "link"}})
                .status,
            200);
  const auto link = GetLink("link");
  for (const char* method : {"GET", "HEAD"}) {
    auto got = client().Send(method, "bkt", "link");
    ASSERT_EQ(got.status, 200) << method << got.body;
    if (std::string(method) == "GET") {
      EXPECT_EQ(got.body, "target bytes");
    }
    EXPECT_EQ(got.Header("x-oss-object-type"), "Symlink") << method;
    EXPECT_EQ(got.Header("Content-Length"), "12") << method;
    // Size, ETag, CRC64 and Content-MD5 are the target's; Last-Modified is the later of the two;
    // the other metadata is the link's.
    EXPECT_EQ(got.Header("ETag"), target.Header("ETag")) << method;
    EXPECT_EQ(got.Header("Content-MD5"), target.Header("Content-MD5")) << method;
    EXPECT_EQ(got.Header("x-oss-hash-crc64ecma"), target.Header("x-oss-hash-crc64ecma"));
    EXPECT_EQ(got.Header("Last-Modified"), link.Header("Last-Modified")) << method;
    EXPECT_NE(got.Header("Last-Modified"), target.Header("Last-Modified")) << method;
    EXPECT_EQ(got.Header("Content-Type"), "application/x-link") << method;
    EXPECT_EQ(got.Header("x-oss-meta-side"), "link") << method;
  }
  // Rewriting the target later moves Last-Modified past the link's.
  server().AdvanceClock(std::chrono::seconds(10));
  ASSERT_EQ(client().Put("bkt", "target", "new bytes").status, 200);
  auto after = client().Get("bkt", "link");
  EXPECT_EQ(after.body, "new bytes");
  EXPECT_EQ(after.Header("Last-Modified"), client().Get("bkt", "target").Header("Last-Modified"));
  EXPECT_EQ(client().Get("bkt", "link", {{"Range", "bytes=0-2"}}).body, "new");
}

TEST_F(SymlinkTest, AMissingTargetIsSymlinkTargetNotExist) {
  ASSERT_EQ(PutLink("dangling", "nothing").status, 200);
  auto get = client().Get("bkt", "dangling");
  EXPECT_EQ(get.status, 404);
  EXPECT_EQ(get.ErrorCode(), "SymlinkTargetNotExist");
  EXPECT_EQ(get.Header("x-oss-ec"), "0026-00000012");
  auto head = client().Send("HEAD", "bkt", "dangling");
  EXPECT_EQ(head.status, 404);
  EXPECT_EQ(head.ErrorCode(), "SymlinkTargetNotExist");
  EXPECT_EQ(GetLink("dangling").status, 200);  // the link itself exists
  // Creating the target makes the link readable.
  ASSERT_EQ(client().Put("bkt", "nothing", "now").status, 200);
  EXPECT_EQ(client().Get("bkt", "dangling").body, "now");
}

TEST_F(SymlinkTest, ALinkToALinkIsNotFollowed) {
  ASSERT_EQ(client().Put("bkt", "data", "x").status, 200);
  ASSERT_EQ(PutLink("first", "data").status, 200);
  ASSERT_EQ(PutLink("second", "first").status, 200);
  auto got = client().Get("bkt", "second");
  EXPECT_EQ(got.status, 400);
  EXPECT_EQ(got.ErrorCode(), "InvalidTargetType");
  EXPECT_EQ(client().Get("bkt", "first").body, "x");
}

TEST_F(SymlinkTest, GetSymlinkErrors) {
  EXPECT_EQ(GetLink("missing").status, 404);
  EXPECT_EQ(GetLink("missing").ErrorCode(), "NoSuchKey");
  ASSERT_EQ(client().Put("bkt", "plain", "x").status, 200);
  auto not_link = GetLink("plain");
  EXPECT_EQ(not_link.status, 400);
  EXPECT_EQ(not_link.ErrorCode(), "NotSymlink");
  EXPECT_EQ(not_link.Header("x-oss-ec"), "0043-00000101");
}

TEST_F(SymlinkTest, PutSymlinkErrorsAndOverwrite) {
  auto no_target = client().Send("PUT", "bkt", "link", {{"symlink", ""}});
  EXPECT_EQ(no_target.status, 400);
  EXPECT_EQ(no_target.ErrorCode(), "InvalidArgument");
  EXPECT_EQ(no_target.Header("x-oss-ec"), "0043-00000001");
  EXPECT_EQ(PutLink("link", "t", {{"x-oss-storage-class", "Frozen"}}).ErrorCode(),
            "InvalidArgument");
  EXPECT_EQ(PutLink("link", "t", {{"x-oss-object-acl", "open"}}).ErrorCode(), "InvalidArgument");
  EXPECT_EQ(GetLink("link").ErrorCode(), "NoSuchKey");

  ASSERT_EQ(client().Put("bkt", "taken", "x").status, 200);
  auto forbidden = PutLink("taken", "t", {{"x-oss-forbid-overwrite", "true"}});
  EXPECT_EQ(forbidden.status, 409);
  EXPECT_EQ(forbidden.ErrorCode(), "FileAlreadyExists");
  EXPECT_EQ(client().Get("bkt", "taken").body, "x");
  // Without the header a link replaces the object, and a PUT replaces the link.
  ASSERT_EQ(PutLink("taken", "t").status, 200);
  EXPECT_EQ(GetLink("taken").status, 200);
  ASSERT_EQ(client().Put("bkt", "taken", "y").status, 200);
  EXPECT_EQ(GetLink("taken").ErrorCode(), "NotSymlink");
}

TEST_F(SymlinkTest, LinkAclMetadataAndStorageClassAreKept) {
  ASSERT_EQ(PutLink("link", "t",
                    {{"x-oss-object-acl", "public-read"},
                     {"x-oss-storage-class", "IA"},
                     {"x-oss-meta-a", "b"}})
                .status,
            200);
  EXPECT_NE(client().Send("GET", "bkt", "link", {{"acl", ""}}).body.find("public-read"),
            std::string::npos);
  ASSERT_EQ(client().Put("bkt", "t", "x").status, 200);
  auto head = client().Send("HEAD", "bkt", "link");
  EXPECT_EQ(head.Header("x-oss-meta-a"), "b");
  // Storage class is the data's, so the target's.
  EXPECT_EQ(head.Header("x-oss-storage-class"), "Standard");
  auto list = protocol::DecodeListObjectsResult(client().Send("GET", "bkt", "").body);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->contents.size(), 2u);
  EXPECT_EQ(list->contents[0].key, "link");
  EXPECT_EQ(list->contents[0].type, "Symlink");
  EXPECT_EQ(list->contents[0].size, 0u);
  EXPECT_EQ(list->contents[0].storage_class, "IA");
}

TEST_F(SymlinkTest, DeleteRemovesTheLinkOnly) {
  ASSERT_EQ(client().Put("bkt", "t", "data").status, 200);
  ASSERT_EQ(PutLink("link", "t").status, 200);
  ASSERT_EQ(client().Send("DELETE", "bkt", "link").status, 204);
  EXPECT_EQ(GetLink("link").ErrorCode(), "NoSuchKey");
  EXPECT_EQ(client().Get("bkt", "link").ErrorCode(), "NoSuchKey");
  EXPECT_EQ(client().Get("bkt", "t").body, "data");
}

}  // namespace
}  // namespace ossup::fake::testing
