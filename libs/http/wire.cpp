#include "http/wire.hpp"

namespace agora::http {
namespace {

template <class Fields>
void append_fields(std::string& out, const Fields& fields) {
    for (const auto& field : fields) {
        out += field.name_string();
        out += ": ";
        out += field.value();
        out += "\r\n";
    }
    out += "\r\n";
}

// The status line and fields, with room for `body` more bytes.
std::string response_head(const Response& res, std::size_t body) {
    std::string out;
    out.reserve(256 + body);
    out += "HTTP/1.1 ";
    out += std::to_string(res.result_int());
    out += ' ';
    out += res.reason();
    out += "\r\n";
    append_fields(out, res);
    return out;
}

}  // namespace

std::string wire_bytes(const Response& res) {
    std::string out = response_head(res, res.body().size());
    out += res.body();
    return out;
}

std::string wire_head(const Response& res) {
    if (res.body().size() >= kCopiedBodyLimit) return response_head(res, 0);
    return wire_bytes(res);
}

std::string_view wire_tail(const Response& res) {
    if (res.body().size() >= kCopiedBodyLimit) return res.body();
    return {};
}

std::string wire_bytes(const RawRequest& req) {
    std::string out;
    out.reserve(256 + req.body().size());
    out += req.method_string();
    out += ' ';
    out += req.target();
    out += " HTTP/1.1\r\n";
    append_fields(out, req);
    out += req.body();
    return out;
}

}  // namespace agora::http
