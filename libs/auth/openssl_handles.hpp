#pragma once
// Owning handles for the OpenSSL objects this library uses (internal to libs/auth).
#include <openssl/bio.h>
#include <openssl/evp.h>

#include <memory>

namespace agora::auth {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BioFree {
    void operator()(BIO* p) const { BIO_free(p); }
};

using PkeyHandle = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxHandle = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BioHandle = std::unique_ptr<BIO, BioFree>;

// The last OpenSSL error as text, for internal error details (never shown to clients).
std::string openssl_error();

}  // namespace agora::auth
