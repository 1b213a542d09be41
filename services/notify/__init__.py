"""Notify: e-mail, in-app notifications and provider webhooks (avisering)."""
