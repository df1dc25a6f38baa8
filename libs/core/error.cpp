#include "core/error.hpp"

namespace agora {
namespace {

struct KindInfo {
    int status;
    std::string_view message;
    std::string_view name;
};

KindInfo info(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::kValidation: return {400, "input validation error", "validation"};
        case ErrorKind::kBadRequest: return {400, "bad request", "bad_request"};
        case ErrorKind::kMalformedJson: return {400, "invalid JSON syntax", "malformed_json"};
        case ErrorKind::kWrongType: return {400, "invalid value", "wrong_type"};
        case ErrorKind::kMissingBody: return {400, "missing body request", "missing_body"};
        case ErrorKind::kBadPathId: return {400, "expected a numeric value", "bad_path_id"};
        case ErrorKind::kUnauthorized: return {401, "unauthorized", "unauthorized"};
        case ErrorKind::kForbidden: return {403, "forbidden", "forbidden"};
        case ErrorKind::kNotFound: return {404, "not found", "not_found"};
        case ErrorKind::kRouteNotFound: return {404, "route not found", "route_not_found"};
        case ErrorKind::kMethodNotAllowed: return {405, "method not allowed", "method_not_allowed"};
        case ErrorKind::kTimeout:
            return {408, "failed to process request in time, please try again", "timeout"};
        case ErrorKind::kDuplicate: return {409, "request duplicate", "duplicate"};
        case ErrorKind::kConflict: return {409, "conflict", "conflict"};
        case ErrorKind::kPayloadTooLarge: return {413, "request body too large", "payload_too_large"};
        case ErrorKind::kHeaderTooLarge: return {431, "request header too large", "header_too_large"};
        case ErrorKind::kUnsupportedMediaType: return {415, "unsupported media type", "unsupported_media_type"};
        case ErrorKind::kTooManyRequests: return {429, "too many requests", "too_many_requests"};
        case ErrorKind::kNotImplemented: return {501, "method not implemented", "not_implemented"};
        case ErrorKind::kUnavailable: return {503, "service unavailable", "unavailable"};
        case ErrorKind::kGatewayTimeout: return {504, "gateway timeout", "gateway_timeout"};
        case ErrorKind::kInternal: break;
    }
    return {500, "currently our server is facing unexpected error, please try again later", "internal"};
}

}  // namespace

int http_status(ErrorKind kind) { return info(kind).status; }

std::string public_message(const Error& error) {
    if (error.kind == ErrorKind::kInternal || error.message.empty()) return std::string(info(error.kind).message);
    return error.message;
}

std::string_view kind_name(ErrorKind kind) { return info(kind).name; }

}  // namespace agora
