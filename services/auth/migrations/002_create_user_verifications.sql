-- One issued code per user, kept only as a peppered hash (docs/contract.md, D11), with its expiry and the wrong
-- guesses spent on it.
CREATE TABLE user_verifications (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    token_hash  text NOT NULL,
    expired_at  timestamptz NOT NULL,
    attempts    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
