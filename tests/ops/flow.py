"""The main path through the five services' APIs, for the operations tests and the summary
benchmark: a person, a case with a decision, a provider, an order sent to it."""
from dataclasses import dataclass
from datetime import timedelta

import httpx

from tests import clock
from tests.integration.orders.helpers import organisation_number
from tests.pins import make_pin
from tests.stack import TestEnv, eventually

UNIT = "vuxen"
INTERVENTION = "home_help"


@dataclass
class Flow:
    env: TestEnv
    urls: dict[str, str]          # service name → base URL

    def caseworker(self) -> dict[str, str]:
        return self.env.auth("caseworker", "anna", unit=UNIT)

    async def _post(self, service: str, path: str, body: dict, headers: dict, expect: int = 201) -> dict:
        async with httpx.AsyncClient(base_url=self.urls[service], timeout=30) as client:
            response = await client.post(path, json=body, headers=headers)
        assert response.status_code == expect, f"{service} {path}: {response.status_code} {response.text}"
        return response.json()

    async def person(self) -> dict:
        return await self._post("registry", "/persons", {"pin": make_pin(), "first_name": "Karin",
                                                         "last_name": "Berg"}, self.caseworker())

    async def case(self, person_id: str | None = None) -> dict:
        person_id = person_id or (await self.person())["id"]
        return await self._post("registry", "/cases", {"unit": UNIT, "kind": "SoL", "person_id": person_id},
                                self.caseworker())

    async def decision(self, case_id: str) -> dict:
        """An investigation, then a decision granting home help (the decision completes it)."""
        await self._post("registry", f"/cases/{case_id}/investigations", {}, self.caseworker())
        today = clock.today()
        return await self._post("registry", f"/cases/{case_id}/decisions", {
            "intervention": INTERVENTION, "reasons": "Behov av stöd i hemmet.",
            "legal_basis": "4 kap. 1 § socialtjänstlagen (2025:400)", "valid_from": today.isoformat(),
            "valid_to": (today + timedelta(days=365)).isoformat(),
            "follow_up_on": (today + timedelta(days=90)).isoformat(),
            "communication": {"communicated": True, "communicated_on": today.isoformat(), "method": "letter"},
        }, self.caseworker())

    async def provider(self, name: str = "Omsorg AB") -> dict:
        return await self._post("orders", "/providers", {
            "name": name, "organisation_number": organisation_number(), "email": "bestallning@omsorgen.example",
            "interventions": [INTERVENTION]}, self.env.auth("object_specialist", "olle"))

    async def orderable(self, case_id: str, decision_id: str, timeout: float = 30) -> None:
        """Wait until the orders service has the decision from the registry's events."""
        async def known():
            conn = await self.env.db()
            try:
                return await conn.fetchval("SELECT true FROM orders.decisions WHERE decision_id = $1::uuid",
                                           decision_id)
            finally:
                await conn.close()
        assert await eventually(known, timeout=timeout), f"orders never heard of decision {decision_id}"

    def order_body(self, case_id: str, decision_id: str, provider_id: str) -> dict:
        return {"case_id": case_id, "decision_id": decision_id, "provider_id": provider_id,
                "intervention": INTERVENTION, "details": "Hjälp med inköp och städning, två gånger i veckan.",
                "wanted_start": clock.today().isoformat()}

    async def draft(self, case_id: str, decision_id: str, provider_id: str) -> dict:
        return await self._post("orders", "/orders", self.order_body(case_id, decision_id, provider_id),
                                self.caseworker())

    async def send(self, order_id: str) -> dict:
        return await self._post("orders", f"/orders/{order_id}/send", {}, self.caseworker(), expect=200)

    async def sent_order(self, provider_id: str | None = None) -> dict:
        """The whole path: person, case, decision, (provider,) draft, send."""
        case = await self.case()
        decision = await self.decision(case["id"])
        provider_id = provider_id or (await self.provider())["id"]
        await self.orderable(case["id"], decision["id"])
        draft = await self.draft(case["id"], decision["id"], provider_id)
        return await self.send(draft["id"])
