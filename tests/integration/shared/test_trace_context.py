"""The trace of a request continues through the outbox into the Kafka headers."""
import secrets

import httpx

from tests.pins import register_person
from tests.stack import read_topic


async def test_request_trace_id_reaches_the_published_event(stack):
    env, procs = stack
    trace_id = secrets.token_hex(16)
    headers = {**env.auth("caseworker", unit="vuxen"), "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}
    async with httpx.AsyncClient(base_url=procs["registry"].url) as client:
        person_id = await register_person(client, headers)
        response = await client.post("/cases", json={"unit": "vuxen", "kind": "SoL", "person_id": person_id},
                                     headers=headers)
    assert response.status_code == 201, response.text
    case_id = response.json()["id"]

    records = [r for r in await read_topic(env.kafka_bootstrap, env.topic("registry.events"), at_least=1)
               if r.key == case_id.encode()]
    assert len(records) == 1
    traceparents = [v.decode() for k, v in records[0].headers if k == "traceparent"]
    assert len(traceparents) == 1, "exactly one traceparent header, the relay's producer span's"
    assert traceparents[0].split("-")[1] == trace_id
