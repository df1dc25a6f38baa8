-- The outbox keeps a verification message's plaintext code only until the broker has it: when the
-- relay marks a row published, the code is removed from its payload in the same statement.
CREATE FUNCTION outbox_scrub_verification_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.published_at IS NOT NULL AND NEW.event_type = 'send.verification' THEN
        NEW.payload := (NEW.payload::jsonb - 'token')::text;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER outbox_scrub_verification_code
    BEFORE UPDATE OF published_at ON outbox
    FOR EACH ROW EXECUTE FUNCTION outbox_scrub_verification_code();
