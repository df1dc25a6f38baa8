#pragma once
// One consumed Kafka record, as a handler sees it.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agora::kafka {

struct Record {
    std::string topic;
    int partition = 0;
    std::int64_t offset = 0;
    std::string key;
    std::string payload;
    std::int64_t timestamp_ms = 0;  // the broker's or producer's timestamp; 0 when absent
    std::vector<std::pair<std::string, std::string>> headers;  // event_id, event_type, occurred_at, ...

    // The first value of a header, empty when absent.
    std::string_view header(std::string_view name) const {
        for (const auto& [key, value] : headers) {
            if (key == name) return value;
        }
        return {};
    }
    std::string_view event_id() const { return header("event_id"); }
    std::string_view event_type() const { return header("event_type"); }
};

}  // namespace agora::kafka
