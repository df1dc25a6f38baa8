#pragma once
// Whether a session can change nothing: a hot standby's, or one opened read-only (the replicated Swarm
// stack's replica URLs set default_transaction_read_only). A statement whose connection was lost in such
// a session is safe to send again on another connection, and the Pool and the Pipeline do so (the Pool
// while its connections turn out lost, the Pipeline twice, each time on a new connection): a replica that goes away
// mid-statement then costs no request (docs/adr/0017-replicated-postgresql.md).
#include "pg/connection.hpp"
#include "runtime/asio.hpp"

namespace agora::pg {

// Asked once, when the connection is made; false when the server cannot say.
Task<bool> read_only_session(Connection& connection);

}  // namespace agora::pg
