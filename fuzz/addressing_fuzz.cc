// Request classification and addressing, client and fake side. Input: lines
//   0 endpoint URL   1 bucket   2 key   3 method   4 request target (raw path?query)
//   5 Host header    6 the fake's virtual_host_domain   7 the fake's default_bucket
//   8.. headers "Name: value"
// Reaches ParseEndpoint, RegionOfEndpointHost, IsIpOrLocalhost, ValidateBucketName,
// ValidateObjectKey, ResolveTarget, the fake's ResolveBucketAndKey and ToWireRequest, and
// ClassifyRequest on what the fake resolved. Properties:
//   a parsed endpoint's Authority() parses back to the same host and port;
//   for a valid bucket and key, the fake resolves the client's path-style target (and the
//   virtual-host target of an OSS endpoint) back to the same bucket and key.
#include <string>

#include "fuzz_support.h"
#include "http/message.h"
#include "http/request.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/operation.h"

namespace {

using namespace ossup::protocol;  // NOLINT(google-build-using-namespace)
using ossup::fuzz::Require;

void CheckEndpoint(std::string_view url) {
  auto endpoint = ParseEndpoint(url);
  if (!endpoint.ok()) return;
  (void)RegionOfEndpointHost(endpoint->host);
  (void)IsIpOrLocalhost(endpoint->host);
  auto again = ParseEndpoint(endpoint->scheme + "://" + endpoint->Authority());
  Require(again.ok() && again->host == endpoint->host && again->port == endpoint->port &&
              again->scheme == endpoint->scheme,
          "ParseEndpoint(scheme://Authority()) gives the same endpoint");
}

// The client's target for (bucket, key), resolved by the fake, names the same bucket and key.
void CheckClientAndFakeAgree(std::string_view bucket, std::string_view key) {
  if (!ValidateBucketName(bucket).ok() || !ValidateObjectKey(key).ok()) return;
  const Endpoint local{"http", "127.0.0.1", 9000};
  const RequestTarget path_style = ResolveTarget(local, AddressingStyle::kPath, bucket, key);
  auto resolved = ossup::fake::ResolveBucketAndKey({}, path_style.host, path_style.path);
  Require(resolved.ok() && resolved->first == bucket && resolved->second == key,
          "the fake resolves a path-style target to its bucket and key");

  const Endpoint oss{"https", "oss-cn-hangzhou.aliyuncs.com", 443};
  const RequestTarget vhost = ResolveTarget(oss, AddressingStyle::kVirtualHost, bucket, key);
  resolved = ossup::fake::ResolveBucketAndKey({}, vhost.host, vhost.path);
  Require(resolved.ok() && resolved->first == bucket && resolved->second == key,
          "the fake resolves a virtual-host target to its bucket and key");
}

void CheckFakeRequest(const ossup::fuzz::Lines& lines) {
  ossup::fake::RequestHead request;
  request.method = std::string(lines.Field(3));
  request.target = std::string(lines.Field(4));
  request.headers.emplace_back("Host", std::string(lines.Field(5)));
  ossup::fuzz::AppendHeaderLines(lines, 8, request.headers);
  const ossup::fake::Addressing addressing{std::string(lines.Field(6)),
                                           std::string(lines.Field(7))};
  auto wire = ossup::fake::ToWireRequest(addressing, request);
  if (!wire.ok()) return;
  const Operation op = ClassifyRequest(*wire);
  Require(OperationFromName(OperationName(op)).value_or(Operation::kUnknown) == op,
          "OperationFromName(OperationName(op)) == op");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ossup::fuzz::Lines lines(ossup::fuzz::AsText(data, size));
  CheckEndpoint(lines.Field(0));
  CheckClientAndFakeAgree(lines.Field(1), lines.Field(2));
  if (auto endpoint = ParseEndpoint(lines.Field(0)); endpoint.ok()) {
    for (auto style :
         {AddressingStyle::kAuto, AddressingStyle::kVirtualHost, AddressingStyle::kPath}) {
      (void)ResolveTarget(*endpoint, style, lines.Field(1), lines.Field(2));
    }
  }
  (void)ossup::fake::HostWithoutPort(lines.Field(5));
  CheckFakeRequest(lines);
  return 0;
}
