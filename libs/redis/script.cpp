#include "redis/script.hpp"

#include <openssl/evp.h>

#include "core/hex.hpp"

namespace agora::redis {
namespace {

std::string sha1_hex(std::string_view text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha1(), nullptr);
    return to_hex(digest, size);
}

}  // namespace

Script::Script(std::string_view body) : body_(body), sha_(sha1_hex(body)) {}

}  // namespace agora::redis
