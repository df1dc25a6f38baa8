#include "pg/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/redirect_error.hpp>
#include <array>
#include <vector>

#include "core/log.hpp"

namespace agora::pg {
namespace {

using WaitType = asio::posix::descriptor_base::wait_type;

Failure failure_of(const PGresult* result) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    return Failure{state ? state : "", trimmed_message(PQresultErrorMessage(result)), false};
}

// Whether the socket is ready now. Asio's reactor is edge-triggered and an async_wait does not look at
// the socket first, so readiness that arrived before the wait was queued would otherwise be missed.
bool ready_now(int fd, WaitType type) {
    pollfd p{fd, static_cast<short>(type == WaitType::wait_read ? POLLIN : POLLOUT), 0};
    return ::poll(&p, 1, 0) > 0 && p.revents != 0;
}

// Notices ("relation already exists, skipping") go to the debug log instead of libpq's stderr default.
void log_notice(void*, const PGresult* result) {
    log::debug("postgres notice", {{"message", trimmed_message(PQresultErrorMessage(result))}});
}

}  // namespace

Connection::Connection(asio::any_io_executor executor, pg_conn* conn)
    : executor_(executor), conn_(conn), socket_(executor) {}

Connection::~Connection() {
    // libpq owns the socket: the descriptor only watches it.
    if (socket_.is_open()) socket_.release();
    PQfinish(conn_);
}

Task<Outcome<std::unique_ptr<Connection>>> Connection::open(const ConnectOptions& options) {
    using namespace std::chrono_literals;
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + options.connect_timeout;
    const std::array<std::chrono::milliseconds, 2> pauses{100ms, 250ms};
    for (std::size_t attempt = 0;; ++attempt) {
        const auto began = Clock::now();
        auto opened = co_await open_once(options, deadline);
        if (opened || attempt == pauses.size() || !opened.error().connection_lost) co_return opened;
        // Quickly closed, not timed out: worth another try while the deadline allows it.
        const auto now = Clock::now();
        if (now - began > options.connect_timeout / 2 || now + pauses[attempt] >= deadline) co_return opened;
        asio::steady_timer pause(co_await asio::this_coro::executor, pauses[attempt]);
        co_await pause.async_wait(asio::use_awaitable);
    }
}

Task<Outcome<std::unique_ptr<Connection>>> Connection::open_once(const ConnectOptions& options,
                                                                 std::chrono::steady_clock::time_point deadline) {
    auto executor = co_await asio::this_coro::executor;
    pg_conn* raw = PQconnectStart(options.conninfo.c_str());
    if (!raw) co_return failed(Failure::client("cannot allocate a connection"));
    std::unique_ptr<Connection> connection(new Connection(executor, raw));
    if (PQstatus(raw) == CONNECTION_BAD) co_return failed(Failure::lost(trimmed_message(PQerrorMessage(raw))));
    if (PQsetnonblocking(raw, 1) != 0) co_return failed(Failure::lost(trimmed_message(PQerrorMessage(raw))));
    PQsetNoticeReceiver(raw, log_notice, nullptr);

    auto connected = co_await connection->connect(deadline);
    if (!connected) co_return failed(std::move(connected.error()));
    if (options.statement_timeout.count() > 0) {
        auto set = co_await connection->execute("SET statement_timeout = " +
                                                std::to_string(options.statement_timeout.count()));
        if (!set) co_return failed(std::move(set.error()));
    }
    co_return connection;
}

void Connection::track_socket() {
    // The socket may change while connecting (another host or address is tried).
    int fd = PQsocket(conn_);
    if (fd == fd_) return;
    if (socket_.is_open()) socket_.release();
    fd_ = fd;
    if (fd >= 0) socket_.assign(fd);
}

Task<bool> Connection::wait(WaitType type) {
    if (fd_ < 0) co_return false;
    if (ready_now(fd_, type)) co_return true;
    boost::system::error_code ec;
    co_await socket_.async_wait(type, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
}

Failure Connection::lost(std::string_view what) {
    broken_ = true;
    std::string message(what);
    auto detail = trimmed_message(PQerrorMessage(conn_));
    if (!detail.empty()) message += ": " + detail;
    return Failure::lost(std::move(message));
}

Task<Outcome<void>> Connection::connect(std::chrono::steady_clock::time_point deadline) {
    // The timer cancels the pending wait; the shared flags stay valid whenever its handler runs.
    auto expired = std::make_shared<bool>(false);
    auto finished = std::make_shared<bool>(false);
    asio::steady_timer timer(executor_, deadline);
    timer.async_wait([this, expired, finished](boost::system::error_code ec) {
        if (ec || *finished) return;
        *expired = true;
        if (socket_.is_open()) socket_.cancel();
    });

    Outcome<void> outcome;
    PostgresPollingStatusType poll = PGRES_POLLING_WRITING;
    while (true) {
        track_socket();
        if (poll == PGRES_POLLING_OK) break;
        if (poll == PGRES_POLLING_FAILED) {
            outcome = failed(lost("connect"));
            break;
        }
        bool ready = co_await wait(poll == PGRES_POLLING_READING ? WaitType::wait_read : WaitType::wait_write);
        if (*expired) {
            outcome = failed(Failure::lost("connect timed out"));
            broken_ = true;
            break;
        }
        if (!ready) {
            outcome = failed(lost("connect"));
            break;
        }
        poll = PQconnectPoll(conn_);
    }
    *finished = true;
    timer.cancel();
    co_return outcome;
}

Task<Outcome<void>> Connection::flush() {
    while (true) {
        int rc = PQflush(conn_);
        if (rc == 0) co_return Outcome<void>{};
        if (rc < 0) co_return failed(lost("send"));
        // The kernel buffer is full. Reading too keeps a server that is itself blocked on sending to us
        // (notices) from deadlocking with us.
        if (!co_await wait(WaitType::wait_write)) co_return failed(lost("send"));
        if (!PQconsumeInput(conn_)) co_return failed(lost("receive"));
    }
}

Task<Outcome<void>> Connection::result_ready() {
    // PQconsumeInput reads one buffer per call; wait() checks the socket before waiting, so a large
    // result already queued in the kernel is drained without waiting for an edge that never comes.
    // (No endless loop here: g++ 12 miscompiles a coroutine whose body cannot reach its end.)
    bool consumed = PQconsumeInput(conn_) != 0;
    while (consumed && PQisBusy(conn_)) {
        if (!co_await wait(WaitType::wait_read)) co_return failed(lost("receive"));
        consumed = PQconsumeInput(conn_) != 0;
    }
    if (!consumed) co_return failed(lost("receive"));
    co_return Outcome<void>{};
}

// Keeps the first failure of a command's results, or its last good result.
void Connection::file(detail::ResultPtr result, detail::ResultPtr& kept, std::optional<Failure>& failure) {
    switch (PQresultStatus(result.get())) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
        case PGRES_EMPTY_QUERY:
            if (!failure) kept = std::move(result);
            break;
        case PGRES_PIPELINE_ABORTED: break;  // skipped after an earlier failure, which is the outcome
        case PGRES_COPY_IN:
        case PGRES_COPY_OUT:
        case PGRES_COPY_BOTH:
            // COPY is not supported here; the protocol state cannot be recovered, so drop the connection.
            broken_ = true;
            if (!failure) failure = Failure::client("COPY is not supported");
            break;
        default:
            if (!failure) failure = failure_of(result.get());
            break;
    }
}

Task<Outcome<void>> Connection::read_command(detail::ResultPtr& kept, std::optional<Failure>& failure) {
    while (true) {
        if (auto ready = co_await result_ready(); !ready) co_return failed(std::move(ready.error()));
        detail::ResultPtr result(PQgetResult(conn_));
        if (!result) break;  // this command's results are complete
        file(std::move(result), kept, failure);
        if (broken_) co_return failed(std::move(*failure));
    }
    co_return Outcome<void>{};
}

Task<Outcome<detail::ResultPtr>> Connection::read_results() {
    detail::ResultPtr kept;
    std::optional<Failure> failure;
    if (auto read = co_await read_command(kept, failure); !read) co_return failed(std::move(read.error()));
    if (PQstatus(conn_) == CONNECTION_BAD) {
        broken_ = true;
        if (!failure) failure = Failure::lost(trimmed_message(PQerrorMessage(conn_)));
        failure->connection_lost = true;
    }
    if (failure) co_return failed(std::move(*failure));
    co_return kept;
}

Task<Outcome<Rows>> Connection::execute(Query query, const Params& params) {
    if (state() == State::kBroken) co_return failed(Failure::lost("connection is broken"));
    if (auto refused = refuse_nul(params)) co_return failed(std::move(*refused));
    std::string name(query.name);
    if (!prepared_.contains(name)) {
        std::string sql(query.sql);
        if (!PQsendPrepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(params.size()), nullptr)) {
            co_return failed(lost("prepare"));
        }
        if (auto sent = co_await flush(); !sent) co_return failed(std::move(sent.error()));
        auto prepared = co_await read_results();
        if (!prepared) co_return failed(std::move(prepared.error()));
        prepared_.insert(name);
    }
    std::vector<const char*> values;
    c_strings(params, values);
    if (!PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr,
                             0)) {
        co_return failed(lost("send"));
    }
    if (auto sent = co_await flush(); !sent) co_return failed(std::move(sent.error()));
    auto result = co_await read_results();
    if (!result) co_return failed(std::move(result.error()));
    co_return Rows(std::move(*result));
}

Task<Outcome<Rows>> Connection::execute(std::string sql) {
    if (state() == State::kBroken) co_return failed(Failure::lost("connection is broken"));
    if (!PQsendQuery(conn_, sql.c_str())) co_return failed(lost("send"));
    if (auto sent = co_await flush(); !sent) co_return failed(std::move(sent.error()));
    auto result = co_await read_results();
    if (!result) co_return failed(std::move(result.error()));
    co_return Rows(std::move(*result));
}

Task<Outcome<std::vector<Rows>>> Connection::execute_all(const std::vector<Statement>& statements) {
    if (state() == State::kBroken) co_return failed(Failure::lost("connection is broken"));
    // Refused before pipeline mode begins: nothing of the batch is sent and the connection stays usable.
    for (const auto& statement : statements) {
        if (auto refused = refuse_nul(statement.params)) co_return failed(std::move(*refused));
    }
    // A connection left in pipeline mode by an error below is broken, so never used again.
    if (PQenterPipelineMode(conn_) != 1) co_return failed(lost("pipeline mode"));
    struct Sent {
        bool prepare;  // a preparation of `name`, else a statement
        std::string name;
    };
    std::vector<Sent> sent;
    std::unordered_set<std::string> preparing;
    std::vector<const char*> values;
    for (const auto& statement : statements) {
        std::string name(statement.query.name);
        if (!prepared_.contains(name) && !preparing.contains(name)) {
            std::string sql(statement.query.sql);
            if (!PQsendPrepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(statement.params.size()),
                               nullptr)) {
                co_return failed(lost("prepare"));
            }
            preparing.insert(name);
            sent.push_back(Sent{true, name});
        }
        c_strings(statement.params, values);
        if (!PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                                 nullptr, 0)) {
            co_return failed(lost("send"));
        }
        sent.push_back(Sent{false, std::move(name)});
    }
    if (!PQpipelineSync(conn_)) co_return failed(lost("sync"));
    if (auto flushed = co_await flush(); !flushed) co_return failed(std::move(flushed.error()));

    std::vector<Rows> rows;
    rows.reserve(statements.size());
    std::optional<Failure> failure;
    for (const auto& command : sent) {
        detail::ResultPtr kept;
        if (auto read = co_await read_command(kept, failure); !read) co_return failed(std::move(read.error()));
        if (command.prepare) {
            if (kept) prepared_.insert(command.name);  // not when it failed or was skipped
        } else if (!failure) {
            rows.emplace_back(std::move(kept));
        }
    }
    // libpq 15 gives no NULL after the sync's own result.
    if (auto ready = co_await result_ready(); !ready) co_return failed(std::move(ready.error()));
    detail::ResultPtr synced(PQgetResult(conn_));
    if (!synced || PQresultStatus(synced.get()) != PGRES_PIPELINE_SYNC) {
        broken_ = true;
        co_return failed(Failure::lost("unexpected result in a pipeline"));
    }
    if (PQexitPipelineMode(conn_) != 1) co_return failed(lost("pipeline mode"));
    if (failure) co_return failed(std::move(*failure));
    co_return rows;
}

Connection::State Connection::state() const {
    if (broken_ || PQstatus(conn_) != CONNECTION_OK) return State::kBroken;
    switch (PQtransactionStatus(conn_)) {
        case PQTRANS_IDLE: return State::kIdle;
        case PQTRANS_INTRANS: return State::kInTransaction;
        case PQTRANS_INERROR: return State::kFailedTransaction;
        case PQTRANS_ACTIVE: return State::kBusy;
        default: return State::kBroken;
    }
}

bool Connection::closed_by_server() {
    if (state() == State::kBroken) return true;
    char byte;
    ssize_t n = ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
    // End of stream, an error, or unsolicited bytes: an idle connection only hears from the server when
    // it is being terminated.
    broken_ = true;
    return true;
}

}  // namespace agora::pg
