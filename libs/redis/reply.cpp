#include "redis/reply.hpp"

#include <hiredis/hiredis.h>

namespace agora::redis {

Reply Reply::from(const redisReply& reply) {
    switch (reply.type) {
        case REDIS_REPLY_INTEGER:
            return of_integer(reply.integer);
        case REDIS_REPLY_STRING:
            return of_string(std::string(reply.str, reply.len));
        case REDIS_REPLY_STATUS:
            return of_status(std::string(reply.str, reply.len));
        case REDIS_REPLY_ERROR:
            return of_error(std::string(reply.str, reply.len));
        case REDIS_REPLY_ARRAY: {
            std::vector<Reply> values;
            values.reserve(reply.elements);
            for (size_t i = 0; i < reply.elements; ++i) values.push_back(from(*reply.element[i]));
            return of_array(std::move(values));
        }
        default:
            return nil();
    }
}

}  // namespace agora::redis
