#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include "redis/config.hpp"
#include "redis/reply.hpp"
#include "redis/slot.hpp"

namespace agora::redis {
namespace {

TEST(RedisConfig, ReadsEveryPartOfTheUrl) {
    auto config = Config::from_url("redis://app:s3cret@cache.local:6380/2");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->host, "cache.local");
    EXPECT_EQ(config->port, 6380);
    EXPECT_EQ(config->db, 2);
    EXPECT_EQ(config->user, "app");
    EXPECT_EQ(config->password, "s3cret");
}

TEST(RedisConfig, DefaultsPortDatabaseAndPassword) {
    auto config = Config::from_url("redis://localhost");
    ASSERT_TRUE(config);
    EXPECT_EQ(config->port, 6379);
    EXPECT_EQ(config->db, 0);
    EXPECT_TRUE(config->password.empty());
    auto password_only = Config::from_url("redis://:pw@127.0.0.1:7000");
    ASSERT_TRUE(password_only);
    EXPECT_TRUE(password_only->user.empty());
    EXPECT_EQ(password_only->password, "pw");
}

TEST(RedisConfig, RejectsBadUrls) {
    EXPECT_FALSE(Config::from_url("http://localhost"));
    EXPECT_FALSE(Config::from_url("redis://localhost:0"));
    EXPECT_FALSE(Config::from_url("redis://localhost/x"));
    EXPECT_FALSE(Config::from_url("not a url"));
}

TEST(RedisSlot, MatchesRedisCluster) {
    EXPECT_EQ(key_slot("foo"), 12182);
    EXPECT_EQ(key_slot("123456789"), 0x31C3);
    EXPECT_EQ(key_slot("{user1000}.following"), key_slot("{user1000}.followers"));
    EXPECT_EQ(key_slot("{user1000}.following"), key_slot("user1000"));
    EXPECT_EQ(key_slot("foo{}{bar}"), key_slot("foo{}{bar}"));
    EXPECT_NE(key_slot("foo{}{bar}"), key_slot("bar"));  // an empty tag means the whole key
}

TEST(RedisReply, CopiesNestedRepliesBinarySafe) {
    char bytes[] = {'a', '\0', 'b'};
    redisReply str{};
    str.type = REDIS_REPLY_STRING;
    str.str = bytes;
    str.len = sizeof bytes;
    redisReply num{};
    num.type = REDIS_REPLY_INTEGER;
    num.integer = -7;
    redisReply nil{};
    nil.type = REDIS_REPLY_NIL;
    redisReply* items[] = {&str, &num, &nil};
    redisReply array{};
    array.type = REDIS_REPLY_ARRAY;
    array.elements = 3;
    array.element = items;

    auto reply = Reply::from(array);
    EXPECT_EQ(reply, Reply::of_array({Reply::of_string(std::string("a\0b", 3)), Reply::of_integer(-7), Reply::nil()}));
}

}  // namespace
}  // namespace agora::redis
