#include "auth/keys.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "auth/base64url.hpp"
#include "auth/openssl_handles.hpp"

namespace agora::auth {

std::string openssl_error() {
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "unknown OpenSSL error";
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

namespace {

std::shared_ptr<EVP_PKEY> share(EVP_PKEY* key) { return std::shared_ptr<EVP_PKEY>(key, PkeyFree{}); }

Error io_error(std::string_view what, const std::filesystem::path& path) {
    return Error::internal(std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

// Writes `data` to a new file readable by its owner only.
Result<void> write_owner_only(const std::filesystem::path& path, std::string_view data) {
    struct File {
        int fd;
        ~File() {
            if (fd >= 0) ::close(fd);
        }
    } file{::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)};
    int fd = file.fd;
    if (fd < 0) return fail(io_error("cannot create", path));
    // The file may have existed with wider permissions; O_CREAT's mode applies only to new files.
    if (::fchmod(fd, 0600) != 0) return fail(io_error("cannot restrict", path));
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail(io_error("cannot write", path));
        data.remove_prefix(static_cast<size_t>(n));
    }
    if (::fsync(fd) != 0) return fail(io_error("cannot sync", path));
    return {};
}

}  // namespace

std::string PublicKey::derive_kid(std::span<const unsigned char> raw) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(raw.data(), raw.size(), digest);
    return base64url::encode(std::span<const unsigned char>(digest, 16));
}

Result<PublicKey> PublicKey::from_raw(std::span<const unsigned char> raw, std::string kid) {
    if (raw.size() != kEd25519KeyBytes) return fail(ErrorKind::kInternal, "an Ed25519 public key has 32 bytes");
    EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size());
    if (key == nullptr) return fail(ErrorKind::kInternal, "invalid Ed25519 public key: " + openssl_error());
    PublicKey out;
    out.key_ = share(key);
    std::memcpy(out.raw_.data(), raw.data(), kEd25519KeyBytes);
    out.kid_ = kid.empty() ? derive_kid(raw) : std::move(kid);
    return out;
}

Result<SigningKey> SigningKey::adopt(EVP_PKEY* raw_key) {
    PkeyHandle key(raw_key);
    if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return fail(ErrorKind::kInternal, "not an Ed25519 key");
    std::array<unsigned char, kEd25519KeyBytes> pub{};
    size_t len = pub.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len) != 1 || len != pub.size()) {
        return fail(ErrorKind::kInternal, "cannot read the public half of the key: " + openssl_error());
    }
    auto public_key = PublicKey::from_raw(pub);
    if (!public_key) return std::unexpected(public_key.error());
    SigningKey out;
    out.key_ = share(key.release());
    out.public_ = std::move(*public_key);
    return out;
}

Result<SigningKey> SigningKey::generate() {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    if (key == nullptr) return fail(ErrorKind::kInternal, "Ed25519 key generation failed: " + openssl_error());
    return adopt(key);
}

Result<SigningKey> SigningKey::from_pem(std::string_view pem) {
    BioHandle bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return fail(ErrorKind::kInternal, "out of memory");
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (key == nullptr) return fail(ErrorKind::kInternal, "not a PEM private key: " + openssl_error());
    return adopt(key);
}

Result<SigningKey> SigningKey::load_pem(const std::filesystem::path& path) {
    BioHandle bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) return fail(ErrorKind::kInternal, "cannot open signing key " + path.string() + ": " + openssl_error());
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (key == nullptr) {
        return fail(ErrorKind::kInternal, path.string() + " is not a PEM private key: " + openssl_error());
    }
    return adopt(key);
}

std::string SigningKey::to_pem() const {
    BioHandle bio(BIO_new(BIO_s_mem()));
    // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY") in OpenSSL 3.
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        return {};
    }
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(len));
}

Result<void> SigningKey::save_pem(const std::filesystem::path& path) const {
    std::string pem = to_pem();
    if (pem.empty()) return fail(ErrorKind::kInternal, "cannot encode the signing key: " + openssl_error());
    std::filesystem::path temp = path;
    temp += ".tmp";
    auto written = write_owner_only(temp, pem);
    OPENSSL_cleanse(pem.data(), pem.size());
    if (!written) {
        std::error_code ignored;
        std::filesystem::remove(temp, ignored);
        return written;
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) return fail(ErrorKind::kInternal, "cannot rename " + temp.string() + ": " + ec.message());
    return {};
}

KeySet::KeySet(std::vector<PublicKey> keys) {
    for (auto& key : keys) add(std::move(key));
}

void KeySet::add(PublicKey key) {
    std::string kid = key.kid();
    keys_.insert_or_assign(std::move(kid), std::move(key));
}

const PublicKey* KeySet::find(std::string_view kid) const {
    auto it = keys_.find(kid);
    return it == keys_.end() ? nullptr : &it->second;
}

std::vector<PublicKey> KeySet::keys() const {
    std::vector<PublicKey> out;
    out.reserve(keys_.size());
    for (const auto& [kid, key] : keys_) out.push_back(key);
    return out;
}

}  // namespace agora::auth
