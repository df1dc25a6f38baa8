#pragma once
// A tiny trace and log collector for tests: the kit's HTTP server on a free port, keeping every body it
// receives (OTLP JSON on /v1/traces, JSON lines on /insert/jsonline).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "http/envelope.hpp"
#include "http/server.hpp"

namespace agora::tracing {

class Collector {
public:
    Collector() {
        server_ = std::make_unique<http::Server>(loops_, http::ServerConfig{}, [this](http::Request& r) {
            return receive(r);
        });
        EXPECT_TRUE(server_->start());
        thread_ = std::thread([this] { loops_.run(); });
    }
    ~Collector() {
        asio::post(loops_.at(0), [this] {
            server_->stop();
            loops_.stop();
        });
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

    // The bodies received on a path whose text contains `needle`, waiting up to 10 s for one.
    std::vector<std::string> wait_for(std::string_view path, std::string_view needle) {
        for (int i = 0; i < 200; ++i) {
            {
                std::lock_guard lock(mutex_);
                std::vector<std::string> found;
                for (const auto& [p, b, type] : received_) {
                    if (p.starts_with(path) && b.find(needle) != std::string::npos) found.push_back(b);
                }
                if (!found.empty()) return found;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return {};
    }
    // Every body received on a path, in arrival order.
    std::vector<std::string> bodies(std::string_view path) {
        std::lock_guard lock(mutex_);
        std::vector<std::string> out;
        for (const auto& [p, b, type] : received_) {
            if (p.starts_with(path)) out.push_back(b);
        }
        return out;
    }
    std::string content_type_of(std::string_view path) {
        std::lock_guard lock(mutex_);
        for (const auto& [p, b, type] : received_) {
            if (p.starts_with(path)) return type;
        }
        return {};
    }

    // Every span received so far, by span id (hex).
    std::map<std::string, boost::json::object> spans() {
        std::lock_guard lock(mutex_);
        std::map<std::string, boost::json::object> out;
        for (const auto& [p, b, type] : received_) {
            if (!p.starts_with("/v1/traces")) continue;
            auto json = boost::json::parse(b);
            for (auto& rs : json.at("resourceSpans").as_array()) {
                for (auto& s : rs.at("scopeSpans").at(0).at("spans").as_array()) {
                    auto o = s.as_object();
                    o["service"] = rs.at("resource").at("attributes").at(0).at("value").at("stringValue");
                    out[std::string(s.at("spanId").as_string())] = std::move(o);
                }
            }
        }
        return out;
    }

private:
    Task<http::Response> receive(http::Request& r) {
        {
            std::lock_guard lock(mutex_);
            received_.emplace_back(std::string(r.raw().target()), r.body(),
                                   std::string(r.header("Content-Type")));
        }
        co_return http::message("ok");
    }

    runtime::EventLoops loops_{1};
    std::unique_ptr<http::Server> server_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<std::tuple<std::string, std::string, std::string>> received_;
};


// The value of a span attribute as text (string or int), empty when absent.
inline std::string attribute(const boost::json::object& span, std::string_view key) {
    for (const auto& a : span.at("attributes").as_array()) {
        if (a.at("key").as_string() != key) continue;
        const auto& v = a.at("value").as_object();
        if (v.contains("stringValue")) return std::string(v.at("stringValue").as_string());
        if (v.contains("intValue")) return std::string(v.at("intValue").as_string());
        if (v.contains("boolValue")) return v.at("boolValue").as_bool() ? "true" : "false";
    }
    return {};
}

}  // namespace agora::tracing
