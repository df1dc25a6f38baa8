#include "core/clock.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace agora::clock {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
    if (pos + n > s.size()) return false;
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + n, out);
    return ec == std::errc{} && p == s.data() + pos + n;
}

}  // namespace

TimePoint now() { return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()); }

std::string format_rfc3339(TimePoint t) {
    using namespace std::chrono;
    auto day = floor<days>(t);
    year_month_day ymd{day};
    auto micros = (t - day).count();  // of the day, 0 to 86,399,999,999
    // Written two digits at a time into a buffer: every product, order and log line formats its times here.
    static constexpr char kPairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    char out[] = "0000-00-00T00:00:00.000000Z";
    auto pair = [&out](std::size_t at, long long value) {
        std::memcpy(out + at, kPairs + 2 * value, 2);
    };
    int year = std::clamp(int(ymd.year()), 0, 9999);  // RFC 3339 has four digits for it
    pair(0, year / 100 % 100);
    pair(2, year % 100);
    pair(5, unsigned(ymd.month()));
    pair(8, unsigned(ymd.day()));
    auto seconds = micros / 1'000'000;
    pair(11, seconds / 3600);
    pair(14, seconds / 60 % 60);
    pair(17, seconds % 60);
    auto fraction = micros % 1'000'000;
    pair(20, fraction / 10'000);
    pair(22, fraction / 100 % 100);
    pair(24, fraction % 100);
    return std::string(out, sizeof out - 1);
}

std::optional<TimePoint> parse(std::string_view s) {
    using namespace std::chrono;
    int y, mo, d, h, mi, sec;
    if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
        !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2, h) || s[13] != ':' ||
        !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
        return std::nullopt;
    }
    size_t pos = 19;
    long long micros = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int n = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n < 6) micros = micros * 10 + (s[pos] - '0'), ++n;
            ++pos;
        }
        while (n++ < 6) micros *= 10;
    }
    int offset_minutes = 0;
    std::string_view zone = s.substr(pos);
    if (zone == "Z" || zone == "z") {
    } else if (!zone.empty() && (zone[0] == '+' || zone[0] == '-')) {
        int oh = 0, om = 0;
        if (!digits(zone, 1, 2, oh)) return std::nullopt;
        if (zone.size() >= 6 && zone[3] == ':' && !digits(zone, 4, 2, om)) return std::nullopt;
        offset_minutes = (oh * 60 + om) * (zone[0] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    return sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + microseconds{micros} - minutes{offset_minutes};
}

}  // namespace agora::clock
