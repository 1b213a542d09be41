"""Events on journal.events."""
