#include "outbox/schema.hpp"

namespace agora::messaging {
namespace {

// payload is text, not jsonb: the bytes the producer wrote are the bytes consumers receive.
constexpr std::string_view kSql = R"sql(
CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    event_type   text NOT NULL,
    destination  text NOT NULL,
    key          text NOT NULL DEFAULT '',
    payload      text NOT NULL,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    traceparent  text NOT NULL DEFAULT '',
    headers      jsonb NOT NULL DEFAULT '[]',
    created_at   timestamptz NOT NULL DEFAULT now(),
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

CREATE TABLE inbox (
    consumer     text NOT NULL,
    event_id     uuid NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
)sql";

}  // namespace

pg::Migration schema_migration(int version) { return pg::Migration{version, "messaging_outbox_inbox", kSql}; }

}  // namespace agora::messaging
