#include "http/reading.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/beast/http/error.hpp>

namespace agora::http {
namespace {

namespace beast = boost::beast;
// What one read asks for: a whole small response, and Beast's own read size.
constexpr std::size_t kReadSize = 4096;

template <class Parser>
boost::system::error_code parse_what_is_buffered(Parser& parser, beast::flat_buffer& buffer) {
    boost::system::error_code ec;
    while (buffer.size() > 0 && !parser.is_done()) {
        auto used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec == beast::http::error::need_more) return {};
        if (ec || used == 0) break;
    }
    return ec;
}

}  // namespace

boost::system::error_code parse_buffered(RequestParser& parser, beast::flat_buffer& buffer) {
    return parse_what_is_buffered(parser, buffer);
}

boost::system::error_code parse_buffered(ResponseParser& parser, beast::flat_buffer& buffer) {
    return parse_what_is_buffered(parser, buffer);
}

Task<boost::system::error_code> read_response(boost::asio::ip::tcp::socket& socket, beast::flat_buffer& buffer,
                                              ResponseParser& parser) {
    for (;;) {
        if (auto ec = parse_buffered(parser, buffer); ec || parser.is_done()) co_return ec;
        auto [ec, n] = co_await socket.async_read_some(buffer.prepare(kReadSize), asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::eof) {
            // A close ends a body that had no length; anywhere else it cuts the message short.
            if (!parser.got_some()) co_return beast::http::error::end_of_stream;
            boost::system::error_code end;
            parser.put_eof(end);
            co_return end;
        }
        if (ec) co_return ec;
        buffer.commit(n);
    }
}

}  // namespace agora::http
