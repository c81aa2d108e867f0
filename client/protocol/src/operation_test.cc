#include "ossup/protocol/operation.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace ossup::protocol {
namespace {

struct Case {
  const char* method;
  const char* bucket;
  const char* key;
  QueryParams query;
  Operation expected;
};

TEST(OperationClassify, MapsEverySupportedRequestShape) {
  const Case cases[] = {
      {"GET", "", "", {}, Operation::kListBuckets},
      {"GET", "", "", {{"prefix", "a"}, {"max-keys", "10"}}, Operation::kListBuckets},
      {"PUT", "b", "", {}, Operation::kPutBucket},
      {"PUT", "b", "", {{"lifecycle", ""}}, Operation::kPutBucketLifecycle},
      {"GET", "b", "", {{"lifecycle", ""}}, Operation::kGetBucketLifecycle},
      {"DELETE", "b", "", {{"lifecycle", ""}}, Operation::kDeleteBucketLifecycle},
      {"GET", "b", "", {{"uploads", ""}, {"prefix", "big/"}}, Operation::kListMultipartUploads},
      {"GET", "b", "", {{"acl", ""}}, Operation::kGetBucketAcl},
      {"PUT", "b", "", {{"acl", ""}}, Operation::kPutBucketAcl},
      {"POST", "b", "", {}, Operation::kPostObject},
      {"GET", "b", "", {{"list-type", "2"}}, Operation::kListObjectsV2},
      {"GET",
       "b",
       "",
       {{"list-type", "2"}, {"continuation-token", "CgJiYw--"}, {"fetch-owner", "true"}},
       Operation::kListObjectsV2},
      {"GET", "b", "", {{"bucketInfo", ""}}, Operation::kGetBucketInfo},
      {"GET", "b", "", {{"location", ""}}, Operation::kGetBucketLocation},
      {"GET", "b", "", {}, Operation::kListObjects},
      {"GET",
       "b",
       "",
       {{"prefix", ""}, {"marker", ""}, {"max-keys", "100"}, {"encoding-type", "url"}},
       Operation::kListObjects},
      {"DELETE", "b", "", {}, Operation::kDeleteBucket},
      {"POST", "b", "k", {{"uploads", ""}}, Operation::kInitiateMultipartUpload},
      {"POST",
       "b",
       "k",
       {{"uploads", ""}, {"encoding-type", "url"}},
       Operation::kInitiateMultipartUpload},
      {"PUT", "b", "k", {{"partNumber", "1"}, {"uploadId", "U"}}, Operation::kUploadPart},
      {"PUT", "b", "k", {{"uploadId", "U"}, {"partNumber", "1"}}, Operation::kUploadPart},
      {"PUT", "b", "k", {{"uploadId", "U"}}, Operation::kUploadPart},
      {"GET", "b", "k", {{"uploadId", "U"}, {"max-parts", "1000"}}, Operation::kListParts},
      {"POST", "b", "k", {{"uploadId", "U"}}, Operation::kCompleteMultipartUpload},
      {"DELETE", "b", "k", {{"uploadId", "U"}}, Operation::kAbortMultipartUpload},
      {"PUT", "b", "k", {}, Operation::kPutObject},
      {"GET", "b", "k", {}, Operation::kGetObject},
      {"GET", "b", "k", {{"response-content-type", "text/plain"}}, Operation::kGetObject},
      {"HEAD", "b", "k", {}, Operation::kHeadObject},
      {"HEAD", "b", "k", {{"objectMeta", ""}}, Operation::kGetObjectMeta},
      {"GET", "b", "k", {{"objectMeta", ""}}, Operation::kGetObjectMeta},
      {"DELETE", "b", "k", {}, Operation::kDeleteObject},
      {"PUT", "b", "k", {{"acl", ""}}, Operation::kPutObjectAcl},
      {"GET", "b", "k", {{"acl", ""}}, Operation::kGetObjectAcl},
      {"PUT", "b", "k", {{"tagging", ""}}, Operation::kPutObjectTagging},
      {"GET", "b", "k", {{"tagging", ""}}, Operation::kGetObjectTagging},
      {"DELETE", "b", "k", {{"tagging", ""}}, Operation::kDeleteObjectTagging},
      {"POST", "b", "k", {{"append", ""}, {"position", "0"}}, Operation::kAppendObject},
      {"POST", "b", "k", {{"append", ""}}, Operation::kAppendObject},
      {"PUT", "b", "k", {{"symlink", ""}}, Operation::kPutSymlink},
      {"GET", "b", "k", {{"symlink", ""}}, Operation::kGetSymlink},
      {"POST", "b", "", {{"delete", ""}}, Operation::kDeleteMultipleObjects},
      {"POST",
       "b",
       "",
       {{"delete", ""}, {"encoding-type", "url"}},
       Operation::kDeleteMultipleObjects},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ClassifyOperation(c.method, c.bucket, c.key, c.query), c.expected)
        << c.method << " bucket=" << c.bucket << " key=" << c.key << " -> expected "
        << OperationName(c.expected);
  }
}

TEST(OperationClassify, UnsupportedCombinationsAreUnknown) {
  const Case cases[] = {
      {"POST", "b", "k", {}, Operation::kUnknown},
      {"POST", "b", "k", {{"uploads", ""}, {"uploadId", "U"}}, Operation::kUnknown},
      {"PUT", "b", "k", {{"partNumber", "1"}}, Operation::kUnknown},
      {"PUT", "b", "k", {{"acl", ""}, {"uploadId", "U"}}, Operation::kUnknown},
      {"DELETE", "b", "k", {{"acl", ""}}, Operation::kUnknown},
      {"GET", "b", "", {{"cors", ""}}, Operation::kUnknown},
      {"GET", "b", "", {{"list-type", "1"}}, Operation::kUnknown},
      {"GET", "b", "", {{"continuation-token", "x"}}, Operation::kUnknown},
      {"GET", "b", "", {{"location", ""}, {"acl", ""}}, Operation::kUnknown},
      {"GET", "b", "", {{"acl", ""}, {"lifecycle", ""}}, Operation::kUnknown},
      {"POST", "b", "", {{"cors", ""}}, Operation::kUnknown},
      {"HEAD", "b", "", {}, Operation::kUnknown},
      {"PUT", "", "", {}, Operation::kUnknown},
      {"GET", "", "k", {}, Operation::kUnknown},
      {"GET", "", "", {{"uploads", ""}}, Operation::kUnknown},
      {"get", "b", "k", {}, Operation::kUnknown},
      {"PATCH", "b", "k", {}, Operation::kUnknown},
      {"DELETE", "b", "k", {{"partNumber", "1"}}, Operation::kUnknown},
      {"POST", "b", "k", {{"position", "0"}}, Operation::kUnknown},
      {"PUT", "b", "k", {{"append", ""}, {"position", "0"}}, Operation::kUnknown},
      {"DELETE", "b", "k", {{"symlink", ""}}, Operation::kUnknown},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ClassifyOperation(c.method, c.bucket, c.key, c.query), Operation::kUnknown)
        << c.method << " bucket=" << c.bucket << " key=" << c.key << " -> got "
        << OperationName(ClassifyOperation(c.method, c.bucket, c.key, c.query));
  }
}

TEST(OperationClassify, RepeatedSelectorCountsOnce) {
  EXPECT_EQ(ClassifyOperation("POST", "b", "k", {{"uploads", ""}, {"uploads", ""}}),
            Operation::kInitiateMultipartUpload);
}

TEST(OperationClassify, CopySourceHeaderMakesPutACopy) {
  WireRequest put{"PUT", "b", "k", {}, {{"X-Oss-Copy-Source", "/src/key"}}};
  EXPECT_EQ(ClassifyRequest(put), Operation::kCopyObject);
  WireRequest part{
      "PUT", "b", "k", {{"partNumber", "1"}, {"uploadId", "U"}}, {{"x-oss-copy-source", "/s/k"}}};
  EXPECT_EQ(ClassifyRequest(part), Operation::kUploadPartCopy);
  part.headers.clear();
  EXPECT_EQ(ClassifyRequest(part), Operation::kUploadPart);
  WireRequest get{"GET", "b", "k", {}, {{"x-oss-copy-source", "/s/k"}}};
  EXPECT_EQ(ClassifyRequest(get), Operation::kGetObject);
  WireRequest bucket{"PUT", "b", "", {}, {{"x-oss-copy-source", "/s/k"}}};
  EXPECT_EQ(ClassifyRequest(bucket), Operation::kPutBucket);
}

TEST(OperationName, UsesOssApiNamesAndRoundTrips) {
  EXPECT_EQ(OperationName(Operation::kCopyObject), "CopyObject");
  EXPECT_EQ(OperationName(Operation::kDeleteMultipleObjects), "DeleteMultipleObjects");
  EXPECT_EQ(OperationName(Operation::kUploadPartCopy), "UploadPartCopy");
  EXPECT_EQ(OperationName(Operation::kUploadPart), "UploadPart");
  EXPECT_EQ(OperationName(Operation::kInitiateMultipartUpload), "InitiateMultipartUpload");
  EXPECT_EQ(OperationName(Operation::kListBuckets), "ListBuckets");
  EXPECT_EQ(OperationName(Operation::kUnknown), "Unknown");
  for (int i = static_cast<int>(Operation::kUnknown);
       i <= static_cast<int>(Operation::kAbortMultipartUpload); ++i) {
    const auto op = static_cast<Operation>(i);
    const std::optional<Operation> back = OperationFromName(OperationName(op));
    ASSERT_TRUE(back.has_value()) << i;
    EXPECT_EQ(*back, op) << OperationName(op);
  }
}

TEST(OperationName, RejectsNamesItDoesNotProduce) {
  EXPECT_EQ(OperationFromName("uploadpart"), std::nullopt);
  EXPECT_EQ(OperationFromName(""), std::nullopt);
  EXPECT_EQ(OperationFromName("ListObjectsv2"), std::nullopt);
}

TEST(OperationClassify, OutOfScopeSubresourcesAreUnknownAndNamed) {
  for (const char* name :
       {"cors", "website", "logging", "referer", "policy", "inventory", "encryption", "versioning",
        "replication", "worm", "x-oss-process", "live", "qos", "requestPayment"}) {
    const QueryParams query = {{name, ""}};
    for (const char* method : {"GET", "PUT", "POST", "DELETE"}) {
      EXPECT_EQ(ClassifyOperation(method, "b", "", query), Operation::kUnknown) << name;
      EXPECT_EQ(ClassifyOperation(method, "b", "k", query), Operation::kUnknown) << name;
    }
    EXPECT_TRUE(OutOfScopeFeature(query)) << name;
  }
  EXPECT_EQ(OutOfScopeFeature({{"prefix", "a"}, {"cors", ""}}), "bucket CORS");
  EXPECT_EQ(OutOfScopeFeature({{"x-oss-process", "image/resize,w_10"}}), "image processing");
  EXPECT_FALSE(OutOfScopeFeature({{"acl", ""}, {"lifecycle", ""}, {"prefix", "a"}}));
}

// The space-separated words of `list`.
std::vector<std::string> Words(std::string_view list) {
  std::vector<std::string> words;
  std::string current;
  for (char c : list) {
    if (c == ' ') {
      words.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) words.push_back(current);
  return words;
}

// A request of the shape `row` states, for `method`: its bucket and key as its target needs,
// every required selector (with its value) and, when `with_optional`, every optional one.
WireRequest ShapeOf(const OperationRow& row, const std::string& method, bool with_optional) {
  WireRequest request;
  request.method = method;
  request.bucket = row.target == Target::kService ? "" : "b";
  request.key = row.target == Target::kObject ? "k" : "";
  auto add = [&](const std::string& selector) {
    const size_t eq = selector.find('=');
    request.query.emplace_back(selector.substr(0, eq),
                               eq == std::string::npos ? "" : selector.substr(eq + 1));
  };
  for (const auto& selector : Words(row.required)) add(selector);
  if (with_optional) {
    for (const auto& selector : Words(row.optional)) add(selector);
  }
  if (!row.header.empty()) request.headers.emplace_back(std::string(row.header), "/src/key");
  return request;
}

// Every row is complete: a unique name, known methods, selectors that are not also out of
// scope, and a shape that classifies back to the row (so no two rows claim the same request).
TEST(OperationTable, EveryRowIsCompleteAndClassifiesBack) {
  std::set<std::string_view> names;
  for (const OperationRow& row : kOperations) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_FALSE(row.name.empty());
    EXPECT_TRUE(names.insert(row.name).second) << "duplicate name";
    EXPECT_EQ(OperationFromName(row.name), row.op);
    if (row.op == Operation::kUnknown) {
      EXPECT_TRUE(row.methods.empty());
      EXPECT_EQ(row.faults, Faults::kNotTargetable);
      continue;
    }
    const std::vector<std::string> methods = Words(row.methods);
    ASSERT_FALSE(methods.empty());
    for (const std::string& method : methods) {
      EXPECT_TRUE(method == "GET" || method == "HEAD" || method == "PUT" || method == "POST" ||
                  method == "DELETE")
          << method;
      for (bool with_optional : {false, true}) {
        const WireRequest request = ShapeOf(row, method, with_optional);
        EXPECT_EQ(OperationName(ClassifyRequest(request)), row.name)
            << method << (with_optional ? " with optional selectors" : "");
        EXPECT_FALSE(OutOfScopeFeature(request.query));
      }
    }
    if (!row.header.empty()) {
      WireRequest plain = ShapeOf(row, methods.front(), false);
      plain.headers.clear();
      EXPECT_NE(ClassifyRequest(plain), row.op) << "a header row needs its header";
      EXPECT_NE(ClassifyRequest(plain), Operation::kUnknown) << "and has a plain twin";
    }
  }
}

}  // namespace
}  // namespace ossup::protocol
