// Turning a request as received into the protocol layer's WireRequest: target parsing (with
// OSS's rule that '+' in a path or query is a literal plus), and addressing: virtual host
// (Host: bucket.<domain>, or bucket.<anything>.aliyuncs.com as ali-oss sends for IP
// endpoints), a default bucket (ali-oss cname mode), or path style (/bucket/key).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"
#include "ossup/fake/server.h"
#include "ossup/protocol/status.h"
#include "ossup/protocol/wire.h"

namespace ossup::fake {

struct Addressing {
  std::string virtual_host_domain;
  std::string default_bucket;
};

/// Lower-cased host without the port.
std::string HostWithoutPort(std::string_view host_header);

/// The bucket `host_header` names (virtual host: `<bucket>.<virtual_host_domain>`, or
/// `<bucket>.<endpoint>.aliyuncs.com`); "" when it names none.
std::string BucketOfHost(const Addressing& addressing, std::string_view host_header);

/// Bucket and decoded key for `raw_path` (still percent-encoded) sent to `host_header`.
/// Errors: InvalidURI (malformed escapes).
protocol::StatusOr<std::pair<std::string, std::string>> ResolveBucketAndKey(
    const Addressing& addressing, std::string_view host_header, std::string_view raw_path);

/// The WireRequest for `request`: bucket, key and query decoded from the target; header
/// values exactly as received. Errors: InvalidURI.
protocol::StatusOr<protocol::WireRequest> ToWireRequest(const Addressing& addressing,
                                                        const RequestHead& request);

}  // namespace ossup::fake
