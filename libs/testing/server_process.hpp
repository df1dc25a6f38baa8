#pragma once
// Building blocks for test servers: free ports, temporary directories, child processes, waiting.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace agora::testing {

// A TCP port on 127.0.0.1 that nothing listens on right now.
int free_port();
// Whether something accepts TCP connections on 127.0.0.1:port.
bool port_open(int port);
// Polls `ready` every 50 ms until it is true or `deadline` passes; returns its last answer.
bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds deadline);
// Where locally installed tools live (deploy/local puts Mailpit, Kafka... there): $AGORA_TOOLS_BIN,
// else <source>/.agora/bin.
std::filesystem::path tools_bin();
// The first of `candidates` that exists (absolute paths), else the name looked up in PATH; empty if none.
std::string find_program(const std::string& name, const std::vector<std::string>& candidates = {});

// A directory removed with everything in it when this object dies.
class TempDir {
public:
    explicit TempDir(const std::string& prefix);
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A child process with its output in a log file. Dies with the object (SIGTERM, then SIGKILL).
class Process {
public:
    Process() = default;
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process();

    // Starts argv[0] (looked up in PATH) with extra environment entries "NAME=value".
    void start(const std::vector<std::string>& argv, const std::filesystem::path& log_file,
               const std::vector<std::string>& env = {});
    // SIGTERM, wait up to `grace`, then SIGKILL. Safe to call when not running.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
    // SIGKILL at once: a crash, for fault tests.
    void kill();
    // SIGSTOP and SIGCONT: the process stops answering while its connections stay open, as when a host
    // vanishes from the network, for fault tests.
    void freeze();
    void thaw();
    bool running();
    pid_t pid() const { return pid_; }

private:
    void reap(std::chrono::milliseconds grace);
    pid_t pid_ = -1;
};

// Runs a command to completion; returns its exit status (or -1). Output goes to `log_file`.
int run_command(const std::vector<std::string>& argv, const std::filesystem::path& log_file,
                const std::vector<std::string>& env = {});

}  // namespace agora::testing
