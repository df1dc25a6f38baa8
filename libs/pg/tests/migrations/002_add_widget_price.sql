-- A second statement file, to check ordering and that "quotes" and ; survive embedding.
ALTER TABLE widgets ADD COLUMN price_cents bigint NOT NULL DEFAULT 0;
INSERT INTO widgets (name, price_cents) VALUES ('it''s "first"; really', 100);
