#pragma once
// Reading HTTP/1.1 messages off a socket by feeding Beast's parser directly. A small message arrives
// whole in one read; parsing what is buffered spares the trips through the event loop that Beast's
// composed read operations take even when no byte is missing (each completes by a post), and their
// layers of handlers. Measured on the proxy path in docs/benchmarks.md.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "runtime/asio.hpp"

namespace agora::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
using ResponseParser = boost::beast::http::response_parser<boost::beast::http::string_body>;

// Feeds the parser what the buffer holds and consumes it; no error when more bytes are needed.
boost::system::error_code parse_buffered(RequestParser& parser, boost::beast::flat_buffer& buffer);
boost::system::error_code parse_buffered(ResponseParser& parser, boost::beast::flat_buffer& buffer);

// Reads until the parser holds a whole response: what the buffer holds first, then the socket's bytes
// as they come. Beast's errors as its own read gives them: end_of_stream for a close before any byte,
// partial_message for one mid-message, body_limit past the parser's limit.
Task<boost::system::error_code> read_response(boost::asio::ip::tcp::socket& socket, boost::beast::flat_buffer& buffer,
                                              ResponseParser& parser);

}  // namespace agora::http
