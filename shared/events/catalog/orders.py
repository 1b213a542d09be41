"""Events on orders.events."""
