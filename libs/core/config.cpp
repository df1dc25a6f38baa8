#include "core/config.hpp"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

namespace agora::config {
namespace {

bool parse_int(std::string_view s, std::int64_t& out) {
    if (s.empty()) return false;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && ptr == s.data() + s.size();
}

}  // namespace

Env::Env(Lookup lookup) : lookup_(std::move(lookup)) {
    if (!lookup_) lookup_ = [](const char* name) { return std::getenv(name); };
}

Env Env::from_values(std::map<std::string, std::string> values) {
    auto held = std::make_shared<const std::map<std::string, std::string>>(std::move(values));
    return Env([held](const char* name) -> const char* {
        auto it = held->find(name);
        return it == held->end() ? nullptr : it->second.c_str();
    });
}

const char* Env::raw(const char* name) const {
    const char* v = lookup_(name);
    return (v && *v) ? v : nullptr;
}

void Env::note(const char* name, std::string shown) { summary_.emplace_back(name, std::move(shown)); }

void Env::problem(const char* name, std::string_view expected, std::string_view got) {
    problems_.push_back(std::string(name) + ": expected " + std::string(expected) + ", got '" + std::string(got) + "'");
}

std::string Env::text(const char* name, std::string_view fallback) {
    const char* v = raw(name);
    std::string value = v ? std::string(v) : std::string(fallback);
    note(name, value);
    return value;
}

// A secret may also come from the file <NAME>_FILE names, as Docker Swarm mounts its secrets under
// /run/secrets (docs/operations.md, "Settings of every service"); the file's path is shown, not its content.
std::string Env::secret(const char* name, std::string_view fallback) {
    const char* v = raw(name);
    note(name, "***");
    const std::string file_variable = std::string(name) + "_FILE";
    const char* file = raw(file_variable.c_str());
    if (file == nullptr) return v ? std::string(v) : std::string(fallback);
    note(file_variable.c_str(), file);
    if (v != nullptr) {
        problems_.push_back(std::string(name) + " and " + file_variable + ": set one or the other, not both");
        return v;
    }
    std::ifstream in(file, std::ios::binary);
    std::error_code ec;
    if (!in || !std::filesystem::is_regular_file(file, ec)) {
        problems_.push_back(file_variable + ": cannot read " + file);
        return std::string(fallback);
    }
    std::string value{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    // Files written by hand or by `echo` end in a newline that is not part of the secret.
    if (value.ends_with('\n')) value.pop_back();
    return value;
}

std::int64_t Env::integer(const char* name, std::int64_t fallback, std::int64_t min, std::int64_t max) {
    const char* v = raw(name);
    std::int64_t value = fallback;
    if (v && (!parse_int(v, value) || value < min || value > max)) {
        problem(name, "an integer in " + std::to_string(min) + ".." + std::to_string(max), v);
        value = fallback;
    }
    note(name, std::to_string(value));
    return value;
}

double Env::fraction(const char* name, double fallback) {
    const char* v = raw(name);
    double value = fallback;
    if (v) {
        std::string_view text(v);
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || end != text.data() + text.size() || !(value >= 0 && value <= 1)) {
            problem(name, "a number in 0..1", v);
            value = fallback;
        }
    }
    note(name, std::to_string(value));
    return value;
}

int Env::port(const char* name, int fallback) { return static_cast<int>(integer(name, fallback, 1, 65535)); }

std::chrono::milliseconds Env::millis(const char* name, std::chrono::milliseconds fallback) {
    return std::chrono::milliseconds(integer(name, fallback.count(), 0, std::int64_t{1} << 40));
}

std::chrono::seconds Env::seconds(const char* name, std::chrono::seconds fallback) {
    return std::chrono::seconds(integer(name, fallback.count(), 0, std::int64_t{1} << 32));
}

bool Env::flag(const char* name, bool fallback) {
    const char* v = raw(name);
    bool value = fallback;
    if (v) {
        std::string_view s(v);
        if (s == "1" || s == "true" || s == "yes" || s == "on") {
            value = true;
        } else if (s == "0" || s == "false" || s == "no" || s == "off") {
            value = false;
        } else {
            problem(name, "true or false", s);
        }
    }
    note(name, value ? "true" : "false");
    return value;
}

Result<void> Env::check() const {
    if (problems_.empty()) return {};
    std::string all = "invalid configuration:";
    for (const auto& p : problems_) all += "\n  " + p;
    return fail(ErrorKind::kInternal, all);
}

}  // namespace agora::config
