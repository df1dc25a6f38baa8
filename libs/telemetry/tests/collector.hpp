#pragma once
// A tiny trace and log collector for tests: the kit's HTTP server on a free port, keeping every body it
// receives (JSON lines on /insert/jsonline; OTLP protobuf on /v1/traces, kept in OTLP's JSON form so
// that tests read ids as hex and find strings between quotes).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "core/hex.hpp"
#include "http/envelope.hpp"
#include "http/server.hpp"
#include "testing/protobuf_fields.hpp"

namespace agora::tracing {

// An OTLP ExportTraceServiceRequest (protobuf) in OTLP's JSON encoding, for the fields the kit writes.
inline std::string otlp_json(std::string_view request) {
    using testing::proto_all, testing::proto_fields, testing::proto_one;
    auto hex = [](const std::string& bytes) {
        return boost::json::value(to_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
    };
    auto key_values = [](const std::vector<testing::ProtoField>& fields, int number) {
        boost::json::array out;
        for (const auto& kv : proto_all(fields, number)) {
            auto kv_fields = proto_fields(kv.bytes);
            auto any = proto_fields(proto_one(kv_fields, 2).bytes);
            boost::json::object value;
            if (!proto_all(any, 1).empty()) value["stringValue"] = proto_one(any, 1).bytes;
            if (!proto_all(any, 2).empty()) value["boolValue"] = proto_one(any, 2).number_value != 0;
            if (!proto_all(any, 3).empty()) {
                value["intValue"] = std::to_string(static_cast<std::int64_t>(proto_one(any, 3).number_value));
            }
            out.push_back(boost::json::object{{"key", proto_one(kv_fields, 1).bytes}, {"value", value}});
        }
        return out;
    };
    boost::json::array resource_spans;
    for (const auto& rs : proto_all(proto_fields(request), 1)) {
        auto rs_fields = proto_fields(rs.bytes);
        boost::json::object resource{{"attributes", key_values(proto_fields(proto_one(rs_fields, 1).bytes), 1)}};
        boost::json::array spans;
        auto scope_spans = proto_fields(proto_one(rs_fields, 2).bytes);
        for (const auto& span : proto_all(scope_spans, 2)) {
            auto f = proto_fields(span.bytes);
            boost::json::object o{{"traceId", hex(proto_one(f, 1).bytes)},
                                  {"spanId", hex(proto_one(f, 2).bytes)},
                                  {"name", proto_one(f, 5).bytes},
                                  {"kind", proto_one(f, 6).number_value},
                                  {"startTimeUnixNano", std::to_string(proto_one(f, 7).number_value)},
                                  {"endTimeUnixNano", std::to_string(proto_one(f, 8).number_value)},
                                  {"attributes", key_values(f, 9)}};
            if (!proto_all(f, 4).empty()) o["parentSpanId"] = hex(proto_one(f, 4).bytes);
            boost::json::array links;
            for (const auto& link : proto_all(f, 13)) {
                auto l = proto_fields(link.bytes);
                links.push_back(boost::json::object{{"traceId", hex(proto_one(l, 1).bytes)},
                                                    {"spanId", hex(proto_one(l, 2).bytes)}});
            }
            if (!links.empty()) o["links"] = links;
            if (!proto_all(f, 15).empty()) {
                auto status = proto_fields(proto_one(f, 15).bytes);
                o["status"] = boost::json::object{{"code", proto_one(status, 3).number_value},
                                                  {"message", proto_one(status, 2).bytes}};
            }
            spans.push_back(o);
        }
        resource_spans.push_back(boost::json::object{
            {"resource", resource}, {"scopeSpans", boost::json::array{boost::json::object{{"spans", spans}}}}});
    }
    return boost::json::serialize(boost::json::object{{"resourceSpans", resource_spans}});
}

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
            std::string type(r.header("Content-Type"));
            received_.emplace_back(std::string(r.raw().target()),
                                   type == "application/x-protobuf" ? otlp_json(r.body()) : r.body(), type);
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
