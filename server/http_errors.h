// The one mapping of the library's error vocabulary (portalkb/status.h) to
// HTTP status codes. Nothing else in portalkb knows HTTP.
#pragma once

#include "portalkb/status.h"

namespace portalkb::server {

// InvalidArgument 400, Unauthenticated 401, PermissionDenied 403, NotFound and
// IndexNotFound 404, AlreadyExists and Busy 409, ResourceExhausted 413 (a
// request over a size limit) or 429 (a rate limit: `retry_after_s` > 0, the
// caller may retry after waiting), Unavailable 503, anything else 500.
int HttpStatusFor(StatusCode code, int retry_after_s = 0);

}  // namespace portalkb::server
