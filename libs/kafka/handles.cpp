#include "kafka/handles.hpp"

namespace agora::kafka {

Result<void> set(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
    char error[256];
    if (rd_kafka_conf_set(conf, name, value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
        return fail(ErrorKind::kInternal, std::string("kafka: ") + name + ": " + error);
    }
    return {};
}

Result<ClientHandle> make_client(rd_kafka_type_t type, ConfHandle conf) {
    char error[512];
    rd_kafka_t* rk = rd_kafka_new(type, conf.get(), error, sizeof error);
    if (rk == nullptr) return fail(ErrorKind::kInternal, std::string("kafka: ") + error);
    conf.release();  // rd_kafka_new took it
    return ClientHandle(rk);
}

}  // namespace agora::kafka
