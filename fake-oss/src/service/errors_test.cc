// The fake's errors come from the protocol's error table: code in, status and message out.
#include "service/errors.h"

#include <gtest/gtest.h>

namespace ossup::fake::errors {
namespace {

TEST(FakeErrors, TakeStatusMessageAndEcFromTheProtocolTable) {
  for (const char* code : {"NoSuchLifecycle", "EntityTooLarge", "ObjectNotAppendable", "InvalidURI",
                           "CallbackFailed"}) {
    const protocol::ErrorSpec* spec = protocol::FindErrorSpec(code);
    ASSERT_NE(spec, nullptr) << code;
    const protocol::Error e = Oss(code);
    EXPECT_EQ(e.http_status, spec->http_status) << code;
    EXPECT_EQ(e.message, spec->message) << code;
    EXPECT_EQ(e.ec, spec->ec) << code;
  }
  EXPECT_EQ(Oss("InvalidURI", "The request URI is too long.").message,
            "The request URI is too long.");
}

TEST(FakeErrors, ACodeOutsideTheTableIsALoudInternalError) {
  const protocol::Error e = Oss("NoSuchThing");
  EXPECT_EQ(e.http_status, 500);
  EXPECT_EQ(e.code, "InternalError");
  EXPECT_NE(e.message.find("NoSuchThing"), std::string::npos);
}

TEST(FakeErrors, InjectedErrorsKeepThePlansStatusAndMessage) {
  const protocol::Error known = Injected("SlowDown", 500, "");
  EXPECT_EQ(known.http_status, 500);
  EXPECT_EQ(known.message, protocol::FindErrorSpec("SlowDown")->message);
  const protocol::Error custom = Injected("FakeOssCustom", 599, "");
  EXPECT_EQ(custom.http_status, 599);
  EXPECT_EQ(custom.code, "FakeOssCustom");
  EXPECT_EQ(custom.message, "Injected fault.");
  EXPECT_EQ(Injected("SlowDown", 503, "mine").message, "mine");
  EXPECT_EQ(InvalidRequest("bad chunk").http_status, 400);
}

}  // namespace
}  // namespace ossup::fake::errors
