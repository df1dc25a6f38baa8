#pragma once
// Ends, from another thread, the session of the statement whose text holds `marker` once it runs, as a
// server that goes away mid-statement would (a replica killed, a member taken out by the router).
#include <string>
#include <thread>

#include "testing/postgres_server.hpp"

namespace agora::pg::testing_support {

inline std::thread end_session_running(agora::testing::PostgresServer& server, const std::string& marker) {
    // pg_stat_activity is read once per transaction unless its snapshot is cleared.
    std::string sql = "DO $$ BEGIN FOR i IN 1..250 LOOP "
                      "EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%" +
                      marker + "%' AND pid <> pg_backend_pid()); "
                      "PERFORM pg_sleep(0.02); PERFORM pg_stat_clear_snapshot(); END LOOP; "
                      "PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%" +
                      marker + "%' AND pid <> pg_backend_pid(); END $$";
    return std::thread([&server, sql] { server.psql(sql); });
}

// Ends, one after the other, the first `times` sessions that run the statement whose text holds
// `marker`: a statement sent again after its session ended meets the same fate, as when the router hands
// the next connection to a replica that is still going away.
inline std::thread end_sessions_running(agora::testing::PostgresServer& server, const std::string& marker,
                                        int times) {
    std::string sql = "DO $$ DECLARE victim int; last int := 0; ended int := 0; BEGIN FOR i IN 1..500 LOOP "
                      "SELECT pid INTO victim FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%" +
                      marker + "%' AND pid <> pg_backend_pid() AND pid <> last LIMIT 1; "
                      "IF victim IS NOT NULL THEN PERFORM pg_terminate_backend(victim); last := victim; "
                      "ended := ended + 1; EXIT WHEN ended = " + std::to_string(times) + "; END IF; "
                      "PERFORM pg_sleep(0.02); PERFORM pg_stat_clear_snapshot(); END LOOP; END $$";
    return std::thread([&server, sql] { server.psql(sql); });
}

}  // namespace agora::pg::testing_support
