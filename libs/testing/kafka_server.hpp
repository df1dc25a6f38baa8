#pragma once
// A single-node Kafka (KRaft: broker and controller in one JVM) on free ports, with its log folder in a
// temporary directory that outlives stop() and kill(), so topics, records and committed offsets survive a
// restart. It runs the jars deploy/local/install.sh puts in <AGORA_HOME>/kafka/libs, found as
// $AGORA_KAFKA_LIBS, else the `kafka/libs` folder beside tools_bin() (<source>/.agora/kafka/libs by
// default). Tests call KafkaServer::missing() first and skip with its message when the jars are absent.
// The JVM takes seconds to boot: share one server per test binary.
#include <filesystem>
#include <string>

#include "testing/server_process.hpp"

namespace agora::testing {

class KafkaServer {
public:
    // Where the jars are looked for.
    static std::filesystem::path libs();
    // Empty when the jars are there; else why not, naming the install step.
    static std::string missing();

    // Formats the storage, starts the broker and waits until it accepts clients.
    KafkaServer();
    KafkaServer(const KafkaServer&) = delete;
    KafkaServer& operator=(const KafkaServer&) = delete;
    ~KafkaServer();

    int port() const { return port_; }
    // For Config::from_brokers (KAFKA_BROKERS).
    std::string brokers() const { return "127.0.0.1:" + std::to_string(port_); }

    // Creates a topic with one replica; throws when the broker refuses.
    void create_topic(const std::string& name, int partitions);

    void start();
    // Graceful shutdown: the broker finishes its writes and closes connections.
    void stop();
    // SIGKILL: clients see the sockets die.
    void kill();

private:
    void write_config();
    // Starts the JVM and waits for the broker's port; false (and nothing running) when it exited instead.
    bool launch();
    std::string log_tail() const;
    // Runs one of Kafka's Java tools; returns its exit status.
    int run_tool(const std::vector<std::string>& args, const std::string& log_name);

    TempDir dir_{"agora-kafka"};
    int port_;
    int controller_port_;
    Process process_;
};

}  // namespace agora::testing
