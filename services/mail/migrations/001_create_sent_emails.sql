-- One row per notification event the mail service has taken on (docs/contract.md, Messages: never two emails for one
-- event). Unlike the shared inbox, a row has a state: an email cannot be sent inside a transaction, so
-- a send is claimed first ('sending', with updated_at as its lease) and settled after the SMTP server
-- answered. A duplicate delivery that finds 'sent' is acknowledged without sending; one that finds a
-- live claim waits for it.
CREATE TABLE sent_emails (
    event_id   uuid PRIMARY KEY,
    kind       text NOT NULL,
    state      text NOT NULL CHECK (state IN ('sending', 'sent', 'failed', 'pending')),
    attempts   integer NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);
