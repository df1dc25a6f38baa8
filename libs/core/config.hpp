#pragma once
// Configuration comes from environment variables. Every variable has a local default; values are
// validated as they are read and every problem is reported at once, naming the variable.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace agora::config {

class Env {
public:
    using Lookup = std::function<const char*(const char*)>;
    // By default reads the process environment; tests pass their own lookup.
    explicit Env(Lookup lookup = {});
    // Reads from these values instead of the process environment (tests, tools).
    static Env from_values(std::map<std::string, std::string> values);

    std::string text(const char* name, std::string_view fallback);
    // Like text(), but the value is never shown in summary() or logs.
    std::string secret(const char* name, std::string_view fallback);
    int port(const char* name, int fallback);
    std::int64_t integer(const char* name, std::int64_t fallback, std::int64_t min, std::int64_t max);
    std::chrono::milliseconds millis(const char* name, std::chrono::milliseconds fallback);
    std::chrono::seconds seconds(const char* name, std::chrono::seconds fallback);
    bool flag(const char* name, bool fallback);
    // A number in 0..1 ("0.25"): ratios such as a sampling rate.
    double fraction(const char* name, double fallback);

    // A problem found in a value after it was read (a URL that does not parse, two settings that
    // disagree): one line naming the variable, reported by check() with the others.
    void reject(std::string problem) { problems_.push_back(std::move(problem)); }
    // The parsed value, or (reported as `name: why`) a default one when it did not parse.
    template <class T>
    T valid(std::string_view name, Result<T> parsed) {
        if (parsed) return std::move(*parsed);
        reject(std::string(name) + ": " + parsed.error().message);
        return T{};
    }
    // The same for a value whose error names its variable itself.
    template <class T>
    T valid(Result<T> parsed) {
        if (parsed) return std::move(*parsed);
        reject(parsed.error().message);
        return T{};
    }

    // Every problem found so far, one line each; empty when all values were valid.
    const std::vector<std::string>& problems() const { return problems_; }
    // Fails with all problems joined, so start-up can print them and exit.
    Result<void> check() const;
    // name=value for every variable read, secrets masked: safe for the start-up log.
    const std::vector<std::pair<std::string, std::string>>& summary() const { return summary_; }

private:
    const char* raw(const char* name) const;
    void note(const char* name, std::string shown);
    void problem(const char* name, std::string_view expected, std::string_view got);

    Lookup lookup_;
    std::vector<std::string> problems_;
    std::vector<std::pair<std::string, std::string>> summary_;
};

}  // namespace agora::config
