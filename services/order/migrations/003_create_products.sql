-- The local read model of the catalogue (docs/contract.md), fed by product events. version is the product's
-- event version: an update applies only when newer. A deleted product stays as a tombstone so that a
-- stale update cannot bring it back.
CREATE TABLE products (
    id          bigint PRIMARY KEY,
    name        text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    price       NUMERIC(12,2) NOT NULL DEFAULT 0,
    quantity    integer NOT NULL DEFAULT 0,
    version     bigint NOT NULL,
    deleted_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
