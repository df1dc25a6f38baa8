#pragma once
// RAII owners of librdkafka's C handles.
#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>

#include "core/error.hpp"

namespace agora::kafka {

struct ClientDeleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct ConfDeleter {
    void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
struct PartitionListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* list) const { rd_kafka_topic_partition_list_destroy(list); }
};
struct MessageDeleter {
    void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
};
struct HeadersDeleter {
    void operator()(rd_kafka_headers_t* headers) const { rd_kafka_headers_destroy(headers); }
};

using ClientHandle = std::unique_ptr<rd_kafka_t, ClientDeleter>;
using ConfHandle = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using MessageHandle = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using HeadersHandle = std::unique_ptr<rd_kafka_headers_t, HeadersDeleter>;

// Sets one librdkafka property; kInternal naming it when librdkafka refuses.
Result<void> set(rd_kafka_conf_t* conf, const char* name, const std::string& value);

// Creates a client from `conf`; on success the client owns it.
Result<ClientHandle> make_client(rd_kafka_type_t type, ConfHandle conf);

}  // namespace agora::kafka
