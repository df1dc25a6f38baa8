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

}  // namespace agora::pg::testing_support
