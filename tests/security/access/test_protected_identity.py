"""Skyddade personuppgifter: a protected person's address leaves no service except to the one
caseworker a supervisor of the unit granted it to (opening a case grants nothing) — not in an HTTP answer to
anyone else, not in an event on any topic, not in an e-mail, an in-app notification, the
delivery log or the access log, not in a service's log file."""
import json

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from shared.kafka import kafka_options
from tests.security.access.flow import ADDRESS_PARTS, Flow
from tests.security.access.test_access_log import LOGGED
from tests.stack import read_topic

# Readers that must never get the address: everyone without a grant, the unit's own staff too.
BARRED = [("support", {}), ("family_law", {}), ("object_specialist", {}), ("provider_user", {}),
          ("caseworker", {"unit": "barn"}), ("supervisor", {"unit": "barn"}), ("caseworker", {}), ("supervisor", {})]
# Reads that are not logged but may show what the flow left behind (watches, notifications, the
# delivery log), with the roles that may use them.
OTHER_READS = [("watch", "/watches", "caseworker", {}), ("watch", "/watches", "supervisor", {"unit": "vuxen"}),
               ("notify", "/notifications", "caseworker", {}), ("notify", "/deliveries", "support", {})]


def forms(part: str) -> list[bytes]:
    """The address part as it would appear in UTF-8 text, in JSON with ASCII escapes, and in e-mail encodings."""
    return list({part.encode(), json.dumps(part)[1:-1].encode(), part.encode("latin-1", "replace")})


def leaks(data: bytes | str) -> list[str]:
    raw = data.encode() if isinstance(data, str) else data
    return [part for part in ADDRESS_PARTS if any(form in raw for form in forms(part))]


async def test_a_protected_address_reaches_only_those_who_may_see_it(flow: Flow, omsorg):
    env, procs, clients, catcher = omsorg
    # Everyone reads everything they can about the person, as in test_access_log.
    for (service, _path), read in LOGGED.items():
        url, params = read.request(flow)
        method, body = ("POST", read.body(flow)) if read.body else ("GET", None)
        for role, claims in BARRED + [(read.role, read.claims(flow))]:
            await flow.call(service, method, url, role=role, sub=f"läsare-{role}", claims=claims, params=params,
                            json=body)
    for service, url, role, claims in OTHER_READS:
        await flow.call(service, "GET", url, role=role, claims=claims, expect=200)

    # The test can see a leak: the caseworker the address was granted to does get it.
    own = await flow.call("registry", "GET", f"/persons/{flow.person_id}", role="caseworker", may_see_address=True,
                          expect=200)
    assert leaks(own.text) == list(ADDRESS_PARTS), own.text

    found = [f"{a.what} to {a.reader} ({a.status}): {leaks(a.text)}"
             for a in flow.answers if not a.may_see_address and leaks(a.text)]
    assert not found, "the protected address was answered to readers who may not see it:\n" + "\n".join(found)
    barred_answers = [a for a in flow.answers if not a.may_see_address and a.status == 200]
    assert len(barred_answers) > len(LOGGED), "too few reads succeeded for the search to mean anything"

    # Every event on every topic of the installation, dead-letter topics included.
    admin = AIOKafkaAdminClient(**kafka_options(env.settings))
    await admin.start()
    try:
        topics = sorted(t for t in await admin.list_topics() if t.startswith(env.topic_prefix))
    finally:
        await admin.close()
    assert {env.topic(t) for t in ("registry.events", "journal.events", "orders.events", "watch.events",
                                   "notify.events", "audit.access")} <= set(topics), topics
    for topic in topics:
        for record in await read_topic(env.kafka_bootstrap, topic, timeout=5):
            headers = b"".join(v or b"" for _, v in record.headers)
            assert not leaks((record.value or b"") + headers + (record.key or b"")), \
                f"the protected address is in an event on {topic}: {record.value[:500]!r}"

    # Every e-mail the provider got.
    assert catcher.messages, "no e-mail was sent, so none was searched"
    for message in catcher.messages:
        text = "".join(f"{k}: {v}\n" for k, v in message.items()) + "".join(
            part.get_content() for part in message.walk() if not part.is_multipart())
        assert not leaks(text), f"the protected address is in an e-mail: {text}"

    # In-app notifications and the delivery log were among the answers above; the service logs too.
    for proc in procs.values():
        assert not leaks(proc.log_path.read_bytes()), f"the protected address is in {proc.log_path.name}"


@pytest.mark.parametrize("role, claims", BARRED)
async def test_the_address_is_withheld_not_just_missing(flow: Flow, role, claims):
    """Those who may not see it are told that an address exists but is withheld."""
    response = await flow.call("registry", "POST", "/persons/search", role=role, sub=f"utan-tillstånd-{role}",
                               claims=claims, json={"pin": flow.pin})
    if role in ("caseworker", "supervisor", "support", "family_law"):
        assert response.status_code == 200, response.text
        person = response.json()["items"][0]
        assert person["address"] is None and person["address_withheld"] is True, person
    else:
        assert response.status_code == 403, response.text
