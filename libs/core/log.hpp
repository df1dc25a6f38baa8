#pragma once
// JSON lines on stdout: {"ts","level","service","msg", ...fields}. A line written for a request or a
// message (trace::current()) also carries trace_id, span_id and request_id. Writing goes through a bounded
// queue to a background thread, so an event-loop thread never blocks on the log; when the queue is
// full the oldest lines are dropped rather than stalling requests.
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace spdlog::sinks {
class sink;
}

namespace agora::trace {
struct Scope;
}

namespace agora::log {

enum class Level { kDebug, kInfo, kWarn, kError };

struct Field {
    std::string_view key;
    std::string value;
};

// Call once at start-up; before it, lines go to stderr synchronously.
void init(std::string_view service, std::string_view level);
void flush();
// Another destination for every line (the log shipper, tests). Call right after init(), before other
// threads log.
void add_sink(std::shared_ptr<spdlog::sinks::sink> sink);

void write(Level level, std::string_view msg, std::initializer_list<Field> fields);
inline void debug(std::string_view msg, std::initializer_list<Field> f = {}) { write(Level::kDebug, msg, f); }
inline void info(std::string_view msg, std::initializer_list<Field> f = {}) { write(Level::kInfo, msg, f); }
inline void warn(std::string_view msg, std::initializer_list<Field> f = {}) { write(Level::kWarn, msg, f); }
inline void error(std::string_view msg, std::initializer_list<Field> f = {}) { write(Level::kError, msg, f); }

// The JSON line for a record, without the trailing newline (exposed for tests).
std::string format(std::string_view ts, Level level, std::string_view service, std::string_view msg,
                   std::initializer_list<Field> fields, const trace::Scope* scope = nullptr);

}  // namespace agora::log
