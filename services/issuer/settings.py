"""The development issuer's settings, from OMSORG_* variables. There is no production setting:
OMSORG_ENV left out means prod, and then the issuer does not start."""
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]
PORT = 8007


class IssuerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OMSORG_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "prod"
    host: str = "127.0.0.1"
    port: int | None = None
    # The issuer's name in its tokens and discovery document (default: where it listens).
    issuer_url: str = ""
    # Its signing keys (PEM, one file each), kept across restarts; `rotate-key` adds one.
    issuer_key_dir: Path = ROOT / ".local" / "issuer" / "keys"
    # The clients it knows: redirect URIs of the web, secrets and roles of service accounts.
    issuer_clients_file: Path = ROOT / "deploy" / "local" / "issuer-clients.yaml"
    # The audience the services expect (OidcIssuer.audience).
    issuer_audience: str = "omsorg"
    issuer_token_seconds: int = 8 * 3600
    # An authorization code is used at once by its client; after this it is refused.
    issuer_code_seconds: float = 60.0

    @model_validator(mode="after")
    def _development_only(self) -> "IssuerSettings":
        if self.env == "prod":
            raise ValueError("the development issuer runs only with OMSORG_ENV=dev or test; production signs in"
                             " through the municipality's identity provider (OMSORG_OIDC_ISSUERS)")
        if not self.issuer_url:
            self.issuer_url = f"http://{self.host}:{self.port or PORT}"
        self.issuer_url = self.issuer_url.rstrip("/")
        return self
