#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include "redis/cluster_replies.hpp"
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

TEST(RedisConfig, ReadsAClusterUrlWithItsSeeds) {
    auto config = Config::from_url("redis+cluster://app:s3cret@10.0.0.1:7000,cache-b,10.0.0.3:7002/");
    ASSERT_TRUE(config) << config.error().message;
    ASSERT_TRUE(config->cluster());
    ASSERT_EQ(config->cluster_seeds.size(), 3u);
    EXPECT_EQ(config->cluster_seeds[0].host, "10.0.0.1");
    EXPECT_EQ(config->cluster_seeds[0].port, 7000);
    EXPECT_EQ(config->cluster_seeds[1].host, "cache-b");
    EXPECT_EQ(config->cluster_seeds[1].port, 6379);
    EXPECT_EQ(config->cluster_seeds[2].port, 7002);
    EXPECT_EQ(config->host, "10.0.0.1");
    EXPECT_EQ(config->user, "app");
    EXPECT_EQ(config->password, "s3cret");
    EXPECT_FALSE(Config::from_url("redis://localhost")->cluster());
}

TEST(RedisConfig, RejectsBadClusterUrls) {
    EXPECT_FALSE(Config::from_url("redis+cluster://"));
    EXPECT_FALSE(Config::from_url("redis+cluster://a:7000,,b:7001"));
    EXPECT_FALSE(Config::from_url("redis+cluster://a:7000,b:0"));
    EXPECT_FALSE(Config::from_url("redis+cluster://a:7000/2"));  // a cluster has only database 0
}

TEST(RedisSlot, MatchesRedisCluster) {
    EXPECT_EQ(key_slot("foo"), 12182);
    EXPECT_EQ(key_slot("123456789"), 0x31C3);
    EXPECT_EQ(key_slot("{user1000}.following"), key_slot("{user1000}.followers"));
    EXPECT_EQ(key_slot("{user1000}.following"), key_slot("user1000"));
    EXPECT_EQ(key_slot("foo{}{bar}"), key_slot("foo{}{bar}"));
    EXPECT_NE(key_slot("foo{}{bar}"), key_slot("bar"));  // an empty tag means the whole key
}

TEST(RedisSlot, RoutesACommandByItsKey) {
    std::string_view get[] = {"GET", "foo"};
    EXPECT_EQ(command_slot(get), 12182);
    std::string_view ping[] = {"PING"};
    EXPECT_EQ(command_slot(ping), kNoKey);
    std::string_view script[] = {"evalsha", "abc", "2", "{u1}.a", "{u1}.b", "argument"};
    EXPECT_EQ(command_slot(script), key_slot("u1"));
    std::string_view keyless[] = {"EVAL", "return 1", "0", "argument"};
    EXPECT_EQ(command_slot(keyless), kNoKey);
    std::string_view cross[] = {"EVAL", "return 1", "2", "a", "b"};
    EXPECT_EQ(command_slot(cross), kCrossSlot);
    std::string_view truncated[] = {"EVALSHA", "abc", "3", "a"};
    EXPECT_EQ(command_slot(truncated), kNoKey);  // the server answers the malformed call itself
}

Reply slot_range(int first, int last, std::string host, int port) {
    return Reply::of_array({Reply::of_integer(first), Reply::of_integer(last),
                            Reply::of_array({Reply::of_string(std::move(host)), Reply::of_integer(port),
                                             Reply::of_string("id")}),
                            Reply::of_array({Reply::of_string("10.0.0.9"), Reply::of_integer(7009)})});
}

TEST(RedisClusterReplies, ReadsTheSlotTable) {
    auto ranges = parse_cluster_slots(
        Reply::of_array({slot_range(0, 5460, "10.0.0.1", 7000), slot_range(5461, 16383, "?", 7001)}));
    ASSERT_TRUE(ranges);
    ASSERT_EQ(ranges->size(), 2u);
    EXPECT_EQ((*ranges)[0].first, 0);
    EXPECT_EQ((*ranges)[0].last, 5460);
    EXPECT_EQ((*ranges)[0].master.host, "10.0.0.1");
    EXPECT_EQ((*ranges)[0].master.port, 7000);
    EXPECT_EQ((*ranges)[1].master.host, "");  // unknown endpoint: the node asked
    EXPECT_FALSE(parse_cluster_slots(Reply::of_error("ERR This instance has cluster support disabled")));
    EXPECT_FALSE(parse_cluster_slots(Reply::of_array({slot_range(0, 16384, "a", 1)})));
    EXPECT_FALSE(parse_cluster_slots(Reply::of_array({Reply::of_integer(1)})));
}

TEST(RedisClusterReplies, ReadsRedirections) {
    auto moved = parse_redirect(Reply::of_error("MOVED 3999 127.0.0.1:6381"));
    ASSERT_TRUE(moved);
    EXPECT_EQ(moved->kind, Redirect::Kind::kMoved);
    EXPECT_EQ(moved->slot, 3999);
    EXPECT_EQ(moved->to.host, "127.0.0.1");
    EXPECT_EQ(moved->to.port, 6381);
    auto ask = parse_redirect(Reply::of_error("ASK 1 :7002"));
    ASSERT_TRUE(ask);
    EXPECT_EQ(ask->kind, Redirect::Kind::kAsk);
    EXPECT_EQ(ask->to.host, "");
    EXPECT_EQ(ask->to.port, 7002);
    EXPECT_FALSE(parse_redirect(Reply::of_error("ERR MOVED 1 a:1")));
    EXPECT_FALSE(parse_redirect(Reply::of_error("MOVED 16384 a:1")));
    EXPECT_FALSE(parse_redirect(Reply::of_status("MOVED 1 a:1")));
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
