#include "redis/cluster_replies.hpp"

#include <charconv>

#include "redis/slot.hpp"

namespace agora::redis {
namespace {

std::optional<int> integer_in(std::string_view text, int min, int max) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) return std::nullopt;
    return value;
}

}  // namespace

std::optional<std::vector<SlotRange>> parse_cluster_slots(const Reply& reply) {
    if (reply.type != Reply::Type::kArray) return std::nullopt;
    std::vector<SlotRange> ranges;
    ranges.reserve(reply.elements.size());
    for (const auto& entry : reply.elements) {
        // [first, last, [host, port, id, ...], replicas...]
        if (entry.type != Reply::Type::kArray || entry.elements.size() < 3) return std::nullopt;
        const auto& first = entry.elements[0];
        const auto& last = entry.elements[1];
        const auto& master = entry.elements[2];
        if (first.type != Reply::Type::kInteger || last.type != Reply::Type::kInteger) return std::nullopt;
        if (first.integer < 0 || last.integer < first.integer || last.integer >= kSlotCount) return std::nullopt;
        if (master.type != Reply::Type::kArray || master.elements.size() < 2) return std::nullopt;
        if (master.elements[0].type != Reply::Type::kString || master.elements[1].type != Reply::Type::kInteger) {
            return std::nullopt;
        }
        auto port = master.elements[1].integer;
        if (port < 1 || port > 65535) return std::nullopt;
        std::string host = master.elements[0].text;
        if (host == "?") host.clear();  // an endpoint the node does not know: its own address
        ranges.push_back({static_cast<int>(first.integer),
                          static_cast<int>(last.integer),
                          {std::move(host), static_cast<int>(port)}});
    }
    return ranges;
}

std::optional<Redirect> parse_redirect(const Reply& reply) {
    if (!reply.is_error()) return std::nullopt;
    std::string_view text = reply.text;
    Redirect redirect;
    if (text.starts_with("MOVED ")) {
        redirect.kind = Redirect::Kind::kMoved;
        text.remove_prefix(6);
    } else if (text.starts_with("ASK ")) {
        redirect.kind = Redirect::Kind::kAsk;
        text.remove_prefix(4);
    } else {
        return std::nullopt;
    }
    auto space = text.find(' ');
    auto colon = text.rfind(':');
    if (space == std::string_view::npos || colon == std::string_view::npos || colon < space) return std::nullopt;
    auto slot = integer_in(text.substr(0, space), 0, kSlotCount - 1);
    auto port = integer_in(text.substr(colon + 1), 1, 65535);
    if (!slot || !port) return std::nullopt;
    redirect.slot = *slot;
    redirect.to = {std::string(text.substr(space + 1, colon - space - 1)), *port};
    return redirect;
}

}  // namespace agora::redis
