#pragma once
// A transaction whose loss in a crash is harmless can commit without waiting for its WAL flush: the
// first statement of its batch. Visibility is the same; only durability waits for the WAL writer or for
// the next commit that does wait (the log is flushed in order).
#include "pg/query.hpp"

namespace agora::pg {

inline constexpr Query kCommitWithoutFlush{"pg_commit_without_flush",
                                           "SELECT set_config('synchronous_commit', 'off', true)"};

}  // namespace agora::pg
