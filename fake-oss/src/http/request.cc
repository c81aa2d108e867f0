#include "http/request.h"

#include <algorithm>
#include <cctype>

#include "ossup/protocol/addressing.h"
#include "service/errors.h"

namespace ossup::fake {
namespace {

protocol::Error InvalidUri() { return errors::Oss("InvalidURI"); }

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::string HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    host = host.substr(0, close == std::string_view::npos ? host.size() : close + 1);
  } else if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  std::string out(host);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string BucketOfHost(const Addressing& addressing, std::string_view host_header) {
  const std::string host = HostWithoutPort(host_header);
  const std::string& domain = addressing.virtual_host_domain;
  if (!domain.empty() && EndsWith(host, "." + domain)) {
    return host.substr(0, host.size() - domain.size() - 1);
  }
  if (const auto dot = host.find('.');
      dot != std::string::npos && EndsWith(host.substr(dot), ".aliyuncs.com") &&
      host.size() - dot > std::string_view(".aliyuncs.com").size()) {
    // <bucket>.<endpoint>.aliyuncs.com; the bare endpoint (oss-cn-hangzhou.aliyuncs.com)
    // names no bucket. A bucket may itself start with "oss-".
    return host.substr(0, dot);
  }
  return "";
}

protocol::StatusOr<std::pair<std::string, std::string>> ResolveBucketAndKey(
    const Addressing& addressing, std::string_view host_header, std::string_view raw_path) {
  std::string_view path = raw_path;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);

  // A Host that names a bucket makes the whole path the key, even when the path starts with
  // the bucket's name again: OSS stores "/b/k" on Host b.<endpoint> as key "b/k" (docs/protocol.md,
  // "Virtual-hosted and path style").
  const std::string vhost_bucket = BucketOfHost(addressing, host_header);
  std::string bucket;
  std::string_view raw_key;
  if (!vhost_bucket.empty()) {
    bucket = vhost_bucket;
    raw_key = path;
  } else if (!addressing.default_bucket.empty()) {
    bucket = addressing.default_bucket;
    raw_key = path;
  } else {
    auto slash = path.find('/');
    auto decoded = protocol::UriDecode(path.substr(0, slash));
    if (!decoded) return InvalidUri();
    bucket = std::move(*decoded);
    raw_key = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  auto key = protocol::UriDecode(raw_key);
  if (!key) return InvalidUri();
  return std::make_pair(std::move(bucket), std::move(*key));
}

protocol::StatusOr<protocol::WireRequest> ToWireRequest(const Addressing& addressing,
                                                        const RequestHead& request) {
  std::string_view target = request.target;
  auto question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  std::string_view raw_query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  protocol::WireRequest wire;
  wire.method = request.method;
  auto located = ResolveBucketAndKey(addressing, request.get_header_value("Host"), raw_path);
  if (!located.ok()) return located.error();
  wire.bucket = std::move(located->first);
  wire.key = std::move(located->second);
  auto query = protocol::ParseQueryString(raw_query);
  if (!query) return InvalidUri();
  wire.query = std::move(*query);
  wire.headers = request.headers;
  return wire;
}

}  // namespace ossup::fake
