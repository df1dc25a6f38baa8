#include "core/log.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/scope.hpp"

namespace agora::log {
namespace {

std::string g_service = "agora";
std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
std::shared_ptr<spdlog::logger> g_logger;

std::string_view level_name(Level l) {
    switch (l) {
        case Level::kDebug: return "debug";
        case Level::kInfo: return "info";
        case Level::kWarn: return "warn";
        case Level::kError: return "error";
    }
    return "info";
}

void append_string(std::string& out, std::string_view s) { out += boost::json::serialize(boost::json::string(s)); }

// Ids are hex and request ids are checked to be [A-Za-z0-9._-] on entry: neither needs escaping.
void append_scope(std::string& out, const trace::Scope& scope) {
    if (scope.context.valid()) {
        out += ",\"trace_id\":\"";
        std::size_t at = out.size();
        out.append(32, '0');
        to_hex(scope.context.trace_id.data(), scope.context.trace_id.size(), out.data() + at);
        out += "\",\"span_id\":\"";
        at = out.size();
        out.append(16, '0');
        to_hex(scope.context.span_id.data(), scope.context.span_id.size(), out.data() + at);
        out += '"';
    }
    if (!scope.request_id.empty()) {
        out += ",\"request_id\":";
        append_string(out, scope.request_id);
    }
}

}  // namespace

std::string format(std::string_view ts, Level level, std::string_view service, std::string_view msg,
                   std::initializer_list<Field> fields, const trace::Scope* scope) {
    std::string out;
    out.reserve(200 + msg.size());
    out += "{\"ts\":";
    append_string(out, ts);
    out += ",\"level\":";
    append_string(out, level_name(level));
    out += ",\"service\":";
    append_string(out, service);
    out += ",\"msg\":";
    append_string(out, msg);
    if (scope != nullptr) append_scope(out, *scope);
    for (const auto& f : fields) {
        out += ',';
        append_string(out, f.key);
        out += ':';
        append_string(out, f.value);
    }
    out += '}';
    return out;
}

void init(std::string_view service, std::string_view level) {
    g_service = std::string(service);
    Level min = Level::kInfo;
    if (level == "debug") min = Level::kDebug;
    if (level == "warn") min = Level::kWarn;
    if (level == "error") min = Level::kError;
    g_min_level = static_cast<int>(min);
    spdlog::init_thread_pool(8192, 1);
    g_logger = std::make_shared<spdlog::async_logger>("agora", std::make_shared<spdlog::sinks::stdout_sink_mt>(),
                                                      spdlog::thread_pool(), spdlog::async_overflow_policy::overrun_oldest);
    g_logger->set_pattern("%v");
    g_logger->flush_on(spdlog::level::warn);
    spdlog::flush_every(std::chrono::seconds(1));
}

void add_sink(std::shared_ptr<spdlog::sinks::sink> sink) {
    if (g_logger) g_logger->sinks().push_back(std::move(sink));
}

void flush() {
    if (g_logger) g_logger->flush();
}

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
    if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
    std::string line = format(clock::format_rfc3339(clock::now()), level, g_service, msg, fields, trace::current());
    if (g_logger) {
        g_logger->info(line);
    } else {
        std::fprintf(stderr, "%s\n", line.c_str());
    }
}

}  // namespace agora::log
