"""The ways out of notify: e-mail over SMTP (smtp.py) and webhooks to provider systems (webhooks.py)."""
