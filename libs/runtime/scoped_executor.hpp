#pragma once
// An executor that installs a trace::Scope around everything it runs: a request's or a message's
// coroutines, spawned on it, find their own scope in trace::current() at every resumption, although
// coroutines of many requests interleave on the thread (docs/adr/0008-tracing-and-log-shipping.md).
//
//   auto scope = std::make_shared<trace::Scope>();
//   asio::co_spawn(runtime::ScopedExecutor(io.get_executor(), scope.get()), work(), [scope](auto...) {});
//
// The scope must outlive every handler queued on the executor: keep it alive in the completion handler.
#include <boost/asio/execution.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>
#include <type_traits>
#include <utility>

#include "core/scope.hpp"

namespace agora::runtime {

template <class Inner>
class ScopedExecutor {
public:
    ScopedExecutor(Inner inner, trace::Scope* scope) noexcept : inner_(std::move(inner)), scope_(scope) {}

    template <class Property>
    auto query(const Property& p) const noexcept(noexcept(boost::asio::query(std::declval<const Inner&>(), p)))
        -> decltype(boost::asio::query(std::declval<const Inner&>(), p)) {
        return boost::asio::query(inner_, p);
    }
    template <class Property>
    auto require(const Property& p) const
        -> ScopedExecutor<std::decay_t<decltype(boost::asio::require(std::declval<const Inner&>(), p))>> {
        return {boost::asio::require(inner_, p), scope_};
    }
    template <class Property>
    auto prefer(const Property& p) const
        -> ScopedExecutor<std::decay_t<decltype(boost::asio::prefer(std::declval<const Inner&>(), p))>> {
        return {boost::asio::prefer(inner_, p), scope_};
    }

    template <class Function>
    void execute(Function&& f) const {
        inner_.execute([scope = scope_, f = std::forward<Function>(f)]() mutable {
            trace::ScopeGuard guard(scope);
            std::move(f)();
        });
    }

    bool operator==(const ScopedExecutor& other) const noexcept {
        return inner_ == other.inner_ && scope_ == other.scope_;
    }
    bool operator!=(const ScopedExecutor& other) const noexcept { return !(*this == other); }

    const Inner& inner() const noexcept { return inner_; }
    trace::Scope* scope() const noexcept { return scope_; }

private:
    template <class>
    friend class ScopedExecutor;
    Inner inner_;
    trace::Scope* scope_;
};

template <class Inner>
ScopedExecutor(Inner, trace::Scope*) -> ScopedExecutor<Inner>;

}  // namespace agora::runtime
