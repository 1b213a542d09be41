"""The web's settings, from OMSORG_* variables like every service's (shared/settings.py), but its
own: the web holds no data, so it needs no database, broker or keys of personal data.

Production is the default. Only `dev` and `test` have the development sign-in, which mints tokens
of the local issuer (shared/auth.py) with the shared settings' OMSORG_JWT_SECRET.
"""
from typing import Literal

from pydantic import Field, model_validator
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

    @model_validator(mode="after")
    def _no_clock_offset_in_prod(self) -> "WebSettings":
        if self.env == "prod" and self.clock_offset_seconds:
            raise ValueError("OMSORG_CLOCK_OFFSET_SECONDS is only allowed in dev and test")
        return self

    @property
    def dev_sign_in(self) -> bool:
        return self.env in ("dev", "test")
