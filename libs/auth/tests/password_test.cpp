#include "auth/password.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "auth/password_hasher.hpp"

namespace agora::auth {
namespace {

// Cheap parameters keep the tests fast; the algorithm and code paths are the same.
constexpr PasswordParams kFast{.ops_limit = 1, .memory_bytes = 1024 * 1024};

std::string hashed(std::string_view password, const PasswordParams& params = kFast) {
    auto h = password::hash(password, params);
    EXPECT_TRUE(h);
    return h ? *h : std::string();
}

TEST(PasswordTest, HashesWithArgon2idAndVerifies) {
    std::string h = hashed("correct horse battery");
    EXPECT_TRUE(h.starts_with("$argon2id$v=19$m=1024,t=1,p=1$")) << h;
    EXPECT_TRUE(password::verify(h, "correct horse battery"));
    EXPECT_FALSE(password::verify(h, "correct horse batterz"));
    EXPECT_FALSE(password::verify(h, ""));
}

TEST(PasswordTest, DefaultParametersAreOwaspArgon2id) {
    std::string h = hashed("s3cret-password", PasswordParams{});
    EXPECT_TRUE(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << h;
    EXPECT_TRUE(password::verify(h, "s3cret-password"));
}

TEST(PasswordTest, SaltMakesEveryHashDifferent) {
    EXPECT_NE(hashed("same password"), hashed("same password"));
}

TEST(PasswordTest, LongPasswordsWorkAndEveryByteCounts) {
    // The original failed above 72 bytes; bcrypt-style truncation would also make these two equal.
    std::string base(72, 'p');
    std::string h = hashed(base + "A");
    EXPECT_TRUE(password::verify(h, base + "A"));
    EXPECT_FALSE(password::verify(h, base + "B"));
    EXPECT_FALSE(password::verify(h, base));
    std::string very_long(4096, 'x');
    EXPECT_TRUE(password::verify(hashed(very_long), very_long));
}

TEST(PasswordTest, UnicodeAndEmbeddedNulBytesAreHashedAsBytes) {
    std::string pw = "pässwörd-密码-🔐";
    std::string h = hashed(pw);
    EXPECT_TRUE(password::verify(h, pw));
    EXPECT_FALSE(password::verify(h, "passwort-密码-🔐"));
    std::string with_nul("ab\0cd", 5);
    std::string h2 = hashed(with_nul);
    EXPECT_TRUE(password::verify(h2, with_nul));
    EXPECT_FALSE(password::verify(h2, "ab"));
}

TEST(PasswordTest, GarbageStoredValuesNeverVerify) {
    EXPECT_FALSE(password::verify("", "x"));
    EXPECT_FALSE(password::verify("plain-text-password", "plain-text-password"));
    EXPECT_FALSE(password::verify(std::string(500, '$'), "x"));
    std::string h = hashed("pw");
    EXPECT_FALSE(password::verify(h + std::string("\0", 1), "pw"));
}

TEST(PasswordTest, NeedsRehashWhenParametersOrAlgorithmChange) {
    std::string h = hashed("pw");
    EXPECT_FALSE(password::needs_rehash(h, kFast));
    EXPECT_TRUE(password::needs_rehash(h, PasswordParams{}));
    EXPECT_TRUE(password::needs_rehash("$2a$10$abcdefghijklmnopqrstuv", kFast));
    EXPECT_TRUE(password::needs_rehash("", kFast));
}

TEST(PasswordTest, ParametersComeFromTheEnvironment) {
    std::map<std::string, std::string> vars{{"AUTH_ARGON2_OPS", "3"}, {"AUTH_ARGON2_MEMORY_KIB", "65536"}};
    config::Env env([&](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    });
    auto params = PasswordParams::from_env(env);
    EXPECT_EQ(params.ops_limit, 3u);
    EXPECT_EQ(params.memory_bytes, 64u * 1024 * 1024);
    EXPECT_TRUE(env.check());

    config::Env defaults([](const char*) -> const char* { return nullptr; });
    auto d = PasswordParams::from_env(defaults);
    EXPECT_EQ(d.ops_limit, 2u);
    EXPECT_EQ(d.memory_bytes, 19u * 1024 * 1024);

    vars = {{"AUTH_ARGON2_OPS", "0"}, {"AUTH_ARGON2_MEMORY_KIB", "8"}};
    config::Env weak([&](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    });
    PasswordParams::from_env(weak);
    EXPECT_EQ(weak.problems().size(), 2u);
}

TEST(PasswordHasherTest, HashesOffTheLoopAndResumesOnTheCallersThread) {
    PasswordHasher hasher({.params = kFast, .threads = 2});
    asio::io_context io;
    std::thread::id loop_thread;
    std::thread::id after_hash;
    std::thread::id after_verify;
    Result<std::string> hash = fail(ErrorKind::kInternal);
    Result<bool> right = false;
    Result<bool> wrong = true;
    int ticks = 0;
    asio::co_spawn(
        io,
        [&]() -> Task<> {
            loop_thread = std::this_thread::get_id();
            hash = co_await hasher.hash(std::string(100, 'k'));
            after_hash = std::this_thread::get_id();
            right = co_await hasher.verify(*hash, std::string(100, 'k'));
            wrong = co_await hasher.verify(*hash, std::string(99, 'k'));
            after_verify = std::this_thread::get_id();
        },
        asio::detached);
    // The loop stays free while hashing: this second coroutine keeps running beside it.
    asio::co_spawn(
        io,
        [&]() -> Task<> {
            asio::steady_timer timer(co_await asio::this_coro::executor);
            while (!wrong || *wrong) {
                ++ticks;
                timer.expires_after(std::chrono::microseconds(100));
                co_await timer.async_wait(asio::use_awaitable);
            }
        },
        asio::detached);
    io.run();
    ASSERT_TRUE(hash);
    EXPECT_TRUE(hash->starts_with("$argon2id$"));
    ASSERT_TRUE(right && wrong);
    EXPECT_TRUE(*right);
    EXPECT_FALSE(*wrong);
    EXPECT_EQ(loop_thread, std::this_thread::get_id());
    EXPECT_EQ(after_hash, loop_thread);
    EXPECT_EQ(after_verify, loop_thread);
    EXPECT_GT(ticks, 1);
    EXPECT_EQ(hasher.pending(), 0u);
    EXPECT_FALSE(hasher.needs_rehash(*hash));
}

TEST(PasswordHasherTest, RefusesWorkBeyondItsQueueBound) {
    PasswordHasher hasher({.params = kFast, .threads = 1, .max_pending = 0});
    asio::io_context io;
    Result<std::string> hash = std::string();
    asio::co_spawn(
        io, [&]() -> Task<> { hash = co_await hasher.hash("pw"); }, asio::detached);
    io.run();
    ASSERT_FALSE(hash);
    EXPECT_EQ(hash.error().kind, ErrorKind::kUnavailable);
    EXPECT_GT(hash.error().retry_after.count(), 0);
    EXPECT_EQ(hasher.pending(), 0u);
}

}  // namespace
}  // namespace agora::auth
