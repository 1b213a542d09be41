"""The clients the development issuer knows (deploy/local/issuer-clients.yaml): where a sign-in may
return to, and the service accounts with their secrets and roles."""
import hmac
import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, Field

from shared.principal import ROLES


class Client(BaseModel):
    model_config = {"extra": "forbid"}
    redirect_uris: list[str] = Field(default_factory=list)
    post_logout_redirect_uris: list[str] = Field(default_factory=list)
    # A confidential client authenticates with this; a public one (the web) has none and relies on PKCE.
    secret: str | None = None
    # A service account's roles (client credentials); a client without roles cannot use that grant.
    roles: list[str] = Field(default_factory=list)

    def secret_matches(self, given: str | None) -> bool:
        if self.secret is None:
            return True
        return given is not None and hmac.compare_digest(self.secret.encode(), given.encode())

    def may_return_to(self, uri: str) -> bool:
        return any(uri_matches(registered, uri) for registered in self.redirect_uris)

    def may_return_after_logout_to(self, uri: str) -> bool:
        return any(uri_matches(registered, uri) for registered in self.post_logout_redirect_uris)


def _loopback_ip(host: str | None) -> bool:
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def uri_matches(registered: str, given: str) -> bool:
    """Exactly as registered, except the port of a loopback IP address (RFC 8252, section 7.3: a
    native or local client's port is chosen when it runs, e.g. by the tests)."""
    if registered == given:
        return True
    r, g = urlsplit(registered), urlsplit(given)
    return (r.scheme == g.scheme == "http" and _loopback_ip(r.hostname) and r.hostname == g.hostname
            and r.path == g.path and r.query == g.query and not g.fragment and not g.username)


def load_clients(path: Path) -> dict[str, Client]:
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("clients"), dict):
        raise ValueError(f"{path}: the top level must be `clients:`, mapping each client id to its entry")
    clients = {str(cid): Client.model_validate(entry or {}) for cid, entry in document["clients"].items()}
    for cid, client in clients.items():
        unknown = [r for r in client.roles if r not in ROLES]
        if unknown:
            raise ValueError(f"{path}: {cid}: unknown role(s) {unknown}")
        if client.roles and client.secret is None:
            raise ValueError(f"{path}: {cid}: a service account needs a secret")
    return clients
