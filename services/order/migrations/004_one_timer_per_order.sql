-- One timer per order (domain/timers.hpp): the row of the timer an order awaits next, deleted when it
-- fires and replaced by its successor in the same transaction. Fired rows of the earlier scheme (one row
-- per timer, kept with fired_at) go; unfired ones stay and fire as before.
DELETE FROM order_deadlines WHERE fired_at IS NOT NULL;
DROP INDEX order_deadlines_due;
ALTER TABLE order_deadlines DROP COLUMN fired_at;
CREATE INDEX order_deadlines_due ON order_deadlines (due_at);
