#include "testing/kafka_server.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

namespace agora::testing {
namespace {

// The JVM options of every Kafka process here: a small heap and a quick start matter more than speed.
const std::vector<std::string> kJvmOptions = {"-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                                              "-Djava.awt.headless=true"};

// A KRaft cluster id: 16 random bytes in unpadded base64url. Never one that starts with '-': the storage
// tool would read it as an option and refuse to format (one id in 64 did).
std::string cluster_id() {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static_assert(kAlphabet[62] == '-');
    std::random_device random;
    std::string id;
    id += kAlphabet[random() % 62];
    for (int i = 1; i < 21; ++i) id += kAlphabet[random() % 64];
    id += kAlphabet[(random() % 4) * 16];  // the last character carries only 2 bits
    return id;
}

}  // namespace

std::filesystem::path KafkaServer::libs() {
    if (const char* dir = std::getenv("AGORA_KAFKA_LIBS"); dir != nullptr && *dir != '\0') return dir;
    return tools_bin().parent_path() / "kafka" / "libs";
}

std::string KafkaServer::missing() {
    auto dir = libs();
    std::error_code ec;
    bool has_jars = false;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().filename().string().starts_with("kafka_2.13-")) has_jars = true;
    }
    if (!has_jars) {
        return "the Kafka jars are not in " + dir.string() +
               "; run deploy/local/install.sh (make install) or set AGORA_KAFKA_LIBS";
    }
    if (find_program("java").empty()) return "java is not installed; run deploy/local/install.sh (make install)";
    return {};
}

KafkaServer::KafkaServer() : port_(free_port()), controller_port_(free_port()) {
    if (auto why = missing(); !why.empty()) throw std::runtime_error(why);
    auto dir = dir_.path().string();
    write_config();
    std::ofstream(dir_.path() / "log4j2.properties") << "status = warn\n"
                                                     << "appender.out.type = Console\n"
                                                     << "appender.out.name = out\n"
                                                     << "appender.out.layout.type = PatternLayout\n"
                                                     << "appender.out.layout.pattern = [%d] %p %m (%c)%n\n"
                                                     << "rootLogger.level = WARN\n"
                                                     << "rootLogger.appenderRef.out.ref = out\n";
    if (run_tool({"kafka.tools.StorageTool", "format", "-t", cluster_id(), "-c", dir + "/server.properties"},
                 "format.log") != 0) {
        throw std::runtime_error("formatting Kafka's storage failed, see " + dir + "/format.log");
    }
    // A port taken between free_port() and the JVM's bind makes the broker exit at once: try other ports.
    for (int attempt = 1; !launch(); ++attempt) {
        if (attempt == 3) throw std::runtime_error("Kafka did not start:\n" + log_tail());
        port_ = free_port();
        controller_port_ = free_port();
        write_config();
    }
}

void KafkaServer::write_config() {
    std::ofstream(dir_.path() / "server.properties")
        << "process.roles=broker,controller\n"
        << "node.id=1\n"
        << "controller.quorum.voters=1@127.0.0.1:" << controller_port_ << "\n"
        << "listeners=PLAINTEXT://127.0.0.1:" << port_ << ",CONTROLLER://127.0.0.1:" << controller_port_ << "\n"
        << "advertised.listeners=PLAINTEXT://127.0.0.1:" << port_ << "\n"
        << "controller.listener.names=CONTROLLER\n"
        << "inter.broker.listener.name=PLAINTEXT\n"
        << "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n"
        << "log.dirs=" << dir_.path().string() << "/data\n"
        << "auto.create.topics.enable=false\n"
        << "num.partitions=3\n"
        << "offsets.topic.replication.factor=1\n"
        << "offsets.topic.num.partitions=3\n"
        << "transaction.state.log.replication.factor=1\n"
        << "transaction.state.log.min.isr=1\n"
        << "share.coordinator.state.topic.replication.factor=1\n"
        << "share.coordinator.state.topic.min.isr=1\n"
        << "group.initial.rebalance.delay.ms=0\n";
}

std::string KafkaServer::log_tail() const {
    std::ifstream log(dir_.path() / "kafka.out");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

KafkaServer::~KafkaServer() { process_.stop(std::chrono::seconds(30)); }

int KafkaServer::run_tool(const std::vector<std::string>& args, const std::string& log_name) {
    std::vector<std::string> argv{find_program("java")};
    argv.insert(argv.end(), kJvmOptions.begin(), kJvmOptions.end());
    argv.push_back("-Dlog4j2.configurationFile=" + (dir_.path() / "log4j2.properties").string());
    argv.push_back("-cp");
    argv.push_back((libs() / "*").string());
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, dir_.path() / log_name);
}

bool KafkaServer::launch() {
    std::vector<std::string> argv{find_program("java")};
    argv.insert(argv.end(), kJvmOptions.begin(), kJvmOptions.end());
    argv.push_back("-Dlog4j2.configurationFile=" + (dir_.path() / "log4j2.properties").string());
    argv.push_back("-cp");
    argv.push_back((libs() / "*").string());
    argv.push_back("kafka.Kafka");
    argv.push_back((dir_.path() / "server.properties").string());
    process_.start(argv, dir_.path() / "kafka.out");
    bool up = wait_until([&] { return port_open(port_) || !process_.running(); }, std::chrono::seconds(90)) &&
              process_.running();
    if (!up) process_.stop(std::chrono::seconds(5));
    return up;
}

void KafkaServer::start() {
    // The temporary directory goes with a failed server: the log's end goes into the message.
    if (!launch()) throw std::runtime_error("Kafka did not start:\n" + log_tail());
}

void KafkaServer::create_topic(const std::string& name, int partitions) {
    if (run_tool({"org.apache.kafka.tools.TopicCommand", "--bootstrap-server", brokers(), "--create", "--if-not-exists",
                  "--topic", name, "--partitions", std::to_string(partitions), "--replication-factor", "1"},
                 "topics.log") != 0) {
        throw std::runtime_error("could not create the topic " + name + ", see " +
                                 (dir_.path() / "topics.log").string());
    }
}

void KafkaServer::stop() { process_.stop(std::chrono::seconds(30)); }

void KafkaServer::kill() { process_.kill(); }

}  // namespace agora::testing
