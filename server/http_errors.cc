#include "http_errors.h"

namespace portalkb::server {

int HttpStatusFor(StatusCode code, int retry_after_s) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
    case StatusCode::kIndexNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kBusy:
      return 409;
    case StatusCode::kResourceExhausted:
      return retry_after_s > 0 ? 429 : 413;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kIOError:
    case StatusCode::kCorruption:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

}  // namespace portalkb::server
