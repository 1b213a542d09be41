"""Settings from environment variables, all prefixed OMSORG_, read once per process.

Production is the default: a service started without OMSORG_ENV runs by production's rules, and
then every secret must be given, strong, and none that this repository shows. `dev` and `test`
are explicit choices; only they fill in the development keys below, allow private webhook
addresses, a moved clock and fault injection. No environment fills in a token signing secret: the
HS256 local issuer is there only where OMSORG_JWT_SECRET is set.
"""
import logging
from email.utils import parseaddr
from functools import lru_cache
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.oidc import OidcIssuer, insecure_url_problem, is_loopback

# Once dev and test's default HS256 signing secret (they now have none): still refused in production.
DEV_JWT_SECRET = "omsorg-local-development-only-signing-secret"
DEV_PERSON_REF_KEY = "omsorg-local-development-only-person-ref-key"
DEV_WEBHOOK_SECRET = "omsorg-local-development-only-webhook-secret"
# The SASL password of the local broker that deploy/local/kafka.sh starts with OMSORG_KAFKA_SASL=1.
DEV_KAFKA_PASSWORD = "omsorg-local-development-only-kafka-password"
# Secrets that stand in this repository (the development ones above and docker-compose.yml's
# fallbacks): anyone can read them, so production refuses them. tests/security checks that every
# secret written in the repository is in this list.
PUBLISHED_SECRETS = frozenset({
    DEV_JWT_SECRET, DEV_PERSON_REF_KEY, DEV_WEBHOOK_SECRET,
    "omsorg-local-development-secret", "omsorg-local-development-person-ref-key",
    "omsorg-local-development-webhook-secret", DEV_KAFKA_PASSWORD,
})
MIN_SECRET_LENGTH = 32
SECRETS = ("jwt_secret", "person_ref_key", "webhook_secret")

log = logging.getLogger(__name__)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OMSORG_")

    env: Literal["dev", "test", "prod"] = "prod"
    database_url: str = "postgresql://postgres@127.0.0.1:55432/omsorg"
    kafka_bootstrap: str = "127.0.0.1:19092"
    # How every producer, consumer and admin client reaches the broker (shared/kafka.py:
    # kafka_options). SASL_* authenticates with kafka_username and kafka_password; SSL and
    # SASL_SSL check the broker's certificate against kafka_ssl_cafile (the system's CAs when
    # empty) and, with kafka_ssl_certfile (and kafka_ssl_keyfile), present a client certificate.
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"] = "SCRAM-SHA-512"
    kafka_username: str = ""
    # A secret: never in a log line or a repr.
    kafka_password: str | None = Field(default=None, repr=False)
    kafka_ssl_cafile: str = ""
    kafka_ssl_certfile: str = ""
    kafka_ssl_keyfile: str = ""
    # Production refuses an unencrypted connection (PLAINTEXT, SASL_PLAINTEXT) to a broker that
    # is not on loopback unless this is set to true: the events carry personal data.
    kafka_allow_plaintext: bool = False
    # Of the topics the services create when missing (existing topics keep their partitions and
    # replicas). One replica suits the local single broker; production sets 3 (with
    # min.insync.replicas=2 on the broker, since producers send with acks=all).
    kafka_topic_partitions: int = Field(default=3, ge=1)
    kafka_replication_factor: int = Field(default=1, ge=1)
    # How long the broker keeps an event (retention.ms of every event topic) and a dead letter
    # (of every <topic>.dlq): events name persons, so a culling is final only once they have aged
    # out (docs/law.md, section 8). Set when a topic is made and restored at every start when it
    # differs (shared/kafka.py). The retention must outlast the longest stop of a consumer, or it
    # loses events: 7 days, Kafka's own default; dead letters 14, for support to look into them.
    kafka_retention_hours: int = Field(default=168, ge=1, le=8760)
    kafka_dead_letter_retention_hours: int = Field(default=336, ge=1, le=8760)
    # Lets several test runs share one broker without seeing each other's events.
    topic_prefix: str = ""
    host: str = "127.0.0.1"
    port: int | None = None

    # The local issuer's HS256 signing secret. Unset, there is no local issuer and no HS256 token is
    # taken: `make up`, docker compose and the test stack trust the development OIDC issuer
    # (services/issuer/) instead, as production trusts the municipality's identity provider
    # (oidc_issuers). In production a service without OIDC issuers refuses to start without it.
    jwt_secret: str | None = None
    jwt_issuer: str = "omsorg-local"
    jwt_audience: str = "omsorg"
    # The longest lifetime a token may have (exp - iat, and exp - now): a token that claims to live
    # longer is refused, however well signed.
    jwt_max_lifetime_seconds: int = 12 * 3600

    # OIDC issuers whose tokens are taken (JSON list; shared/oidc.py: OidcIssuer), e.g.
    # [{"issuer": "https://login.kommun.se/realms/omsorg", "roles_claim": "realm_access.roles"}].
    # None unless configured. Production takes only https issuers (plain http on loopback only).
    oidc_issuers: list[OidcIssuer] = Field(default_factory=list)
    # Keys are fetched again after this long; an unknown key id fetches them again, but at most
    # once per min_refresh (so garbage tokens cannot make us hammer the provider).
    oidc_jwks_max_age_seconds: float = 3600.0
    oidc_jwks_min_refresh_seconds: float = 30.0
    oidc_timeout_seconds: float = 5.0
    # Each OIDC issuer's cached keys (shared/auth.py: issuer_keys), kept as long as these settings.
    _oidc_keys: dict | None = PrivateAttr(default=None)
    _verified_tokens: dict | None = PrivateAttr(default=None)
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
    # The share of new traces kept (0 to 1), decided where a trace starts (parent-based): every
    # service keeps or drops the whole trace of a request with its first service. All by default:
    # a municipality's volume is small, and following one case's request through the five services
    # is what the traces are for; lower it when tracing shows in the CPU (a dropped trace costs
    # almost nothing: its spans are not recorded).
    trace_sample_ratio: float = Field(default=1.0, ge=0.0, le=1.0)

    relay_poll_seconds: float = 1.0
    relay_batch_size: int = 200
    # How long a published event stays in the outbox that sent it (then deleted, checked every
    # hour): as long as its copy on the broker (kafka_retention_hours), no longer, since it names
    # persons whom a culling may have removed everywhere else (docs/law.md, section 8.2).
    outbox_retention_hours: int = Field(default=168, ge=1, le=8760)
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

    # Registry: the daily search for persons due for culling (gallring), a durable timer run once a
    # day at 06:00 Swedish time; when someone is due, the watch raises a watch for the object
    # specialists, assigned to this official (a token's `sub`) when named. The worker looks this
    # often whether the day's search is due.
    retention_official: str = ""
    retention_search_poll_seconds: float = Field(default=60.0, gt=0, le=3600)

    # Fault injection points for failure tests (dev/test only), comma separated.
    fault: str = ""
    # Dev/test only: the clock starts this many seconds away from real time, so that a whole
    # run can be played on a chosen day and hour (tests/clock.py sets it from OMSORG_TEST_NOW).
    clock_offset_seconds: float = 0.0

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> "Settings":
        if self.env == "prod":
            for name in SECRETS:
                if name == "jwt_secret" and self.oidc_issuers and self.jwt_secret is None:
                    continue  # OIDC only: no local issuer
                problem = secret_problem(getattr(self, name))
                if problem:
                    raise ValueError(f"OMSORG_{name.upper()} {problem} (production; OMSORG_ENV=dev or test"
                                     " for a development machine)")
        else:
            self.person_ref_key = self.person_ref_key or DEV_PERSON_REF_KEY
            self.webhook_secret = self.webhook_secret or DEV_WEBHOOK_SECRET
        if self.env == "prod" and self.fault:
            raise ValueError("OMSORG_FAULT is only allowed in dev and test")
        if self.env == "prod" and self.clock_offset_seconds:
            raise ValueError("OMSORG_CLOCK_OFFSET_SECONDS is only allowed in dev and test")
        issuers = [i.issuer for i in self.oidc_issuers]
        if len(set(issuers)) != len(issuers):
            raise ValueError("OMSORG_OIDC_ISSUERS names an issuer twice")
        if self.jwt_secret and self.jwt_issuer in issuers:
            raise ValueError("OMSORG_JWT_ISSUER is also an OIDC issuer; the local issuer needs a name of its own")
        if self.env == "prod":
            for issuer in issuers:
                if problem := insecure_url_problem(issuer):
                    raise ValueError(f"OMSORG_OIDC_ISSUERS: {problem}")
        if self.allow_private_webhooks is None:
            self.allow_private_webhooks = self.env in ("dev", "test")
        self._check_kafka_security()
        if problem := sender_problem(self.smtp_from):
            raise ValueError(f"OMSORG_SMTP_FROM {problem}")
        return self

    def _check_kafka_security(self) -> None:
        protocol = self.kafka_security_protocol
        sasl, tls = protocol.startswith("SASL_"), protocol.endswith("SSL")
        if sasl:
            if not self.kafka_username:
                raise ValueError(f"OMSORG_KAFKA_USERNAME must be set with OMSORG_KAFKA_SECURITY_PROTOCOL={protocol}")
            if self.env == "prod":
                problem = secret_problem(self.kafka_password)
                if problem:
                    raise ValueError(f"OMSORG_KAFKA_PASSWORD {problem} (production)")
            elif not self.kafka_password:
                raise ValueError(f"OMSORG_KAFKA_PASSWORD must be set with OMSORG_KAFKA_SECURITY_PROTOCOL={protocol}")
        elif self.kafka_username or self.kafka_password:
            # Credentials that would silently go unused: the operator meant to authenticate.
            raise ValueError(f"OMSORG_KAFKA_USERNAME/OMSORG_KAFKA_PASSWORD are set but OMSORG_KAFKA_SECURITY_PROTOCOL="
                             f"{protocol} does not authenticate; use SASL_SSL (or SASL_PLAINTEXT)")
        if not tls:
            files = [n for n in ("kafka_ssl_cafile", "kafka_ssl_certfile", "kafka_ssl_keyfile") if getattr(self, n)]
            if files:
                raise ValueError(f"OMSORG_{files[0].upper()} is set but OMSORG_KAFKA_SECURITY_PROTOCOL={protocol}"
                                 " does not use TLS; use SSL or SASL_SSL")
            remote = [b for b in self.kafka_bootstrap_list() if not _is_loopback(b)]
            if remote and self.env == "prod" and not self.kafka_allow_plaintext:
                raise ValueError(
                    f"OMSORG_KAFKA_SECURITY_PROTOCOL={protocol} would send events (personal data)"
                    f"{' and the SASL login' if sasl else ''} unencrypted to {', '.join(remote)}: use SSL or"
                    " SASL_SSL, or set OMSORG_KAFKA_ALLOW_PLAINTEXT=true if the network is protected otherwise")
            if remote and self.kafka_allow_plaintext:
                log.warning("Kafka traffic to %s is not encrypted (OMSORG_KAFKA_ALLOW_PLAINTEXT=true)", ", ".join(remote))
        if self.kafka_ssl_keyfile and not self.kafka_ssl_certfile:
            raise ValueError("OMSORG_KAFKA_SSL_KEYFILE needs OMSORG_KAFKA_SSL_CERTFILE")

    def kafka_bootstrap_list(self) -> list[str]:
        return [b.strip() for b in self.kafka_bootstrap.split(",") if b.strip()]

    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"


def sender_problem(value: str) -> str | None:
    """What is wrong with the sender of notify's mails (`Name <address>` or an address), or None.
    The name may be in any language (it is encoded in the mail); the address must be ASCII."""
    if "\r" in value or "\n" in value:
        return "must be on one line"
    _, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    if not (local and at and domain and "." in domain):
        return f"must be an e-mail address, as `Omsorg <noreply@kommun.se>`: {value!r}"
    if not address.isascii():
        return f"must have an address in ASCII (a domain in its xn-- form): {address!r}"
    return None


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


def _is_loopback(address: str) -> bool:
    """Is a bootstrap address (host:port, [v6]:port) on this machine?"""
    return is_loopback(f"//{address}")


@lru_cache
def get_settings() -> Settings:
    return Settings()
