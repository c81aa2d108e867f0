// fake-oss's live page under the control API: GET /_fake/ui answers one self-contained HTML
// page (fake-oss/ui/live.html with the shared timeline CSS and JS inlined) that polls the
// control endpoints and redraws buckets, uploads with their parts, fault plans with their
// accounting and the journal as a timeline; GET /_fake/ui/buckets answers
// {"buckets": [name, ...]} for it. Served by Control after its access checks, so the page
// and its data need what every control endpoint needs (docs/using-fake-oss.md).
// Thread-safe.
#pragma once

#include <string>

#include "http/message.h"
#include "ossup/fake/server.h"

namespace ossup::fake {

/// True for /_fake/ui and every path under it.
bool IsUiPath(const std::string& path);

/// The answer to a /_fake/ui request: 200 for the page and the bucket list; 404 (as for any
/// unknown control endpoint) for another method than GET or another path under /_fake/ui.
void ServeUi(const Server& server, const std::string& method, const std::string& path,
             Response& res);

}  // namespace ossup::fake
