#include "pg/pipeline.hpp"

#include <libpq-fe.h>

#include <boost/asio/redirect_error.hpp>

#include <optional>
#include <unordered_map>
#include <vector>

#include "pg/read_only.hpp"

namespace agora::pg {
namespace {

using WaitType = asio::posix::descriptor_base::wait_type;

}  // namespace

struct Pipeline::State : std::enable_shared_from_this<State> {
    // Shared by the waiting coroutine and the pipeline; the timer never expires, complete() cancels it.
    struct Request {
        explicit Request(asio::io_context& io) : done(io, asio::steady_timer::time_point::max()) {}
        Query query;
        Params params;
        asio::steady_timer done;
        std::optional<Outcome<Rows>> outcome;
        int resent = 0;  // times lost with a read-only session's connection and sent again (pg/read_only.hpp)
    };
    using RequestPtr = std::shared_ptr<Request>;

    // What was written to the server, in order; results come back in the same order.
    struct Sent {
        enum class Kind { kPrepare, kStatement, kSync } kind;
        std::string name;  // kPrepare
        RequestPtr request;  // kStatement
        detail::ResultPtr result;
        std::optional<Failure> failure;
        bool aborted = false;  // skipped by the server after an earlier failure in the batch
    };

    State(asio::io_context& io, ConnectOptions options) : io(io), options(std::move(options)) {}

    asio::io_context& io;
    ConnectOptions options;
    std::shared_ptr<Connection> connection;
    bool read_only = false;  // the connection's session can change nothing
    bool connecting = false;
    bool batch_posted = false;
    bool closed = false;
    const Connection* reader_of = nullptr;  // the connection a reader coroutine serves
    const Connection* flusher_of = nullptr;
    std::deque<RequestPtr> queued;
    std::deque<Sent> sent;
    std::unordered_set<std::string> prepared;
    std::unordered_map<std::string, Failure> failed_prepares;  // for the statement right behind it

    void submit(RequestPtr request) {
        if (closed) {
            complete(std::move(request), failed(Failure::lost("the pipeline is closed")));
            return;
        }
        queued.push_back(std::move(request));
        schedule();
    }

    // One batch per turn of the event loop: everything asked for until then goes out with one sync.
    void schedule() {
        if (batch_posted) return;
        batch_posted = true;
        asio::post(io, [self = shared_from_this()] {
            self->batch_posted = false;
            self->send_batch();
        });
    }

    // The waiting coroutine resumes from the loop, not inside the reader.
    void complete(RequestPtr request, Outcome<Rows> outcome) {
        request->outcome = std::move(outcome);
        request->done.cancel();
    }

    Failure lost(std::string_view what) {
        std::string message(what);
        if (connection) {
            auto detail = trimmed_message(PQerrorMessage(native(*connection)));
            if (!detail.empty()) message += ": " + detail;
        }
        return Failure::lost(std::move(message));
    }

    // A statement lost with a read-only session's connection changed nothing: it goes out again, ahead of
    // what waits, on the next connection (pg/read_only.hpp). Twice at most: a replica being killed may
    // still take the first new connection the router gives it. False when it may not.
    static constexpr int kMaxResends = 2;
    bool send_again(RequestPtr& request) {
        if (!read_only || request->resent >= kMaxResends) return false;
        ++request->resent;
        queued.push_front(std::move(request));
        return true;
    }

    // The connection is gone: what was sent fails (it may have run) unless it may be sent again, and what
    // waits goes out on a new one.
    void drop(Failure failure) {
        if (auto old = std::move(connection)) cancel(*old);
        connection.reset();
        reader_of = nullptr;
        flusher_of = nullptr;
        prepared.clear();
        failed_prepares.clear();
        auto gone = std::move(sent);
        sent.clear();
        // Newest first, so that those sent again keep their order at the head of the queue.
        for (auto s = gone.rbegin(); s != gone.rend(); ++s) {
            if (s->kind == Sent::Kind::kStatement && !send_again(s->request)) {
                complete(std::move(s->request), failed(failure));
            }
        }
        read_only = false;
        if (!queued.empty() && !closed) schedule();
    }

    void fail_queued(const Failure& failure) {
        auto waiting = std::move(queued);
        queued.clear();
        for (auto& r : waiting) complete(std::move(r), failed(failure));
    }

    void send_batch() {
        if (queued.empty() || closed) return;
        // An idle connection that the server closed (restart, terminated backend) is replaced before use.
        if (connection && sent.empty() && connection->closed_by_server()) drop(Failure::lost("closed by the server"));
        if (!connection) {
            if (!connecting) asio::co_spawn(io, connect(shared_from_this()), asio::detached);
            return;
        }
        pg_conn* conn = native(*connection);
        std::vector<const char*> values;
        while (!queued.empty()) {
            RequestPtr request = std::move(queued.front());
            queued.pop_front();
            std::string name(request->query.name);
            if (!prepared.contains(name)) {
                std::string sql(request->query.sql);
                if (!PQsendPrepare(conn, name.c_str(), sql.c_str(), static_cast<int>(request->params.size()),
                                   nullptr)) {
                    queued.push_front(std::move(request));
                    drop(lost("prepare"));
                    return;
                }
                prepared.insert(name);
                sent.push_back(Sent{Sent::Kind::kPrepare, name, nullptr, nullptr, std::nullopt});
            }
            c_strings(request->params, values);
            if (!PQsendQueryPrepared(conn, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                                     nullptr, 0)) {
                queued.push_front(std::move(request));
                drop(lost("send"));
                return;
            }
            sent.push_back(Sent{Sent::Kind::kStatement, {}, std::move(request), nullptr, std::nullopt});
        }
        // Writes the batch as far as the socket takes it; the flusher writes the rest.
        if (!PQpipelineSync(conn)) {
            drop(lost("sync"));
            return;
        }
        sent.push_back(Sent{Sent::Kind::kSync, {}, nullptr, nullptr, std::nullopt});
        int rc = PQflush(conn);
        if (rc < 0) {
            drop(lost("send"));
            return;
        }
        if (rc == 1 && flusher_of != connection.get()) {
            asio::co_spawn(io, flush(shared_from_this(), connection), asio::detached);
        }
        if (reader_of != connection.get()) {
            asio::co_spawn(io, read(shared_from_this(), connection), asio::detached);
        }
    }

    static Task<void> connect(std::shared_ptr<State> self) {
        self->connecting = true;
        auto opened = co_await Connection::open(self->options);
        bool read_only = false;
        if (opened) read_only = co_await read_only_session(**opened);
        self->connecting = false;
        if (self->closed) co_return;
        if (!opened) {
            self->fail_queued(opened.error());
            co_return;
        }
        if (PQenterPipelineMode(native(**opened)) != 1) {
            self->fail_queued(Failure::lost("cannot enter pipeline mode"));
            co_return;
        }
        self->connection = std::move(*opened);
        self->read_only = read_only;
        self->send_batch();
    }

    static Task<void> flush(std::shared_ptr<State> self, std::shared_ptr<Connection> mine) {
        self->flusher_of = mine.get();
        while (self->connection == mine) {
            int rc = PQflush(native(*mine));
            if (rc == 0) break;
            if (rc < 0) {
                self->drop(self->lost("send"));
                co_return;
            }
            bool ready = co_await wait(*mine, WaitType::wait_write);
            if (self->connection != mine) co_return;
            if (!ready) {
                self->drop(self->lost("send"));
                co_return;
            }
        }
        if (self->flusher_of == mine.get()) self->flusher_of = nullptr;
    }

    static Task<void> read(std::shared_ptr<State> self, std::shared_ptr<Connection> mine) {
        self->reader_of = mine.get();
        pg_conn* conn = native(*mine);
        while (self->connection == mine && !self->sent.empty()) {
            // PQconsumeInput reads one buffer per call, and wait() looks at the socket before waiting, so
            // results already queued in the kernel are drained without waiting for an edge.
            bool ok = true;
            while (true) {
                if (!PQconsumeInput(conn)) {
                    ok = false;
                    break;
                }
                if (!PQisBusy(conn)) break;
                ok = co_await wait(*mine, WaitType::wait_read);
                if (self->connection != mine) co_return;
                if (!ok) break;
            }
            if (!ok || PQstatus(conn) == CONNECTION_BAD) {
                self->drop(self->lost("receive"));
                co_return;
            }
            detail::ResultPtr result(PQgetResult(conn));
            if (!self->take(std::move(result))) {
                self->drop(Failure::lost("unexpected result in the pipeline"));
                co_return;
            }
        }
        if (self->reader_of == mine.get()) self->reader_of = nullptr;
    }

    // Files one result under the oldest statement waiting for it; false when the stream makes no sense.
    bool take(detail::ResultPtr result) {
        Sent& front = sent.front();
        if (front.kind == Sent::Kind::kSync) {
            // libpq 15 gives no NULL after the sync's own result.
            if (!result || PQresultStatus(result.get()) != PGRES_PIPELINE_SYNC) return false;
            sent.pop_front();
            return true;
        }
        if (result) {
            switch (PQresultStatus(result.get())) {
                case PGRES_COMMAND_OK:
                case PGRES_TUPLES_OK:
                case PGRES_EMPTY_QUERY:
                    if (!front.result && !front.failure) front.result = std::move(result);
                    break;
                case PGRES_PIPELINE_ABORTED: front.aborted = true; break;
                case PGRES_PIPELINE_SYNC: return false;
                default:
                    if (!front.failure) {
                        const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
                        std::string sqlstate = state ? state : "";
                        // 57P0x: the server is ending the session (shutdown, terminated backend).
                        bool ending = sqlstate.starts_with("57P0");
                        front.failure = Failure{sqlstate, trimmed_message(PQresultErrorMessage(result.get())), ending};
                    }
                    break;
            }
            return true;
        }
        // NULL: the front's results are complete.
        Sent done = std::move(front);
        sent.pop_front();
        finish(std::move(done));
        return true;
    }

    void finish(Sent done) {
        if (done.kind == Sent::Kind::kPrepare) {
            if (done.failure || done.aborted) prepared.erase(done.name);
            if (done.failure) failed_prepares.insert_or_assign(done.name, *done.failure);
            return;
        }
        auto request = std::move(done.request);
        std::string name(request->query.name);
        if (auto bad = failed_prepares.find(name); bad != failed_prepares.end()) {
            // Its statement could not be prepared: that is its answer, not a reason to send it again.
            Failure failure = std::move(bad->second);
            failed_prepares.erase(bad);
            complete(std::move(request), failed(std::move(failure)));
            return;
        }
        if (done.failure) {
            bool ending = done.failure->connection_lost;
            if (!ending || !send_again(request)) complete(std::move(request), failed(std::move(*done.failure)));
            if (ending) drop(Failure::lost("the server ended the session"));
        } else if (done.aborted) {
            // It never ran: send it again with the next batch. Each batch makes progress, since the first
            // statement after a sync is never skipped.
            queued.push_back(std::move(request));
            schedule();
        } else {
            complete(std::move(request), Rows(std::move(done.result)));
        }
    }

    static pg_conn* native(Connection& c) { return Pipeline::native(c); }
    static Task<bool> wait(Connection& c, WaitType type) { return Pipeline::wait(c, type); }
    static void cancel(Connection& c) { Pipeline::cancel(c); }
};

pg_conn* Pipeline::native(Connection& c) { return c.conn_; }
Task<bool> Pipeline::wait(Connection& c, asio::posix::descriptor_base::wait_type type) { return c.wait(type); }
void Pipeline::cancel(Connection& c) {
    boost::system::error_code ignored;
    if (c.socket_.is_open()) c.socket_.cancel(ignored);
}

Pipeline::Pipeline(asio::io_context& io, ConnectOptions options)
    : state_(std::make_shared<State>(io, std::move(options))) {}

Pipeline::~Pipeline() {
    state_->closed = true;
    state_->drop(Failure::lost("the pipeline is closed"));
    state_->fail_queued(Failure::lost("the pipeline is closed"));
}

std::size_t Pipeline::in_flight() const {
    std::size_t n = 0;
    for (const auto& s : state_->sent) n += s.kind == State::Sent::Kind::kStatement ? 1 : 0;
    return n;
}

std::size_t Pipeline::queued() const { return state_->queued.size(); }

Task<Outcome<Rows>> Pipeline::run(Query query, Params params) {
    // Refused alone, before it could join (and fail) a batch of other statements.
    if (auto refused = refuse_nul(params)) co_return failed(std::move(*refused));
    auto request = std::make_shared<State::Request>(state_->io);
    request->query = query;
    request->params = std::move(params);
    state_->submit(request);
    boost::system::error_code ec;
    co_await request->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!request->outcome) co_return failed(Failure::client("the statement was abandoned"));
    co_return std::move(*request->outcome);
}

}  // namespace agora::pg
