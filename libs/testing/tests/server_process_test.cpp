#include <gtest/gtest.h>

#include <fstream>

#include "testing/server_process.hpp"

namespace agora::testing {
namespace {

TEST(ServerProcessTest, RunsCommandsAndCapturesOutput) {
    TempDir dir("agora-test");
    auto log = dir.path() / "out.log";
    EXPECT_EQ(run_command({"sh", "-c", "echo hello; exit 3"}, log), 3);
    std::ifstream in(log);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "hello");
}

TEST(ServerProcessTest, StopsALongRunningProcess) {
    TempDir dir("agora-test");
    Process p;
    p.start({"sleep", "60"}, dir.path() / "sleep.log");
    EXPECT_TRUE(p.running());
    p.stop(std::chrono::seconds(2));
    EXPECT_FALSE(p.running());
}

TEST(ServerProcessTest, FreePortIsNotOpen) {
    int port = free_port();
    EXPECT_GT(port, 0);
    EXPECT_FALSE(port_open(port));
}

}  // namespace
}  // namespace agora::testing
