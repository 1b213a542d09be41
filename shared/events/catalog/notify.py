"""Events on notify.events."""
