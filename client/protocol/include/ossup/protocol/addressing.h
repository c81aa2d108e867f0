// Where a request goes: endpoint parsing, virtual-host vs path style, key encoding, and the
// naming rules for buckets and keys (docs/protocol.md, "Addressing").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ossup/protocol/status.h"
#include "ossup/protocol/wire.h"

namespace ossup::protocol {

/// Percent-encodes every byte outside A-Z a-z 0-9 - . _ ~ as %XX (upper hex); `/` is kept
/// when `keep_slash`. This is the encoding of V4's canonical URI and query, and of keys in
/// request paths ("+" becomes "%2B", space "%20").
std::string UriEncode(std::string_view text, bool keep_slash);
/// Decodes %XX sequences. '+' stays '+'. nullopt on a malformed escape.
std::optional<std::string> UriDecode(std::string_view text);
/// Decodes a query-string component; '+' stays '+' (OSS never treats it as a space).
/// "a=1&b&c=" -> {{"a","1"},{"b",""},{"c",""}}. nullopt on a malformed escape.
std::optional<QueryParams> ParseQueryString(std::string_view text);
/// Encodes `query` back into "a=1&b&c=" form; an empty value is written as a bare name unless
/// the name is empty too ("="). ParseQueryString(EncodeQueryString(q)) == q.
std::string EncodeQueryString(const QueryParams& query);

struct Endpoint {
  std::string scheme = "https";  // "http" or "https"
  std::string host;              // no port
  uint16_t port = 443;
  /// "host" or "host:port" when the port is not the scheme's default.
  std::string Authority() const;
};

/// Parses "http://127.0.0.1:9000", "https://oss-cn-hangzhou.aliyuncs.com" or a bare host
/// (https assumed). Rejects paths other than "/", user info and bad ports.
StatusOr<Endpoint> ParseEndpoint(std::string_view url);

/// The region an Alibaba Cloud OSS endpoint host names, as V4 signing wants it:
/// "oss-cn-hangzhou.aliyuncs.com", "oss-cn-hangzhou-internal.aliyuncs.com" and
/// "<bucket>.oss-cn-hangzhou.aliyuncs.com" give "cn-hangzhou". Empty for any other host (IPs,
/// custom domains, the region-less oss-accelerate endpoints).
std::string RegionOfEndpointHost(std::string_view host);

/// True for IPv4/IPv6 literals and "localhost": these endpoints use path style.
bool IsIpOrLocalhost(std::string_view host);

enum class AddressingStyle {
  kAuto,         // path style for IP/localhost endpoints, virtual host otherwise
  kVirtualHost,  // bucket.endpoint/key (the OSS default; real OSS requires it)
  kPath,         // endpoint/bucket/key
};

struct RequestTarget {
  std::string host;  // Host header value
  std::string path;  // encoded path, no query: "/bucket/key", "/key", "/bucket/", "/"
};

/// Host and path for `bucket`/`key` at `endpoint`. Empty bucket = service-level request.
RequestTarget ResolveTarget(const Endpoint& endpoint, AddressingStyle style,
                            std::string_view bucket, std::string_view key);

/// OK, or InvalidBucketName: 3-63 chars of [a-z0-9-], starting and ending with a letter or
/// digit.
Status ValidateBucketName(std::string_view bucket);
/// OK, or InvalidObjectName: valid UTF-8, 1-1023 bytes, not starting with '/' or '\\',
/// no NUL.
Status ValidateObjectKey(std::string_view key);

}  // namespace ossup::protocol
