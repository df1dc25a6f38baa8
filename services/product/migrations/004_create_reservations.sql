-- Stock held for orders (docs/adr/0006). The id is the order's id. HELD -> CONFIRMED | RELEASED,
-- CONFIRMED -> RELEASED; REFUSED records a refused reservation so that a retry gets the same answer;
-- a release of an unknown id records RELEASED with no items so that a late reserve is refused.
CREATE TABLE reservations (
    id         BIGINT PRIMARY KEY,
    status     TEXT NOT NULL CHECK (status IN ('HELD', 'CONFIRMED', 'RELEASED', 'REFUSED')),
    refusal    TEXT,
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX reservations_expiring ON reservations (expires_at) WHERE status = 'HELD';

CREATE TABLE reservation_items (
    reservation_id BIGINT NOT NULL REFERENCES reservations (id),
    product_id     BIGINT NOT NULL REFERENCES products (id),
    quantity       INTEGER NOT NULL CHECK (quantity > 0),
    price          NUMERIC(12, 2) NOT NULL,
    PRIMARY KEY (reservation_id, product_id)
);
