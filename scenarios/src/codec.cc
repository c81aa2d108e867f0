#include "ossup/scenarios/codec.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ossup/protocol/errors.h"

namespace ossup::scenarios {
namespace {

using json = nlohmann::ordered_json;  // keeps the documented field order
using protocol::Error;

Error Invalid(const std::string& message) {
  return protocol::MakeError("InvalidArgument", "scenario: " + message);
}

/// Thrown inside the parser only; ParseScenario turns it into an Error.
struct ParseFailure {
  std::string message;
};

[[noreturn]] void Fail(const std::string& message) { throw ParseFailure{message}; }

/// A JSON object whose fields are read once each; Finish() rejects the rest.
class Fields {
 public:
  Fields(const json& object, std::string where) : object_(object), where_(std::move(where)) {
    if (!object_.is_object()) Fail(where_ + " must be an object");
  }

  bool Has(const std::string& name) const { return object_.contains(name); }

  const json& Required(const std::string& name) {
    if (!object_.contains(name)) Fail(Path(name) + " is required");
    seen_.insert(name);
    return object_.at(name);
  }
  const json* Optional(const std::string& name) {
    if (!object_.contains(name)) return nullptr;
    seen_.insert(name);
    return &object_.at(name);
  }

  uint64_t Unsigned(const std::string& name, const json& value) const {
    if (!value.is_number_unsigned()) Fail(Path(name) + " must be a non-negative integer");
    return value.get<uint64_t>();
  }
  bool Bool(const std::string& name, const json& value) const {
    if (!value.is_boolean()) Fail(Path(name) + " must be true or false");
    return value.get<bool>();
  }
  std::string String(const std::string& name, const json& value) const {
    if (!value.is_string()) Fail(Path(name) + " must be a string");
    return value.get<std::string>();
  }

  void Finish() const {
    for (const auto& [key, value] : object_.items()) {
      if (!seen_.contains(key)) Fail("unknown field " + Path(key));
    }
  }

  std::string Path(const std::string& name) const {
    return where_.empty() ? name : where_ + "." + name;
  }

 private:
  const json& object_;
  std::string where_;
  std::set<std::string> seen_;
};

faults::Plan PlanFrom(const json& value, const std::string& where) {
  auto plan = faults::ParsePlan(value.dump());
  if (!plan.ok()) Fail(where + ": " + plan.error().message);
  return std::move(*plan);
}

json PlanJson(const faults::Plan& plan) { return json::parse(faults::PlanToJson(plan)); }

FileSpec FileFrom(const json& value) {
  Fields f(value, "file");
  FileSpec file;
  file.size_bytes = f.Unsigned("size", f.Required("size"));
  if (const json* seed = f.Optional("contentSeed"))
    file.content_seed = f.Unsigned("contentSeed", *seed);
  f.Finish();
  return file;
}

UploadOptions UploadFrom(const json& value) {
  Fields f(value, "upload");
  UploadOptions upload;
  if (const json* v = f.Optional("partSize")) {
    upload.part_size_bytes = f.Unsigned("partSize", *v);
    if (upload.part_size_bytes == 0) Fail("upload.partSize must be > 0");
  }
  if (const json* v = f.Optional("parallelism")) {
    uint64_t p = f.Unsigned("parallelism", *v);
    if (p < 1 || p > 64) Fail("upload.parallelism must be in 1..64");
    upload.parallelism = static_cast<int>(p);
  }
  if (const json* v = f.Optional("recordDirectory"))
    upload.record_directory = f.Bool("recordDirectory", *v);
  if (const json* v = f.Optional("deleteOnCancel"))
    upload.delete_on_cancel = f.Bool("deleteOnCancel", *v);
  if (const json* v = f.Optional("simpleUploadThreshold")) {
    upload.simple_upload_threshold_bytes = f.Unsigned("simpleUploadThreshold", *v);
  }
  if (const json* v = f.Optional("restartLostUpload"))
    upload.restart_lost_upload = f.Bool("restartLostUpload", *v);
  if (const json* v = f.Optional("integrity")) {
    const std::string name = f.String("integrity", *v);
    auto mode = client::ParseIntegrityMode(name);
    if (!mode) Fail("upload.integrity must be crc64, md5+crc64 or none, not " + name);
    upload.integrity = *mode;
  }
  f.Finish();
  return upload;
}

ServerSpec ServerFrom(const json& value) {
  Fields f(value, "server");
  ServerSpec server;
  if (const json* v = f.Optional("storage")) {
    std::string s = f.String("storage", *v);
    if (s == "memory") {
      server.storage = Storage::kMemory;
    } else if (s == "disk") {
      server.storage = Storage::kDisk;
    } else {
      Fail("server.storage must be \"memory\" or \"disk\"");
    }
  }
  if (const json* v = f.Optional("signing")) {
    std::string s = f.String("signing", *v);
    if (s == "v1") {
      server.signing = Signing::kV1;
    } else if (s == "v4") {
      server.signing = Signing::kV4;
    } else if (s == "anonymous") {
      server.signing = Signing::kAnonymous;
    } else {
      Fail("server.signing must be \"v1\", \"v4\" or \"anonymous\"");
    }
  }
  if (const json* v = f.Optional("seed")) server.seed = f.Unsigned("seed", *v);
  f.Finish();
  return server;
}

std::vector<Outcome> ExpectFrom(const json& value, const std::string& where) {
  std::vector<Outcome> outcomes;
  auto one = [&](const json& item) {
    if (!item.is_string()) Fail(where + " must be an outcome name or a list of them");
    auto outcome = OutcomeFromName(item.get<std::string>());
    if (!outcome) Fail(where + ": unknown outcome \"" + item.get<std::string>() + "\"");
    outcomes.push_back(*outcome);
  };
  if (value.is_array()) {
    for (const auto& item : value) one(item);
  } else {
    one(value);
  }
  if (outcomes.empty()) Fail(where + " must name at least one outcome");
  return outcomes;
}

Step StepFrom(const json& value, size_t index) {
  const std::string where = "steps[" + std::to_string(index) + "]";
  Fields f(value, where);
  Step step;
  std::string name = f.String("do", f.Required("do"));
  auto kind = StepKindFromName(name);
  if (!kind) Fail(where + ".do: unknown step \"" + name + "\"");
  step.kind = *kind;
  auto part_number = [&](const char* name) {
    uint64_t n = f.Unsigned(name, f.Required(name));
    if (n < 1 || n > 10000) Fail(where + "." + name + " must be in 1..10000");
    return static_cast<int>(n);
  };
  switch (step.kind) {
    case StepKind::kCancelAfterBytes:
      step.bytes = f.Unsigned("bytes", f.Required("bytes"));
      break;
    case StepKind::kKillClientAfterParts:
    case StepKind::kShrinkFileDuringUpload:
      step.parts = part_number("parts");
      break;
    case StepKind::kRewriteFileDuringUpload:
      step.parts = part_number("parts");
      step.content_seed = f.Unsigned("contentSeed", f.Required("contentSeed"));
      break;
    case StepKind::kAdvanceClock:
      step.seconds = static_cast<int64_t>(f.Unsigned("seconds", f.Required("seconds")));
      break;
    case StepKind::kRewriteFile:
      step.size_bytes = f.Unsigned("size", f.Required("size"));
      step.content_seed = f.Unsigned("contentSeed", f.Required("contentSeed"));
      break;
    case StepKind::kTamperPart:
      step.part = part_number("part");
      step.content_seed = f.Unsigned("contentSeed", f.Required("contentSeed"));
      break;
    case StepKind::kForeignPart:
      step.part = part_number("part");
      step.size_bytes = f.Unsigned("size", f.Required("size"));
      if (step.size_bytes > (5ull << 30)) Fail(where + ".size must be at most 5 GiB");
      break;
    case StepKind::kUpload:
    case StepKind::kResume:
    case StepKind::kKillClientDuringComplete:
    case StepKind::kExpireUpload:
    case StepKind::kRestartServer:
    case StepKind::kPowerLoss:
    case StepKind::kDamageRecordHeader:
    case StepKind::kDamageRecordLine:
      break;
  }
  if (IsClientStep(step.kind)) {
    step.expect = ExpectFrom(f.Required("expect"), f.Path("expect"));
    if (const json* v = f.Optional("resumed")) step.resumed = f.Bool("resumed", *v);
    if (const json* v = f.Optional("powerLossAfterRecordOperations")) {
      step.power_loss_after_record_operations = f.Unsigned("powerLossAfterRecordOperations", *v);
    }
    if (f.Optional("deleteRecordAfterParts")) {
      step.delete_record_after_parts = part_number("deleteRecordAfterParts");
    }
    if (const json* v = f.Optional("partSize")) {
      step.part_size_bytes = f.Unsigned("partSize", *v);
      if (*step.part_size_bytes == 0) Fail(where + ".partSize must be > 0");
    }
    if (const json* plan = f.Optional("faults")) step.faults = PlanFrom(*plan, f.Path("faults"));
  } else if (const json* expect = f.Optional("expect")) {
    step.expect = ExpectFrom(*expect, f.Path("expect"));
    if (step.expect != std::vector<Outcome>{Outcome::kSucceeds}) {
      Fail(where + ".expect: a server event can only expect \"succeeds\"");
    }
  }
  f.Finish();
  return step;
}

FinalChecks ChecksFrom(const json& value) {
  Fields f(value, "checks");
  FinalChecks checks;
  if (const json* v = f.Optional("objectEqualsFile"))
    checks.object_equals_file = f.Bool("objectEqualsFile", *v);
  if (const json* v = f.Optional("noUploadsLeft"))
    checks.no_uploads_left = f.Bool("noUploadsLeft", *v);
  if (const json* v = f.Optional("uploadsLeft")) {
    uint64_t n = f.Unsigned("uploadsLeft", *v);
    if (n > 10000) Fail("checks.uploadsLeft is out of range");
    checks.uploads_left = static_cast<int>(n);
  }
  if (const json* v = f.Optional("recordExists")) checks.record_exists = f.Bool("recordExists", *v);
  if (const json* v = f.Optional("maxBytesResent"))
    checks.max_bytes_resent = f.Unsigned("maxBytesResent", *v);
  if (const json* v = f.Optional("faultsFired")) {
    uint64_t n = f.Unsigned("faultsFired", *v);
    if (n > 100000) Fail("checks.faultsFired is out of range");
    checks.faults_fired = static_cast<int>(n);
  }
  if (const json* v = f.Optional("properties")) checks.properties = f.Bool("properties", *v);
  f.Finish();
  return checks;
}

Scenario ScenarioFrom(const json& root) {
  Fields f(root, "");
  const json& version = f.Required("version");
  if (!version.is_number_unsigned() || version.get<uint64_t>() != kScenarioVersion) {
    Fail("version must be " + std::to_string(kScenarioVersion));
  }
  Scenario s;
  s.name = f.String("name", f.Required("name"));
  if (s.name.empty()) Fail("name must not be empty");
  if (const json* v = f.Optional("description")) s.description = f.String("description", *v);
  s.file = FileFrom(f.Required("file"));
  if (const json* v = f.Optional("upload")) s.upload = UploadFrom(*v);
  if (const json* v = f.Optional("server")) s.server = ServerFrom(*v);
  if (const json* v = f.Optional("faults")) s.faults = PlanFrom(*v, "faults");
  const json& steps = f.Required("steps");
  if (!steps.is_array()) Fail("steps must be a list");
  for (size_t i = 0; i < steps.size(); ++i) s.steps.push_back(StepFrom(steps[i], i));
  if (const json* v = f.Optional("checks")) s.checks = ChecksFrom(*v);
  f.Finish();
  return s;
}

json ExpectJson(const std::vector<Outcome>& outcomes) {
  if (outcomes.size() == 1) return std::string(OutcomeName(outcomes[0]));
  json list = json::array();
  for (Outcome o : outcomes) list.push_back(std::string(OutcomeName(o)));
  return list;
}

json StepJson(const Step& step) {
  json j = json::object();
  j["do"] = std::string(StepKindName(step.kind));
  switch (step.kind) {
    case StepKind::kCancelAfterBytes:
      j["bytes"] = step.bytes;
      break;
    case StepKind::kKillClientAfterParts:
    case StepKind::kShrinkFileDuringUpload:
      j["parts"] = step.parts;
      break;
    case StepKind::kRewriteFileDuringUpload:
      j["parts"] = step.parts;
      j["contentSeed"] = step.content_seed;
      break;
    case StepKind::kAdvanceClock:
      j["seconds"] = step.seconds;
      break;
    case StepKind::kRewriteFile:
      j["size"] = step.size_bytes;
      j["contentSeed"] = step.content_seed;
      break;
    case StepKind::kTamperPart:
      j["part"] = step.part;
      j["contentSeed"] = step.content_seed;
      break;
    case StepKind::kForeignPart:
      j["part"] = step.part;
      j["size"] = step.size_bytes;
      break;
    case StepKind::kUpload:
    case StepKind::kResume:
    case StepKind::kKillClientDuringComplete:
    case StepKind::kExpireUpload:
    case StepKind::kRestartServer:
    case StepKind::kPowerLoss:
    case StepKind::kDamageRecordHeader:
    case StepKind::kDamageRecordLine:
      break;
  }
  if (!step.expect.empty()) j["expect"] = ExpectJson(step.expect);
  if (step.resumed) j["resumed"] = *step.resumed;
  if (step.part_size_bytes) j["partSize"] = *step.part_size_bytes;
  if (step.delete_record_after_parts) j["deleteRecordAfterParts"] = *step.delete_record_after_parts;
  if (step.power_loss_after_record_operations) {
    j["powerLossAfterRecordOperations"] = *step.power_loss_after_record_operations;
  }
  if (step.faults) j["faults"] = PlanJson(*step.faults);
  return j;
}

}  // namespace

protocol::StatusOr<Scenario> ParseScenario(std::string_view text) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Invalid("not valid JSON");
  try {
    return ScenarioFrom(root);
  } catch (const ParseFailure& failure) {
    return Invalid(failure.message);
  } catch (const json::exception& e) {
    return Invalid(e.what());
  }
}

std::string ScenarioToJson(const Scenario& s) {
  json root = json::object();
  root["version"] = kScenarioVersion;
  root["name"] = s.name;
  if (!s.description.empty()) root["description"] = s.description;
  root["file"] = {{"size", s.file.size_bytes}, {"contentSeed", s.file.content_seed}};
  json upload = {{"partSize", s.upload.part_size_bytes},
                 {"parallelism", s.upload.parallelism},
                 {"recordDirectory", s.upload.record_directory},
                 {"deleteOnCancel", s.upload.delete_on_cancel}};
  if (s.upload.simple_upload_threshold_bytes) {
    upload["simpleUploadThreshold"] = *s.upload.simple_upload_threshold_bytes;
  }
  if (s.upload.restart_lost_upload) upload["restartLostUpload"] = true;
  if (s.upload.integrity != client::IntegrityMode::kCrc64) {
    upload["integrity"] = std::string(client::IntegrityModeName(s.upload.integrity));
  }
  root["upload"] = upload;
  const char* signing = s.server.signing == Signing::kV1   ? "v1"
                        : s.server.signing == Signing::kV4 ? "v4"
                                                           : "anonymous";
  root["server"] = {{"storage", s.server.storage == Storage::kDisk ? "disk" : "memory"},
                    {"signing", signing},
                    {"seed", s.server.seed}};
  if (s.faults) root["faults"] = PlanJson(*s.faults);
  json steps = json::array();
  for (const Step& step : s.steps) steps.push_back(StepJson(step));
  root["steps"] = steps;
  json checks = json::object();
  if (s.checks.object_equals_file) checks["objectEqualsFile"] = true;
  if (s.checks.no_uploads_left) checks["noUploadsLeft"] = true;
  if (s.checks.uploads_left) checks["uploadsLeft"] = *s.checks.uploads_left;
  if (s.checks.record_exists) checks["recordExists"] = *s.checks.record_exists;
  if (s.checks.max_bytes_resent) checks["maxBytesResent"] = *s.checks.max_bytes_resent;
  if (s.checks.faults_fired) checks["faultsFired"] = *s.checks.faults_fired;
  if (s.checks.properties) checks["properties"] = true;
  root["checks"] = checks;
  return root.dump(2) + "\n";
}

protocol::StatusOr<Scenario> LoadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return protocol::MakeError(protocol::client_codes::kIoError, "cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto scenario = ParseScenario(buffer.str());
  if (!scenario.ok()) {
    Error e = scenario.error();
    e.message = path + ": " + e.message;
    return e;
  }
  return scenario;
}

protocol::Status SaveScenarioFile(const std::string& path, const Scenario& scenario) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << ScenarioToJson(scenario);
    if (!out) return protocol::MakeError(protocol::client_codes::kIoError, "cannot write " + temp);
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    return protocol::MakeError(protocol::client_codes::kIoError,
                               "cannot rename " + temp + " to " + path + ": " + ec.message());
  }
  return protocol::Status();
}

}  // namespace ossup::scenarios
