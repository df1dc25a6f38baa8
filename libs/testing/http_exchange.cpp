#include "testing/http_exchange.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>

namespace agora::testing {

std::string HttpReply::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

boost::json::value HttpReply::json() const {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    return ec ? boost::json::value() : v;
}

boost::json::object HttpReply::data() const {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return {};
    auto* d = v.as_object().if_contains("data");
    return d && d->is_object() ? d->as_object() : boost::json::object{};
}

HttpReply http_exchange(int port, const std::string& request, std::chrono::seconds timeout) {
    HttpReply reply;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return reply;
    }
    timeval tv{static_cast<time_t>(timeout.count()), 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string out;
    char buf[8192];
    while (true) {
        auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    auto head_end = out.find("\r\n\r\n");
    if (out.size() < 12 || head_end == std::string::npos) return reply;
    reply.status = std::stoi(out.substr(9, 3));
    size_t line = out.find("\r\n") + 2;
    while (line < head_end) {
        size_t end = out.find("\r\n", line);
        auto text = out.substr(line, end - line);
        auto colon = text.find(':');
        if (colon != std::string::npos) {
            std::string name = text.substr(0, colon);
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            auto value = text.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(value.begin());
            reply.headers[name] = value;
        }
        line = end + 2;
    }
    reply.body = out.substr(head_end + 4);
    return reply;
}

}  // namespace agora::testing
