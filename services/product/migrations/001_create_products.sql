-- The catalogue (docs/contract.md). A deleted product keeps its row (deleted_at) so that its event log
-- and the reservations that name it stay whole; every read leaves it out. `version` is the number of
-- the product's latest event in product_events.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE products (
    id          BIGSERIAL PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    description TEXT NOT NULL,
    price       NUMERIC(12, 2) NOT NULL CHECK (price > 0),
    quantity    INTEGER NOT NULL CHECK (quantity >= 0),
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ
);

-- Substring search on name and description (ILIKE '%term%') uses the trigram indexes.
CREATE INDEX products_name_trgm ON products USING gin (name gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX products_description_trgm ON products USING gin (description gin_trgm_ops) WHERE deleted_at IS NULL;
-- Lists: newest first, then id.
CREATE INDEX products_newest ON products (created_at DESC, id DESC) WHERE deleted_at IS NULL;
