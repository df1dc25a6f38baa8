#include "secrets.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/hex.hpp"
#include "core/log.hpp"

namespace agora::auth_service {
namespace {

constexpr std::size_t kPepperBytes = 32;

Result<void> make_parent(const std::filesystem::path& file) {
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) return fail(ErrorKind::kInternal, "cannot create " + file.parent_path().string() + ": " + ec.message());
    return {};
}

// Written under a temporary name with mode 600 and renamed into place, so a reader never sees half a file.
Result<void> write_private(const std::filesystem::path& file, const std::string& content) {
    if (auto done = make_parent(file); !done) return std::unexpected(done.error());
    auto temporary = file;
    temporary += ".tmp";
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail(ErrorKind::kInternal, "cannot write " + file.string() + ": " + std::strerror(errno));
    bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
                   ::fsync(fd) == 0;
    ::close(fd);
    if (!written || ::rename(temporary.c_str(), file.c_str()) != 0) {
        ::unlink(temporary.c_str());
        return fail(ErrorKind::kInternal, "cannot write " + file.string());
    }
    return {};
}

}  // namespace

Result<auth::SigningKey> load_or_create_signing_key(const std::filesystem::path& file) {
    if (std::filesystem::exists(file)) return auth::SigningKey::load_pem(file);
    auto key = AGORA_TRY(auth::SigningKey::generate());
    if (auto done = make_parent(file); !done) return std::unexpected(done.error());
    if (auto done = key.save_pem(file); !done) return std::unexpected(done.error());
    log::info("signing key generated", {{"file", file.string()}, {"kid", key.kid()}});
    return key;
}

Result<std::string> load_or_create_pepper(const std::filesystem::path& file) {
    if (std::filesystem::exists(file)) {
        std::ifstream in(file, std::ios::binary);
        std::stringstream content;
        content << in.rdbuf();
        std::string pepper = content.str();
        while (!pepper.empty() && (pepper.back() == '\n' || pepper.back() == '\r')) pepper.pop_back();
        if (!in || pepper.size() < 16) {
            return fail(ErrorKind::kInternal,
                        "AUTH_CODE_PEPPER_FILE: " + file.string() + " is unreadable or too short");
        }
        return pepper;
    }
    std::array<unsigned char, kPepperBytes> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        return fail(ErrorKind::kInternal, "no random bytes for the code pepper");
    }
    std::string pepper = to_hex(bytes.data(), bytes.size());
    if (auto done = write_private(file, pepper + "\n"); !done) return std::unexpected(done.error());
    log::info("code pepper generated", {{"file", file.string()}});
    return pepper;
}

}  // namespace agora::auth_service
