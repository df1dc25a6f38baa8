#pragma once
// A Lua script with its SHA1 computed once, so each call sends EVALSHA and the digest instead of the
// body; Client::eval falls back to EVAL (which also caches it on the server) after a NOSCRIPT reply, as
// after a restart of Redis or SCRIPT FLUSH.
#include <string>
#include <string_view>

namespace agora::redis {

class Script {
public:
    explicit Script(std::string_view body);

    const std::string& body() const { return body_; }
    const std::string& sha() const { return sha_; }  // 40 lowercase hex digits

private:
    std::string body_;
    std::string sha_;
};

}  // namespace agora::redis
