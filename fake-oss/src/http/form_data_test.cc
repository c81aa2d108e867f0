// FormDataParser on bodies fed in every chunking, and FormDataBoundary.
#include "http/form_data.h"

#include <gtest/gtest.h>

namespace ossup::fake {
namespace {

struct Parsed {
  bool ok = false;
  FormDataParser::Failure failure = FormDataParser::Failure::kNone;
  std::vector<std::pair<std::string, std::string>> fields;
  std::optional<FormDataParser::File> file;
  std::string file_bytes;
};

// Feeds `body` in chunks of `chunk` bytes.
Parsed Parse(const std::string& body, size_t chunk, size_t max_field = 4096) {
  Parsed out;
  FormDataParser parser(
      "XyZ", [&](const char* d, size_t n) { return out.file_bytes.append(d, n), true; }, max_field);
  bool fed = true;
  for (size_t at = 0; at < body.size() && fed; at += chunk) {
    fed = parser.Feed(body.data() + at, std::min(chunk, body.size() - at));
  }
  out.ok = fed && parser.Finish();
  out.failure = parser.failure();
  out.fields = parser.fields();
  out.file = parser.file();
  return out;
}

// A file whose bytes hold near-delimiters: CRLF--XyZ would end it; these must not.
const std::string kTrickyFile = "a\r\n--XyAb\r\n-\r\n--X\r\r\n--Xy";
const std::string kBody =
    "preamble\r\n"
    "--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nuser/${filename}\r\n"
    "--XyZ\r\ncontent-disposition: form-data; name=\"Policy\"\r\n\r\n\r\n"
    "--XyZ  \r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".txt\"\r\n"
    "Content-Type: text/plain\r\n\r\n" +
    kTrickyFile +
    "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"submit\"\r\n\r\nUpload\r\n"
    "--XyZ--\r\nepilogue";

TEST(FormDataParser, EveryChunkingGivesTheSameFields) {
  for (size_t chunk = 1; chunk <= kBody.size(); ++chunk) {
    Parsed p = Parse(kBody, chunk);
    ASSERT_TRUE(p.ok) << "chunk " << chunk;
    ASSERT_EQ(p.fields.size(), 2u) << "chunk " << chunk;  // `submit` after the file is dropped
    EXPECT_EQ(p.fields[0], (std::pair<std::string, std::string>("key", "user/${filename}")));
    EXPECT_EQ(p.fields[1], (std::pair<std::string, std::string>("Policy", "")));
    ASSERT_TRUE(p.file);
    EXPECT_EQ(p.file->filename, "a \"b\".txt");
    EXPECT_EQ(p.file->content_type, "text/plain");
    EXPECT_EQ(p.file->size, kTrickyFile.size());
    EXPECT_EQ(p.file_bytes, kTrickyFile) << "chunk " << chunk;
  }
}

TEST(FormDataParser, FieldLookupIgnoresCase) {
  FormDataParser parser(
      "XyZ", [](const char*, size_t) { return true; }, 4096);
  ASSERT_TRUE(parser.Feed(kBody.data(), kBody.size()));
  ASSERT_TRUE(parser.Finish());
  EXPECT_EQ(parser.Field("KEY"), std::optional<std::string_view>("user/${filename}"));
  EXPECT_EQ(parser.Field("policy"), std::optional<std::string_view>(""));
  EXPECT_FALSE(parser.Field("submit"));
}

TEST(FormDataParser, RejectsMalformedBodies) {
  const std::string part = "Content-Disposition: form-data; name=\"k\"\r\n\r\nv\r\n";
  const std::pair<const char*, std::string> cases[] = {
      {"no closing delimiter", "--XyZ\r\n" + part},
      {"no delimiter at all", "just text"},
      {"empty body", ""},
      {"part without headers", "--XyZ\r\n\r\nv\r\n--XyZ--"},
      {"header line without colon", "--XyZ\r\nbroken\r\n\r\nv\r\n--XyZ--"},
      {"no name", "--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--"},
      {"not form-data", "--XyZ\r\nContent-Disposition: attachment; name=\"k\"\r\n\r\nv\r\n--XyZ--"},
      {"unterminated quote",
       "--XyZ\r\nContent-Disposition: form-data; name=\"k\r\n\r\nv\r\n--XyZ--"},
      {"garbage after delimiter", "--XyZ\r\n" + part + "--XyZxx\r\n" + part + "--XyZ--"},
      {"headers never end", "--XyZ\r\nContent-Disposition: form-data; name=\"k\"\r\n"},
  };
  for (const auto& [what, body] : cases) {
    for (size_t chunk : {size_t{1}, size_t{3}, body.size() + 1}) {
      Parsed p = Parse(body, chunk);
      EXPECT_FALSE(p.ok) << what << ", chunk " << chunk;
      EXPECT_EQ(p.failure, FormDataParser::Failure::kMalformed) << what;
    }
  }
}

TEST(FormDataParser, FieldsBeforeTheFileHaveALimitButTheFileDoesNot) {
  const std::string big(5000, 'x');
  const std::string field =
      "--XyZ\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\n" + big + "\r\n--XyZ--";
  EXPECT_EQ(Parse(field, 7).failure, FormDataParser::Failure::kFieldTooLarge);
  const std::string file =
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n" + big + "\r\n--XyZ--";
  Parsed p = Parse(file, 7);
  EXPECT_TRUE(p.ok);
  EXPECT_EQ(p.file_bytes, big);
  EXPECT_EQ(p.file->filename, "");
}

TEST(FormDataParser, ASinkThatRefusesStopsTheParse) {
  FormDataParser parser(
      "XyZ", [](const char*, size_t) { return false; }, 4096);
  EXPECT_FALSE(parser.Feed(kBody.data(), kBody.size()));
  EXPECT_EQ(parser.failure(), FormDataParser::Failure::kSinkRefused);
  EXPECT_FALSE(parser.Feed("more", 4));
}

TEST(FormDataBoundary, ReadsTheBoundaryParameter) {
  EXPECT_EQ(FormDataBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(FormDataBoundary("Multipart/Form-Data;boundary=\"a b\""), "a b");
  EXPECT_EQ(FormDataBoundary("multipart/form-data; charset=utf-8; BOUNDARY=x"), "x");
  EXPECT_FALSE(FormDataBoundary("multipart/form-data"));
  EXPECT_FALSE(FormDataBoundary("multipart/form-data; boundary="));
  EXPECT_FALSE(FormDataBoundary("multipart/mixed; boundary=abc"));
  EXPECT_FALSE(FormDataBoundary("application/x-www-form-urlencoded"));
  EXPECT_FALSE(FormDataBoundary("multipart/form-data; boundary=" + std::string(71, 'b')));
}

}  // namespace
}  // namespace ossup::fake
