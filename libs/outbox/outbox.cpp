#include "outbox/outbox.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/json.hpp>
#include <random>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/scope.hpp"
#include "outbox/publish_batch.hpp"
#include "pg/array.hpp"
#include "pg/commit_without_flush.hpp"

namespace agora::messaging {
namespace {

// Rows in array order, so the ids (and the relay's publishing order) follow it.
constexpr pg::Query kEnqueue{
    "messaging_outbox_enqueue",
    "INSERT INTO outbox (event_id, event_type, destination, key, payload, occurred_at, traceparent, headers) "
    "SELECT e, t, d, k, p, COALESCE(NULLIF(o, '')::timestamptz, now()), tp, h::jsonb "
    "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) "
    "WITH ORDINALITY AS m(e, t, d, k, p, o, tp, h, n) ORDER BY n"};
// Any constant other code does not use; advisory locks are per database.
constexpr pg::Query kTryLock{"messaging_outbox_lock", "SELECT pg_try_advisory_xact_lock(7280419352672)"};
constexpr pg::Query kClaim{
    "messaging_outbox_claim",
    "SELECT id, event_id::text, event_type, destination, key, payload, "
    PG_MICROS("occurred_at") ", traceparent, headers::text "
    "FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED"};
constexpr pg::Query kMarkPublished{
    "messaging_outbox_mark_published",
    "UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])"};
constexpr pg::Query kMarkFailed{"messaging_outbox_mark_failed",
                                "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1"};
constexpr pg::Query kPrune{
    "messaging_outbox_prune",
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at < now() - make_interval(secs => $1) "
    "ORDER BY id LIMIT 1000)"};
constexpr pg::Query kBacklog{
    "messaging_outbox_backlog",
    "SELECT count(*), COALESCE((EXTRACT(EPOCH FROM now() - min(created_at)) * 1000)::bigint, 0) "
    "FROM outbox WHERE published_at IS NULL"};

std::string headers_json(const Message& message) {
    boost::json::array pairs;
    for (const auto& [name, value] : message.headers) pairs.push_back(boost::json::array{name, value});
    return boost::json::serialize(pairs);
}

std::vector<std::pair<std::string, std::string>> parse_headers(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> headers;
    boost::system::error_code ec;
    auto value = boost::json::parse(text, ec);
    if (ec || !value.is_array()) return headers;
    for (const auto& pair : value.get_array()) {
        const auto* items = pair.if_array();
        if (!items || items->size() != 2 || !(*items)[0].is_string() || !(*items)[1].is_string()) continue;
        headers.emplace_back(std::string((*items)[0].get_string()), std::string((*items)[1].get_string()));
    }
    return headers;
}

Message message_of(const pg::Row& row) {
    Message m;
    m.event_id = row.get<std::string>(1);
    m.event_type = row.get<std::string>(2);
    m.destination = row.get<std::string>(3);
    m.key = row.get<std::string>(4);
    m.payload = row.get<std::string>(5);
    m.occurred_at = row.rfc3339(6);
    m.traceparent = row.get<std::string>(7);
    m.headers = parse_headers(row.get<std::string>(8));
    return m;
}

// Full jitter on the upper half: spreads retries of many relays without ever retrying at once.
std::chrono::milliseconds jittered(std::chrono::milliseconds delay) {
    thread_local std::minstd_rand random{std::random_device{}()};
    auto half = std::max<std::int64_t>(delay.count() / 2, 1);
    return std::chrono::milliseconds(half + static_cast<std::int64_t>(random() % static_cast<unsigned>(half)));
}

}  // namespace

void enqueue(pg::Batch& batch, std::span<const Message> messages) {
    if (messages.empty()) return;
    std::vector<std::string> event_ids, types, destinations, keys, payloads, occurred, traceparents, headers;
    // A message that names no cause continues the trace of the work enqueuing it.
    std::string current;
    if (auto* scope = trace::current(); scope != nullptr && scope->context.valid()) {
        current = scope->context.traceparent();
    }
    for (const auto& message : messages) {
        event_ids.push_back(message.event_id.empty() ? ids::event_id() : message.event_id);
        types.push_back(message.event_type);
        destinations.push_back(message.destination);
        keys.push_back(message.key);
        payloads.push_back(message.payload);
        occurred.push_back(message.occurred_at);  // empty: the transaction's time
        traceparents.push_back(message.traceparent.empty() ? current : message.traceparent);
        headers.push_back(headers_json(message));
    }
    batch.add(kEnqueue, pg::array_of(event_ids), pg::array_of(types), pg::array_of(destinations), pg::array_of(keys),
              pg::array_of(payloads), pg::array_of(occurred), pg::array_of(traceparents), pg::array_of(headers));
}

void enqueue(pg::Batch& batch, const Message& message) { enqueue(batch, std::span<const Message>(&message, 1)); }

Task<pg::Outcome<void>> enqueue(pg::Transaction& tx, const Message& message) {
    pg::Batch batch;
    enqueue(batch, message);
    auto inserted = co_await tx.run(std::move(batch));
    if (!inserted) co_return pg::failed(std::move(inserted.error()));
    co_return pg::Outcome<void>{};
}

OutboxRelay::OutboxRelay(pg::Pool& pool, Publisher& publisher, RelayConfig config)
    : pool_(pool), publisher_(publisher), config_(config), wake_(pool.context()) {}

void OutboxRelay::notify() {
    asio::post(wake_.get_executor(), [this] {
        pending_ = true;
        wake_.cancel();
    });
}

void OutboxRelay::stop() {
    asio::post(wake_.get_executor(), [this] {
        stopping_ = true;
        wake_.cancel();
    });
}

Task<void> OutboxRelay::sleep(std::chrono::milliseconds delay) {
    wake_.expires_after(delay);
    boost::system::error_code ec;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

Task<void> OutboxRelay::rest_until(std::chrono::steady_clock::time_point until) {
    while (!stopping_ && std::chrono::steady_clock::now() < until) {
        co_await sleep(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()));
    }
}

Task<void> OutboxRelay::run() {
    running_ = true;
    stopping_ = false;
    auto backoff = config_.backoff_initial;
    while (!stopping_) {
        pending_ = false;
        auto started = std::chrono::steady_clock::now();
        pg::Outcome<Pass> pass = pg::failed(pg::Failure::client("no pass"));
        try {
            pass = co_await relay_batch();
        } catch (const std::exception& e) {  // a bug must not stop every later event
            pass = pg::failed(pg::Failure::client(e.what()));
        }
        ++passes_;
        if (stopping_) break;
        if (!pass || pass->publish_failed) {
            ++failures_;
            if (config_.metrics) config_.metrics->failed();
            if (!pass) log::warn("outbox relay pass failed", {{"error", pass.error().message}});
            // While the broker refuses, the backlog and its age keep growing: let that show.
            co_await refresh_backlog();
            co_await rest_until(std::chrono::steady_clock::now() + jittered(backoff));
            backoff = std::min(backoff * 2, config_.backoff_max);
            continue;
        }
        backoff = config_.backoff_initial;
        if (pass->claimed == config_.batch_size) continue;  // more may be waiting
        // Counting is a scan of the unpublished rows: while busy, once per interval is enough.
        if (pass->claimed == 0 || std::chrono::steady_clock::now() - last_backlog_ >= config_.backlog_interval) {
            co_await refresh_backlog();
        }
        if (std::chrono::steady_clock::now() - last_prune_ >= config_.prune_interval) co_await prune_published();
        if (!pending_ && !stopping_) co_await sleep(config_.poll_interval);
        if (pending_) co_await rest_until(started + config_.pass_spacing);
    }
    running_ = false;
}

Task<pg::Outcome<OutboxRelay::Pass>> OutboxRelay::relay_batch() {
    Pass pass;
    auto tx = co_await pool_.begin();
    if (!tx) co_return pg::failed(std::move(tx.error()));
    // One relay per database at a time: another replica's relay holding the lock publishes instead. The
    // claim goes in the same round trip; without the lock it is rolled back unread.
    pg::Batch reads;
    reads.add(kTryLock).add(kClaim, config_.batch_size);
    auto read = co_await tx->run(std::move(reads));
    if (!read) co_return pg::failed(std::move(read.error()));
    if (!(*read)[0].front().get<bool>(0)) {
        co_await tx->rollback();
        co_return pass;
    }
    const auto& rows = (*read)[1];
    pass.claimed = static_cast<int>(rows.size());

    std::vector<std::int64_t> ids;
    std::vector<Message> messages;
    ids.reserve(rows.size());
    messages.reserve(rows.size());
    for (auto row : rows) {
        ids.push_back(row.get<std::int64_t>(0));
        messages.push_back(message_of(row));
    }
    // All in flight together: a batch costs one confirmation round trip, not one per row.
    auto results = co_await publish_all(publisher_, messages);
    auto publishable = confirmed_in_order(messages, results);

    std::string published_ids = "{";
    int published = 0;
    int failed = 0;
    std::size_t first_failed = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (publishable[i]) {
            if (published++ > 0) published_ids += ",";
            published_ids += std::to_string(ids[i]);
            continue;
        }
        pass.publish_failed = true;
        // Confirmed but held back behind a failed event of its key: it goes out again after that one.
        if (results[i]) continue;
        if (failed++ == 0) first_failed = i;
        if (auto marked = co_await tx->query(kMarkFailed, ids[i], results[i].error().message); !marked) {
            co_return pg::failed(std::move(marked.error()));
        }
    }
    published_ids += "}";
    // One line per pass: a broker that is down fails the whole batch.
    if (failed > 0) {
        auto held_back = pass.claimed - published - failed;
        log::warn("outbox publish failed", {{"outbox_id", std::to_string(ids[first_failed])},
                                            {"error", public_message(results[first_failed].error())},
                                            {"failed", std::to_string(failed)},
                                            {"held_back", std::to_string(held_back)}});
    }
    // The marks and COMMIT in one round trip.
    pg::Batch marks;
    marks.add(pg::kCommitWithoutFlush);  // a mark lost in a crash only sends its row again
    if (published > 0) marks.add(kMarkPublished, published_ids);
    if (auto committed = co_await tx->commit(std::move(marks)); !committed) {
        co_return pg::failed(std::move(committed.error()));
    }
    published_ += published;
    if (config_.metrics && published > 0) config_.metrics->published(published);
    co_return pass;
}

Task<void> OutboxRelay::prune_published() {
    last_prune_ = std::chrono::steady_clock::now();
    auto deleted = co_await pool_.query(kPrune, static_cast<std::int64_t>(config_.retention.count()));
    if (!deleted) {
        log::warn("outbox prune failed", {{"error", deleted.error().message}});
        co_return;
    }
    pruned_ += deleted->affected();
}

Task<void> OutboxRelay::refresh_backlog() {
    last_backlog_ = std::chrono::steady_clock::now();
    auto rows = co_await pool_.query(kBacklog);
    if (!rows || rows->empty()) co_return;
    backlog_ = rows->front().get<std::int64_t>(0);
    oldest_age_ms_ = rows->front().get<std::int64_t>(1);
    if (config_.metrics) config_.metrics->backlog(backlog_, oldest_age());
}

}  // namespace agora::messaging
