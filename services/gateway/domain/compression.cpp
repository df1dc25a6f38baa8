#include "domain/compression.hpp"

#include <zlib.h>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

namespace agora::gateway {
namespace {

bool compressible(std::string_view content_type) {
    return content_type.starts_with("application/json") || content_type.starts_with("text/") ||
           content_type.starts_with("application/yaml");
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
    for (const auto& element : boost::beast::http::ext_list(accept_encoding)) {
        if (!boost::beast::iequals(element.first, "gzip") && element.first != "*") continue;
        for (const auto& param : element.second) {
            if (boost::beast::iequals(param.first, "q")) {
                std::string_view q = param.second;
                // "0", "0.0", "0.00", "0.000" refuse; anything else accepts.
                return q.find_first_not_of("0.") != std::string_view::npos;
            }
        }
        return true;
    }
    return false;
}

std::optional<std::string> gzip(std::string_view data) {
    z_stream zs{};
    // 15 + 16: a gzip wrapper around a full-size window.
    if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
    std::string out;
    out.resize(deflateBound(&zs, static_cast<uLong>(data.size())));
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) return std::nullopt;
    return out;
}

void compress_if_worth_it(const http::Request& req, http::Response& res) {
    if (res.body().size() < kCompressFrom || res.count(http::Field::content_encoding) > 0) return;
    if (!compressible(res[http::Field::content_type]) || !accepts_gzip(req.header("Accept-Encoding"))) return;
    auto packed = gzip(res.body());
    if (!packed || packed->size() >= res.body().size()) return;
    res.body() = std::move(*packed);
    res.set(http::Field::content_encoding, "gzip");
    res.set(http::Field::vary, "Accept-Encoding");
}

}  // namespace agora::gateway
