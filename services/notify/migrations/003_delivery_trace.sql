-- The trace context of the event that queued a delivery, so that sending it (later, in the
-- sender) continues that event's trace down to the SMTP or webhook call.
ALTER TABLE deliveries ADD COLUMN trace_context jsonb;
