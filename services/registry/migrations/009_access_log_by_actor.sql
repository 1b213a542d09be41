-- Log review as municipalities do it also goes by member of staff: who read what, when.
CREATE INDEX access_log_actor ON access_log (actor, at DESC, event_id DESC);
