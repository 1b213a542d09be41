"""Keycloak for tests, started by the project's own script (deploy/local/keycloak.sh) with the
realms of deploy/local/keycloak/, and the tokens it issues."""
import os
import subprocess

import httpx

from tests.stack import ROOT

SCRIPT = ROOT / "deploy" / "local" / "keycloak.sh"
# The password each test user has in the realm files, and the service account's client secret.
TEST_PASSWORD = "{username}-test-password"
IMPORT_CLIENT, IMPORT_SECRET = "omsorg-import", "omsorg-import-test-client-secret"


def _run(command: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), command], capture_output=True, text=True, timeout=timeout, env=os.environ)


class Keycloak:
    """A running Keycloak; `start()` starts it unless it already runs, and then `stop()` stops it."""

    def __init__(self):
        self.started = False
        self.url = _run("url").stdout.strip()

    def start(self) -> "Keycloak":
        if _run("status").returncode != 0:
            started = _run("start")
            if started.returncode != 0:
                raise RuntimeError(f"deploy/local/keycloak.sh start failed:\n{started.stdout}\n{started.stderr}")
            self.started = True
        return self

    def stop(self) -> None:
        if self.started:
            _run("stop")

    def issuer(self, realm: str = "omsorg") -> str:
        return f"{self.url}/realms/{realm}"

    def issuer_setting(self, realm: str = "omsorg") -> dict:
        """How Omsorg reads this realm's tokens (an entry of OMSORG_OIDC_ISSUERS)."""
        return {"issuer": self.issuer(realm), "audience": "omsorg", "roles_claim": "realm_access.roles",
                "sub_claim": "preferred_username", "client_roles": {IMPORT_CLIENT: ["service"]}}

    async def token(self, realm: str = "omsorg", **form: str) -> str:
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(f"{self.issuer(realm)}/protocol/openid-connect/token", data=form)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    async def password_token(self, username: str, realm: str = "omsorg") -> str:
        return await self.token(realm, grant_type="password", client_id="omsorg-web", username=username,
                                password=TEST_PASSWORD.format(username=username), scope="openid")

    async def service_token(self) -> str:
        return await self.token(grant_type="client_credentials", client_id=IMPORT_CLIENT, client_secret=IMPORT_SECRET)
