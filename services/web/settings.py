"""The web's settings, from OMSORG_* variables like every service's (shared/settings.py), but its
own: the web holds no data, so it needs no database, broker or keys of personal data.

Sign-in goes through an OIDC issuer of OMSORG_OIDC_ISSUERS (the same setting as the services'; the
one named by OMSORG_SIGN_IN_ISSUER, or the first): the code flow with PKCE (services/web/oidc.py).
Under `make up`, docker compose and the test stack that is the development issuer (services/issuer/);
there is no other sign-in. Production is the default.
"""
from typing import Literal

from pydantic import Field, model_validator

from shared.oidc import OidcIssuer, insecure_url_problem
from pydantic_settings import BaseSettings, SettingsConfigDict

PORT = 8006


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OMSORG_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "prod"
    host: str = "127.0.0.1"
    port: int | None = None
    # The APIs the pages are made from; the defaults are where `make up` runs them.
    registry_url: str = "http://127.0.0.1:8001"
    journal_url: str = "http://127.0.0.1:8002"
    orders_url: str = "http://127.0.0.1:8003"
    watch_url: str = "http://127.0.0.1:8004"
    notify_url: str = "http://127.0.0.1:8005"
    # How long a call to a service may take before the page says the service does not answer.
    backend_timeout_seconds: float = 10.0
    # A session ends after this long without a request, and at the latest when its token expires.
    session_idle_minutes: int = 30
    # OTLP/HTTP base URL for spans, as the services' (empty: spans stay in process).
    otel_endpoint: str = ""
    # The share of traces kept where they start, as the services' (shared/settings.py): the web
    # starts a person's traces, and the services follow its choice.
    trace_sample_ratio: float = Field(default=1.0, ge=0.0, le=1.0)
    # Dev and test only: the web's clock runs this far from real time, as the services' do, so that
    # the day a form offers is the day the services keep (shared/settings.py).
    clock_offset_seconds: float = 0.0
    # Where people sign in: the OIDC issuers as the services have them (shared/oidc.py), the one
    # to sign in with (its `issuer`; empty: the first), and the web's client there (public, PKCE;
    # a secret only if the identity provider makes the web a confidential client).
    oidc_issuers: list[OidcIssuer] = Field(default_factory=list)
    sign_in_issuer: str = ""
    sign_in_client_id: str = "omsorg-web"
    sign_in_client_secret: str | None = None
    oidc_timeout_seconds: float = 5.0
    oidc_jwks_max_age_seconds: float = 3600.0
    oidc_jwks_min_refresh_seconds: float = 30.0
    # The accessibility statement (/tillganglighet): who answers for the service, and how a person
    # reports a shortcoming or asks for content in another form (the municipality's own contact).
    organisation_name: str = Field(default="Kommunen", max_length=200)
    accessibility_contact: str = Field(
        default="Kontakta kommunens kontaktcenter och ange att det gäller Omsorgs webb. Kontaktuppgifterna finns på"
                " kommunens webbplats.", max_length=1000)
    # As the services': a token that claims to live longer is refused.
    jwt_max_lifetime_seconds: int = 12 * 3600

    @model_validator(mode="after")
    def _no_clock_offset_in_prod(self) -> "WebSettings":
        if self.env == "prod" and self.clock_offset_seconds:
            raise ValueError("OMSORG_CLOCK_OFFSET_SECONDS is only allowed in dev and test")
        if self.sign_in_issuer and self.sign_in_issuer not in [i.issuer for i in self.oidc_issuers]:
            raise ValueError("OMSORG_SIGN_IN_ISSUER is not one of OMSORG_OIDC_ISSUERS")
        if self.env == "prod":
            for issuer in self.oidc_issuers:
                if problem := insecure_url_problem(issuer.issuer):
                    raise ValueError(f"OMSORG_OIDC_ISSUERS: {problem}")
        return self

    @property
    def sign_in_config(self) -> OidcIssuer | None:
        """The issuer people sign in with; None when none is configured."""
        chosen = [i for i in self.oidc_issuers if i.issuer == self.sign_in_issuer] if self.sign_in_issuer \
            else self.oidc_issuers[:1]
        return chosen[0] if chosen else None
