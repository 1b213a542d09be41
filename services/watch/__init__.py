"""Watch: durable timers, reminders, escalations and each caseworker's watch list (bevakning)."""
