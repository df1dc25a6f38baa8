-- Every change of a product, versioned per product (docs/architecture.md, Events): version = previous + 1,
-- written in the transaction of the change.
CREATE TABLE product_events (
    product_id  BIGINT NOT NULL REFERENCES products (id),
    version     BIGINT NOT NULL,
    event_type  TEXT NOT NULL,
    payload     JSONB NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (product_id, version)
);
