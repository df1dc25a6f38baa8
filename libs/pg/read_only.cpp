#include "pg/read_only.hpp"

namespace agora::pg {

Task<bool> read_only_session(Connection& connection) {
    // Outside a transaction block this is what the next statement gets: on for a standby, and for a session
    // whose default_transaction_read_only is on.
    auto rows = co_await connection.execute(std::string("SHOW transaction_read_only"));
    co_return rows && !rows->empty() && rows->front().get<std::string>(0) == "on";
}

}  // namespace agora::pg
