#pragma once
// Routes by method and path pattern ("/products/{id}"). A path with one trailing slash is the same
// route ("/products/" is "/products"). Unknown paths are 404 "route not found"; known paths
// with another method are 405 with an Allow header.
//
// A request that asserts an identity (the gateway's identity headers) or calls an /internal/ route must
// carry a valid internal signature (docs/adr/0010), an internal route a service's rather than the
// gateway's; anything else is 401 before the handler runs. A router without trust() accepts none.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/internal_signature.hpp"
#include "http/message.hpp"
#include "runtime/asio.hpp"

namespace agora::http {

using Handler = std::function<Task<Response>(Request&)>;

// A handler object of class H (one with `Task<Response> handle(Request&)`), made from `args` and owned by
// the route it answers:  router.post("/orders", http::make_handler<CreateOrder>(context));
template <class H, class... Args>
Handler make_handler(Args&&... args) {
    auto handler = std::make_shared<H>(std::forward<Args>(args)...);
    return [handler](Request& req) { return handler->handle(req); };
}

class Router {
public:
    Router& add(Verb method, std::string_view pattern, Handler handler);
    Router& get(std::string_view pattern, Handler h) { return add(Verb::get, pattern, std::move(h)); }
    Router& post(std::string_view pattern, Handler h) { return add(Verb::post, pattern, std::move(h)); }
    Router& put(std::string_view pattern, Handler h) { return add(Verb::put, pattern, std::move(h)); }
    Router& del(std::string_view pattern, Handler h) { return add(Verb::delete_, pattern, std::move(h)); }
    // The signatures this router accepts; `signature` must outlive it.
    Router& trust(const InternalSignature& signature) {
        signature_ = &signature;
        return *this;
    }

    struct Match {
        const Handler* handler = nullptr;                          // set when found
        const std::string* pattern = nullptr;                      // the route's pattern when found
        std::vector<std::pair<std::string, std::string>> params;   // path parameters
        std::string allow;                                         // for 405: "GET, POST"
    };
    Match match(Verb method, std::string_view path) const;

    // Routes the request and runs its handler, answering 404/405 itself.
    Task<Response> dispatch(Request& req) const;

private:
    struct Route {
        Verb method;
        std::string pattern;
        std::vector<std::string> segments;  // "{name}" marks a parameter
        Handler handler;
    };
    static bool matches(const Route& r, const std::vector<std::string_view>& parts,
                        std::vector<std::pair<std::string, std::string>>& params);
    // Records who signed the request; false when it needed a signature it does not validly carry.
    bool admit(Request& req) const;
    std::vector<Route> routes_;
    const InternalSignature* signature_ = nullptr;
};

// Splits "/a/b/" into {"a","b"}; the root is {}.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace agora::http
