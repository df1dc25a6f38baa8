#include "pg/params.hpp"

namespace agora::pg {

std::optional<Failure> refuse_nul(const Params& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (params[i] && params[i]->find('\0') != std::string::npos) {
            return Failure::refusal("parameter $" + std::to_string(i + 1) + " holds a NUL byte, which PostgreSQL text cannot carry");
        }
    }
    return std::nullopt;
}

void c_strings(const Params& params, std::vector<const char*>& out) {
    out.clear();
    out.reserve(params.size());
    for (const auto& p : params) out.push_back(p ? p->c_str() : nullptr);
}

}  // namespace agora::pg
