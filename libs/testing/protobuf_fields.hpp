#pragma once
// A protobuf reader for tests: a message as its fields, by number, in order (wire types 0, 1 and 2,
// which is all OTLP uses). Nested messages are read again from a field's bytes.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace agora::testing {

struct ProtoField {
    int number = 0;
    std::uint64_t number_value = 0;  // varint or fixed64
    std::string bytes;               // length-delimited: a string, bytes or a nested message
};

inline std::vector<ProtoField> proto_fields(std::string_view in) {
    std::vector<ProtoField> out;
    std::size_t at = 0;
    auto varint = [&] {
        std::uint64_t v = 0;
        for (int shift = 0; at < in.size() && shift < 64; shift += 7) {
            auto byte = static_cast<unsigned char>(in[at++]);
            v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if (!(byte & 0x80)) return v;
        }
        ADD_FAILURE() << "truncated varint";
        return v;
    };
    while (at < in.size()) {
        auto key = varint();
        ProtoField f;
        f.number = static_cast<int>(key >> 3);
        switch (key & 7) {
            case 0: f.number_value = varint(); break;
            case 1:
                for (int i = 0; i < 8 && at < in.size(); ++i) {
                    f.number_value |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[at++])) << (8 * i);
                }
                break;
            case 2: {
                auto size = varint();
                if (at + size > in.size()) {
                    ADD_FAILURE() << "truncated field " << f.number;
                    return out;
                }
                f.bytes = std::string(in.substr(at, size));
                at += size;
                break;
            }
            default: ADD_FAILURE() << "unexpected wire type " << (key & 7); return out;
        }
        out.push_back(std::move(f));
    }
    return out;
}

// The fields numbered `number`, in order.
inline std::vector<ProtoField> proto_all(const std::vector<ProtoField>& fields, int number) {
    std::vector<ProtoField> out;
    for (const auto& f : fields) {
        if (f.number == number) out.push_back(f);
    }
    return out;
}

// The one field numbered `number` (a failure when there is none or several).
inline ProtoField proto_one(const std::vector<ProtoField>& fields, int number) {
    auto found = proto_all(fields, number);
    EXPECT_EQ(found.size(), 1u) << "field " << number;
    return found.empty() ? ProtoField{} : found.front();
}

}  // namespace agora::testing
