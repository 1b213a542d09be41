"""Events on watch.events."""
