#include "testing/internal_calls.hpp"

#include <fstream>

#include "testing/server_process.hpp"

namespace agora::testing {

http::InternalKeys internal_keys() { return {"agora-test-internal-key-0123456789abcdef", ""}; }

const std::filesystem::path& internal_key_file() {
    static TempDir dir("agora-internal-key");
    static const std::filesystem::path file = [] {
        auto path = dir.path() / "internal-key";
        std::ofstream(path) << internal_keys().key << "\n";
        return path;
    }();
    return file;
}

std::string signature_line(std::string_view signer, std::string_view method, std::string_view target,
                           const HeaderList& headers, std::string_view body, const http::InternalKeys& keys,
                           std::int64_t at) {
    http::RawRequest req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = std::string(body);
    http::InternalSignature(std::string(signer), keys).sign(req, at != 0 ? at : http::InternalSignature::unix_now());
    return std::string(http::kSignatureHeader) + ": " + std::string(req[http::kSignatureHeader]);
}

config::Env env_with_internal_key(std::map<std::string, std::string> values) {
    values.emplace("AGORA_INTERNAL_KEY_FILE", internal_key_file().string());
    return config::Env::from_values(std::move(values));
}

config::Env env_without_internal_key() {
    return config::Env::from_values({{"AGORA_INTERNAL_KEY_FILE", (std::filesystem::temp_directory_path() /
                                                                  "agora-no-such-internal-key").string()}});
}

}  // namespace agora::testing
