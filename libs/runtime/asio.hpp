#pragma once
// The Asio names Agora code uses, in one place.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace agora {
namespace asio = boost::asio;
template <class T = void>
using Task = asio::awaitable<T>;
}  // namespace agora
