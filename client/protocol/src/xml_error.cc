// Codec of OSS's <Error> document (docs/protocol.md, "Error response format").
#include <tinyxml2.h>

#include <algorithm>
#include <array>

#include "ossup/protocol/xml.h"
#include "xml_support.h"

namespace ossup::protocol {
namespace {

using xml_internal::DecodeDocument;
using xml_internal::Need;
using xml_internal::XmlReader;
using xml_internal::XmlWriter;

constexpr std::string_view kRecommendDocPrefix = "https://api.aliyun.com/troubleshoot?q=";

// Children of <Error> that map to Error's own fields rather than to `details`.
constexpr std::array<std::string_view, 6> kFixedElements = {"Code",   "Message", "RequestId",
                                                            "HostId", "EC",      "RecommendDoc"};

}  // namespace

std::string EncodeXml(const Error& v) {
  XmlWriter w;
  w.Open("Error");
  w.Text("Code", v.code).Text("Message", v.message);
  w.Text("RequestId", v.request_id).Text("HostId", v.host_id);
  for (const auto& [name, value] : v.details) w.Text(name, value);
  if (!v.ec.empty()) {
    w.Text("EC", v.ec).Text("RecommendDoc", std::string(kRecommendDocPrefix) + v.ec);
  }
  w.Close();
  return std::move(w).Finish();
}

StatusOr<Error> DecodeErrorDocument(std::string_view xml) {
  return DecodeDocument<Error>(xml, "Error", [&](XmlReader& r, Error& v) {
    v.code = r.Token("Code", Need::kRequired);
    v.message = r.Text("Message");
    v.request_id = r.Token("RequestId");
    v.host_id = r.Token("HostId");
    v.ec = r.Token("EC");
    for (const tinyxml2::XMLElement* child = r.element().FirstChildElement(); child != nullptr;
         child = child->NextSiblingElement()) {
      const std::string_view name = child->Name();
      if (std::find(kFixedElements.begin(), kFixedElements.end(), name) != kFixedElements.end()) {
        continue;
      }
      v.details.emplace_back(std::string(name),
                             child->GetText() != nullptr ? child->GetText() : "");
    }
  });
}

}  // namespace ossup::protocol
