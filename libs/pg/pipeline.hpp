#pragma once
// Independent statements of one event loop sent over one connection in libpq's pipeline mode: the
// statements asked for while the loop runs are written together, followed by one sync, and their
// results are read back in order as they arrive. No round trip is waited for between them, so one
// connection carries what a pool would need many for (prototypes here: 0.8-0.96x pgbench -S, against 0.5x for
// a pool with one statement in flight per connection). Bound to one io_context, like a Pool.
//
//   pg::Pipeline reads(io, options);
//   auto rows = co_await reads.query(kFindProduct, id);
//
// For single statements that need no transaction (reads, mostly). When a statement fails, the server
// skips the rest of its batch; those did not run and go in the next batch. A lost connection fails what
// was in flight (it may have run), but in a read-only session sends it again once (pg/read_only.hpp).
#include <deque>
#include <memory>
#include <string>
#include <unordered_set>

#include "pg/connection.hpp"
#include "pg/failure.hpp"
#include "pg/params.hpp"
#include "pg/query.hpp"
#include "pg/rows.hpp"
#include "runtime/asio.hpp"

namespace agora::pg {

class Pipeline {
public:
    Pipeline(asio::io_context& io, ConnectOptions options);
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;
    ~Pipeline();

    template <class... Args>
    Task<Outcome<Rows>> query(Query query, const Args&... args) {
        return run(query, make_params(args...));
    }

    // Statements sent and not answered yet, and statements waiting for the next batch.
    std::size_t in_flight() const;
    std::size_t queued() const;

private:
    struct State;
    Task<Outcome<Rows>> run(Query query, Params params);
    // The parts of a Connection that pipelining drives directly.
    static pg_conn* native(Connection& c);
    static Task<bool> wait(Connection& c, asio::posix::descriptor_base::wait_type type);
    static void cancel(Connection& c);
    std::shared_ptr<State> state_;
};

}  // namespace agora::pg
