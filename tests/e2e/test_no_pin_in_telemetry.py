"""No personal identity number reaches a URL, a span, a log line or a metric. After the whole flow
(which registers the person by number), the person is also looked up and searched for by number,
an invalid number is searched for, and then every span the services exported (with a span per SQL
statement), every line of every service's log and every service's /metrics are searched for
every form of every number used."""
import asyncio
import re

import httpx

from tests.pins import make_pin
from tests.stack import eventually


def forms(pin: str) -> set[str]:
    """The ways a number may be written: 12 or 10 digits, with or without the separator."""
    digits = re.sub(r"\D", "", pin)
    long, short = (digits, digits[2:]) if len(digits) == 12 else (None, digits)
    found = {short, f"{short[:6]}-{short[6:]}", f"{short[:6]}+{short[6:]}"}
    if long:
        found |= {long, f"{long[:8]}-{long[8:]}"}
    return found


def test_the_forms_of_a_number_are_found():
    assert {"194001011234", "19400101-1234", "4001011234", "400101-1234"} <= forms("19400101-1234")


async def test_no_personal_identity_number_in_spans_logs_or_metrics(played):
    env, procs, flow, receiver = played.env, played.procs, played.flow, played.receiver
    registry = procs["registry"].url
    headers = env.auth("family_law", "pin-search")
    numbers = {flow.state.pin, make_pin()}
    async with httpx.AsyncClient(timeout=30, headers=headers) as client:
        for pin in sorted(numbers):
            for path in ("/persons/search", "/occurrences/search"):
                response = await client.post(f"{registry}{path}", json={"pin": pin})
                assert response.status_code == 200, response.text
        invalid = "19400101-1235"  # a wrong check digit
        numbers.add(invalid)
        refused = await client.post(f"{registry}/occurrences/search", json={"pin": invalid})
        assert refused.status_code == 422 and refused.json()["code"] == "invalid_personal_identity_number"

    async def searched():  # the search spans arrived: the ones above are exported too
        return [s for s in receiver.spans if s.service == "omsorg-registry" and "/search" in s.name]
    assert await eventually(searched, timeout=20)
    await asyncio.sleep(1)  # the rest of the batch

    needles = {form for pin in numbers for form in forms(pin)}
    spans = list(receiver.spans)
    assert len(spans) > 100, "the flow's spans were not received"
    for span in spans:
        text = f"{span.name} {span.attributes}"
        leaked = {n for n in needles if n in text}
        assert not leaked, f"{span.service} span {span.name!r} holds {leaked}: {span.attributes}"
    for proc in procs.values():
        log = proc.log_path.read_text(errors="replace")
        assert log.strip(), f"{proc.service} logged nothing: the check would be empty"
        leaked = {n for n in needles if n in log}
        assert not leaked, f"{proc.service}'s log holds {leaked}"
    async with httpx.AsyncClient(timeout=30) as client:
        for proc in procs.values():
            metrics = (await client.get(f"{proc.url}/metrics")).text
            assert "http_server" in metrics or "omsorg" in metrics
            leaked = {n for n in needles if n in metrics}
            assert not leaked, f"{proc.service}'s /metrics holds {leaked}"
