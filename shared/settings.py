"""Settings from environment variables, all prefixed OMSORG_, read once per process.

Production is the default: a service started without OMSORG_ENV runs by production's rules, and
then every secret must be given, strong, and none that this repository shows. `dev` and `test`
are explicit choices; only they fill in the development secrets below, allow private webhook
addresses, a moved clock and fault injection.
"""
from functools import lru_cache
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "omsorg-local-development-only-signing-secret"
DEV_PERSON_REF_KEY = "omsorg-local-development-only-person-ref-key"
DEV_WEBHOOK_SECRET = "omsorg-local-development-only-webhook-secret"
# Secrets that stand in this repository (the development ones above and docker-compose.yml's
# fallbacks): anyone can read them, so production refuses them. tests/security checks that every
# secret written in the repository is in this list.
PUBLISHED_SECRETS = frozenset({
    DEV_JWT_SECRET, DEV_PERSON_REF_KEY, DEV_WEBHOOK_SECRET,
    "omsorg-local-development-secret", "omsorg-local-development-person-ref-key",
    "omsorg-local-development-webhook-secret",
})
MIN_SECRET_LENGTH = 32
SECRETS = ("jwt_secret", "person_ref_key", "webhook_secret")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OMSORG_")

    env: Literal["dev", "test", "prod"] = "prod"
    database_url: str = "postgresql://postgres@127.0.0.1:55432/omsorg"
    kafka_bootstrap: str = "127.0.0.1:19092"
    # Lets several test runs share one broker without seeing each other's events.
    topic_prefix: str = ""
    host: str = "127.0.0.1"
    port: int | None = None

    # Unset in dev and test: the development secret. Unset in production: the service refuses to start.
    jwt_secret: str | None = None
    jwt_issuer: str = "omsorg-local"
    jwt_audience: str = "omsorg"
    # The longest lifetime a token may have (exp - iat, and exp - now): a token that claims to live
    # longer is refused, however well signed.
    jwt_max_lifetime_seconds: int = 12 * 3600
    # Keys the person reference (HMAC of a personal identity number) that events carry instead
    # of the number; the same in every service (shared/pin.py: person_ref).
    person_ref_key: str | None = None

    # The committee's name at the head of a decision letter (beslutsmeddelande).
    municipality_name: str = "Socialnämnden"

    # OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318; empty means spans stay in process.
    otel_endpoint: str = ""
    # OTLP/HTTP endpoint to push metrics to as well; empty (the default, production too) means
    # metrics are only pulled by Prometheus at /metrics.
    otel_metrics_endpoint: str = ""
    # A span per SQL statement: useful when hunting a slow query, but it doubles the cost of
    # tracing a request, so it is off unless asked for.
    trace_sql: bool = False

    relay_poll_seconds: float = 1.0
    relay_batch_size: int = 200
    consumer_retries: int = 3
    consumer_retry_backoff_seconds: float = 0.2

    # Notify: outgoing mail (a local catcher on 1025 in development), links, webhooks, retries.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = "Omsorg <noreply@omsorg.local>"
    smtp_timeout_seconds: float = 10.0
    public_url: str = "http://127.0.0.1:8003"
    # Keys each provider's webhook signing secret (HMAC of the provider id).
    webhook_secret: str | None = None
    webhook_timeout_seconds: float = 5.0
    # 30 s, 1, 2, 4, 8 and 10 min (the cap) between attempts: about half an hour of outage is waited out.
    notify_max_attempts: int = 7
    notify_retry_backoff_seconds: float = 30.0

    # Request limits (OWASP API4). A body larger than this is refused with 413; a route that
    # takes files sets its own (registry's POST /imports). 0 disables the rate limit, which
    # counts requests per token `sub` (per client address without a valid token) per minute
    # in each process.
    max_body_bytes: int = 1024 * 1024
    rate_limit_per_minute: int = 600
    # Provider webhooks (OWASP API7): may a webhook URL point at loopback, private, link-local
    # or other non-public addresses? Unset means yes in dev and test (local receivers), no in prod.
    allow_private_webhooks: bool | None = None

    # Proxies (addresses, comma separated) whose X-Forwarded-For is believed; none by default, so a
    # client cannot pick its own address (and rate-limit bucket) by sending the header.
    trusted_proxies: str = ""
    # Browser origins (comma separated, e.g. https://portal.kommun.se) that may call the API
    # cross-origin (CORS). Empty: no CORS headers at all, the safe default.
    cors_origins: str = ""

    # Fault injection points for failure tests (dev/test only), comma separated.
    fault: str = ""
    # Dev/test only: the clock starts this many seconds away from real time, so that a whole
    # run can be played on a chosen day and hour (tests/clock.py sets it from OMSORG_TEST_NOW).
    clock_offset_seconds: float = 0.0

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> "Settings":
        if self.env == "prod":
            for name in SECRETS:
                problem = secret_problem(getattr(self, name))
                if problem:
                    raise ValueError(f"OMSORG_{name.upper()} {problem} (production; OMSORG_ENV=dev or test"
                                     " for a development machine)")
        else:
            self.jwt_secret = self.jwt_secret or DEV_JWT_SECRET
            self.person_ref_key = self.person_ref_key or DEV_PERSON_REF_KEY
            self.webhook_secret = self.webhook_secret or DEV_WEBHOOK_SECRET
        if self.env == "prod" and self.fault:
            raise ValueError("OMSORG_FAULT is only allowed in dev and test")
        if self.env == "prod" and self.clock_offset_seconds:
            raise ValueError("OMSORG_CLOCK_OFFSET_SECONDS is only allowed in dev and test")
        if self.allow_private_webhooks is None:
            self.allow_private_webhooks = self.env in ("dev", "test")
        return self

    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"


def secret_problem(value: str | None) -> str | None:
    """What is wrong with a production secret, or None when it will do."""
    if not value:
        return "must be set"
    if value in PUBLISHED_SECRETS:
        return "is a secret that stands in the Omsorg repository; make a new one (e.g. `openssl rand -hex 32`)"
    if len(value) < MIN_SECRET_LENGTH:
        return f"must be at least {MIN_SECRET_LENGTH} characters (e.g. `openssl rand -hex 32`)"
    if len(set(value)) < 8:
        return "is too simple: use a random value (e.g. `openssl rand -hex 32`)"
    return None


@lru_cache
def get_settings() -> Settings:
    return Settings()
