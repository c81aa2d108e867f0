// The client's checkpoint record decoder (client/src/checkpoint.h, internal to the client;
// reached through the module's private include directory, as its own tests reach it).
// Property: a record that decodes re-encodes to text that decodes, with no skipped line, to
// the same record; encoding that record again gives the same text.
#include <string>

#include "checkpoint.h"
#include "fuzz_support.h"

using namespace ossup::client::internal;  // NOLINT(google-build-using-namespace)
using ossup::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  DecodeReport report;
  auto record = DecodeRecord(ossup::fuzz::AsText(data, size), &report);
  if (!record.ok()) return 0;
  const std::string text = EncodeRecord(*record);
  DecodeReport again_report;
  auto again = DecodeRecord(text, &again_report);
  Require(again.ok(), "EncodeRecord's output decodes");
  Require(again_report.skipped_part_lines == 0, "EncodeRecord's part lines all verify");
  Require(*again == *record, "DecodeRecord(EncodeRecord(r)) == r");
  Require(EncodeRecord(*again) == text, "EncodeRecord is stable");
  return 0;
}
