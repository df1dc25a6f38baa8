-- Orders and their items (docs/contract.md). CREATING and ABORTED are the internal states of the reservation
-- protocol (docs/adr/0006). request_id is unique per customer; an aborted order gives its request_id up
-- (NULL) so that the customer can try again with it.
CREATE TABLE orders (
    id             bigserial PRIMARY KEY,
    customer_id    bigint NOT NULL,
    request_id     text,
    email          text NOT NULL DEFAULT '',
    description    text NOT NULL DEFAULT '',
    status         text NOT NULL CHECK (status IN ('CREATING', 'PENDING', 'SUCCESS', 'CANCELLED', 'ABORTED')),
    total_amount   NUMERIC(12,2) NOT NULL DEFAULT 0,
    payment_due_at timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orders_customer_request UNIQUE (customer_id, request_id)
);
CREATE INDEX orders_customer_created ON orders (customer_id, created_at DESC, id DESC);
CREATE INDEX orders_creating ON orders (created_at) WHERE status = 'CREATING';

CREATE TABLE order_items (
    id         bigserial PRIMARY KEY,
    order_id   bigint NOT NULL REFERENCES orders (id),
    product_id bigint NOT NULL,
    quantity   integer NOT NULL CHECK (quantity > 0),
    price      NUMERIC(12,2) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_items_order ON order_items (order_id, id);

-- The answers of pay and cancel, so that a replay by the same customer gets the original response.
CREATE TABLE order_commands (
    customer_id bigint NOT NULL,
    kind        text NOT NULL,
    request_id  text NOT NULL,
    order_id    bigint NOT NULL REFERENCES orders (id),
    status      integer NOT NULL,
    outcome     text NOT NULL,  -- the status the command answered with
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, kind, request_id)
);

-- Durable timers: the payment deadline and the reminders, fired by the scheduler loop.
CREATE TABLE order_deadlines (
    order_id bigint NOT NULL REFERENCES orders (id),
    kind     text NOT NULL,
    due_at   timestamptz NOT NULL,
    fired_at timestamptz,
    PRIMARY KEY (order_id, kind)
);
CREATE INDEX order_deadlines_due ON order_deadlines (due_at) WHERE fired_at IS NULL;
