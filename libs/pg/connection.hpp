#pragma once
// One PostgreSQL connection driven by libpq in non-blocking mode on an Asio event loop. Statements are
// prepared by name on first use and then executed as prepared. A Connection is used by one coroutine at
// a time; the Pool guarantees it.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "pg/failure.hpp"
#include "pg/params.hpp"
#include "pg/query.hpp"
#include "pg/rows.hpp"
#include "runtime/asio.hpp"

extern "C" {
struct pg_conn;
}

namespace agora::pg {

// One statement of a batch: its query and parameters.
struct Statement {
    Query query;
    Params params;
};

struct ConnectOptions {
    std::string conninfo;  // postgresql://user:password@host:port/db?...
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds statement_timeout{0};  // 0: the server's default
};

class Connection {
public:
    enum class State { kIdle, kInTransaction, kFailedTransaction, kBusy, kBroken };

    // A connection closed while it was being made, soon after the attempt began, is tried twice more
    // after short pauses (100 ms, 250 ms), within the connect timeout: the router in front of a replicated
    // PostgreSQL may have handed it to a member that was going away (docs/adr/0017). A timeout is not.
    static Task<Outcome<std::unique_ptr<Connection>>> open(const ConnectOptions& options);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    // A named statement with parameters (extended protocol, prepared once per connection).
    Task<Outcome<Rows>> execute(Query query, const Params& params);
    // Plain SQL through the simple protocol: no parameters, several statements allowed (migrations, BEGIN).
    Task<Outcome<Rows>> execute(std::string sql);
    // Statements sent together with one sync in libpq's pipeline mode: one round trip for all of them.
    // The server stops at the first failure and skips the rest; that failure is the outcome. Outside an
    // explicit transaction the batch is one implicit transaction.
    Task<Outcome<std::vector<Rows>>> execute_all(const std::vector<Statement>& statements);

    State state() const;
    // Checks without waiting whether the server closed an idle connection (restart, idle timeout).
    bool closed_by_server();

private:
    friend class Pipeline;  // drives the same connection in libpq's pipeline mode
    Connection(asio::any_io_executor executor, pg_conn* conn);
    static Task<Outcome<std::unique_ptr<Connection>>> open_once(const ConnectOptions& options,
                                                                std::chrono::steady_clock::time_point deadline);
    Task<Outcome<void>> connect(std::chrono::steady_clock::time_point deadline);
    Task<Outcome<void>> flush();
    Task<Outcome<detail::ResultPtr>> read_results();
    Task<Outcome<void>> result_ready();
    void file(detail::ResultPtr result, detail::ResultPtr& kept, std::optional<Failure>& failure);
    // Reads one command's results up to its end, keeping its last good result or the first failure.
    Task<Outcome<void>> read_command(detail::ResultPtr& kept, std::optional<Failure>& failure);
    Task<bool> wait(asio::posix::descriptor_base::wait_type type);
    void track_socket();
    Failure lost(std::string_view what);

    asio::any_io_executor executor_;
    pg_conn* conn_;
    asio::posix::stream_descriptor socket_;
    int fd_ = -1;
    bool broken_ = false;
    std::unordered_set<std::string> prepared_;
};

}  // namespace agora::pg
