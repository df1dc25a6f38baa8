#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <fstream>

#include "auth/keys.hpp"
#include "testing/server_process.hpp"

namespace agora::auth {
namespace {

std::string rsa_private_pem() {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(len));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return pem;
}

TEST(KeysTest, GeneratedKeysDifferAndCarryADerivedKid) {
    auto a = SigningKey::generate();
    auto b = SigningKey::generate();
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->public_key().raw(), b->public_key().raw());
    EXPECT_EQ(a->kid().size(), 22u);  // 16 bytes in base64url
    EXPECT_EQ(a->kid(), PublicKey::derive_kid(a->public_key().raw()));
    EXPECT_NE(a->kid(), b->kid());
}

TEST(KeysTest, PemFileRoundTripKeepsTheKeyAndIsOwnerOnly) {
    testing::TempDir dir("auth-keys");
    auto key = SigningKey::generate();
    ASSERT_TRUE(key);
    auto path = dir.path() / "signing.pem";
    ASSERT_TRUE(key->save_pem(path));
    std::ifstream in(path);
    std::string first_line;
    std::getline(in, first_line);
    EXPECT_EQ(first_line, "-----BEGIN PRIVATE KEY-----");  // PKCS#8
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    auto loaded = SigningKey::load_pem(path);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->kid(), key->kid());
    EXPECT_EQ(loaded->public_key().raw(), key->public_key().raw());
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "signing.pem.tmp"));
}

TEST(KeysTest, SavingOverAWiderFileNarrowsItsPermissions) {
    testing::TempDir dir("auth-keys");
    auto path = dir.path() / "signing.pem";
    std::ofstream(path) << "old";
    std::filesystem::permissions(path, std::filesystem::perms::all);
    auto key = SigningKey::generate();
    ASSERT_TRUE(key && key->save_pem(path));
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(KeysTest, SavingIntoAMissingDirectoryFailsAndLeavesNothing) {
    testing::TempDir dir("auth-keys");
    auto key = SigningKey::generate();
    ASSERT_TRUE(key);
    auto saved = key->save_pem(dir.path() / "missing" / "signing.pem");
    ASSERT_FALSE(saved);
    EXPECT_EQ(saved.error().kind, ErrorKind::kInternal);
    EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(KeysTest, RefusesMissingFilesGarbageAndOtherKeyTypes) {
    EXPECT_FALSE(SigningKey::load_pem("/nonexistent/agora/signing.pem"));
    EXPECT_FALSE(SigningKey::from_pem("not a pem"));
    auto rsa = SigningKey::from_pem(rsa_private_pem());
    ASSERT_FALSE(rsa);
    EXPECT_EQ(rsa.error().message, "not an Ed25519 key");
}

TEST(KeysTest, PublicKeysComeFromExactly32Bytes) {
    auto key = SigningKey::generate();
    ASSERT_TRUE(key);
    auto copy = PublicKey::from_raw(key->public_key().raw());
    ASSERT_TRUE(copy);
    EXPECT_EQ(copy->kid(), key->kid());
    auto named = PublicKey::from_raw(key->public_key().raw(), "2024-rotation");
    ASSERT_TRUE(named);
    EXPECT_EQ(named->kid(), "2024-rotation");
    std::array<unsigned char, 31> short_key{};
    EXPECT_FALSE(PublicKey::from_raw(short_key));
}

TEST(KeysTest, KeySetFindsByKidAndReplacesTheSameKid) {
    auto a = SigningKey::generate();
    auto b = SigningKey::generate();
    ASSERT_TRUE(a && b);
    KeySet set({a->public_key()});
    set.add(b->public_key());
    set.add(a->public_key());
    EXPECT_EQ(set.size(), 2u);
    ASSERT_NE(set.find(a->kid()), nullptr);
    EXPECT_EQ(set.find(a->kid())->raw(), a->public_key().raw());
    EXPECT_EQ(set.find("nope"), nullptr);
}

}  // namespace
}  // namespace agora::auth
