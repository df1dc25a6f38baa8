-- Users keep the original platform's table and columns; role is new (docs/contract.md, Data and keys).
CREATE TABLE users (
    id          bigserial PRIMARY KEY,
    email       text NOT NULL,
    password    text NOT NULL,
    role        text NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
    is_verified boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
-- Emails are stored normalised (trimmed, lower case); the constraint makes concurrent sign-ups safe.
CREATE UNIQUE INDEX users_email_key ON users (email);
