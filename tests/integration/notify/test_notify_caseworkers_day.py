"""Notify for the caseworker's day on the real process: an escalation that names the caseworker's
own supervisor reaches them by e-mail (the directory's address, no person data) and in the
application; a cover (ersättare) gets the absent member's new watch notices during the cover only."""
import asyncio
import uuid
from datetime import timedelta

import httpx

from shared.events.catalog import CoverEnded, CoverGranted, StaffChanged
from tests import clock
from tests.integration.notify.helpers import MailCatcher, envelope, notify_env, publish, wait_for
from tests.integration.watch.helpers import Upstream, armed, fetch, fire_times, move_clock, order_sent
from tests.stack import eventually


def staff(subject: str, *, email: str | None, supervisor: str | None = None, level="caseworker") -> dict:
    return StaffChanged(subject=subject, name=subject.title(), title="Gruppchef", unit="vuxen", email=email,
                        supervisor=supervisor, delegation_level=level,
                        active_from=clock.today() - timedelta(days=100), changed_by="admin",
                        changed_at=clock.now()).model_dump(mode="json")


def cover(absent: str, cover_: str, from_days: int, to_days: int) -> CoverGranted:
    today = clock.today()
    return CoverGranted(cover_id=uuid.uuid4(), unit="vuxen", absent=absent, cover=cover_,
                        from_date=today + timedelta(days=from_days), to_date=today + timedelta(days=to_days),
                        granted_by="gruppchef", granted_at=clock.now())


async def notices(env, proc, client, sub: str, role: str = "caseworker") -> list[dict]:
    r = await client.get(f"{proc.url}/notifications", headers=env.auth(role, sub, unit="vuxen"))
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_an_escalation_reaches_the_named_supervisor_by_email_and_in_app(env):
    catcher = MailCatcher().start()
    try:
        proc = env.start("notify", **notify_env(catcher.port))
        await proc.wait_ready()
        await publish(env, "registry.events", "gunilla",
                      envelope("staff.changed", staff("gunilla", email="Gunilla.Chef@kommun.example",
                                                      level="supervisor")))
        await publish(env, "registry.events", "anna",
                      envelope("staff.changed", staff("anna", email="anna@kommun.example", supervisor="gunilla")))

        async def known():
            return len(await fetch(env, "SELECT 1 FROM notify.staff")) == 2
        assert await eventually(known, 60), proc.log_tail()
        order = uuid.uuid4()
        escalated = {"watch_id": str(uuid.uuid4()), "kind": "order_escalated", "rule": "order_escalation",
                     "subject_type": "order", "subject_id": str(order), "caseworker": "anna", "supervisor": "gunilla",
                     "unit": "vuxen", "due_on": clock.today().isoformat(), "escalated_at": clock.now().isoformat()}
        await publish(env, "watch.events", str(order), envelope("watch.escalated", escalated))

        address = "gunilla.chef@kommun.example"   # the log and the mail keep addresses in lower case
        assert await wait_for(lambda: catcher.to(address), 60), proc.log_tail()
        [mail] = catcher.to(address)
        assert str(mail["Subject"]) == "Eskalerad bevakning: obekräftad beställning"
        text = mail.get_content()
        assert "eskalerats till dig" in text and f"https://omsorg.test/orders/{order}" in text
        for person_data in ("anna", "Anna", "gunilla", "Gunilla", "hemtjänst"):
            assert person_data not in text
        async with httpx.AsyncClient() as client:
            mine = await eventually(lambda: notices(env, proc, client, "gunilla", "supervisor"), 60)
            assert [n["title"] for n in mine] == ["Eskalerad bevakning: obekräftad beställning"]
            assert len(await eventually(lambda: notices(env, proc, client, "anna"), 30)) == 1
            # Named: not every supervisor of the unit, and nobody's mail but the supervisor's.
            await asyncio.sleep(2)
            assert await notices(env, proc, client, "hans", "supervisor") == []
        assert [m["To"] for m in catcher.messages] == [address]
    finally:
        catcher.stop()


async def test_a_cover_gets_the_absent_members_new_watch_notices_during_the_cover_only(env):
    catcher = MailCatcher().start()
    try:
        proc = env.start("notify", **notify_env(catcher.port))
        await proc.wait_ready()
        covers = [cover("anna", "cecilia", 0, 3),      # in force today (its first day)
                  cover("anna", "david", 1, 5),        # not yet
                  cover("anna", "erik", -5, -1),       # over
                  cover("anna", "frida", -2, 5)]       # ended early: anna is back today
        for c in covers:
            await publish(env, "registry.events", "anna", envelope("cover.granted", c.model_dump(mode="json")))
        ended = CoverEnded(cover_id=covers[3].cover_id, unit="vuxen", absent="anna", cover="frida",
                           ended_on=clock.today(), ended_by="gruppchef")
        await publish(env, "registry.events", "anna", envelope("cover.ended", ended.model_dump(mode="json")))

        async def known():
            return len(await fetch(env, "SELECT 1 FROM notify.covers WHERE ended_on IS NOT NULL")) == 1
        assert await eventually(known, 60), proc.log_tail()
        note = uuid.uuid4()
        raised = {"watch_id": str(uuid.uuid4()), "kind": "note_unsigned", "rule": "unsigned_note",
                  "subject_type": "note", "subject_id": str(note), "case_id": str(uuid.uuid4()),
                  "assignee": "anna", "unit": "vuxen", "due_on": clock.today().isoformat(),
                  "raised_at": clock.now().isoformat()}
        await publish(env, "watch.events", str(note), envelope("watch.raised", raised))
        async with httpx.AsyncClient() as client:
            for who in ("anna", "cecilia"):
                got = await eventually(lambda who=who: notices(env, proc, client, who), 60)
                assert [n["title"] for n in got] == ["Bevakning: osignerad journalanteckning"], proc.log_tail()
                assert got[0]["link"] == "https://omsorg.test/watches"
            await asyncio.sleep(2)
            for who in ("david", "erik", "frida"):
                assert await notices(env, proc, client, who) == [], who
        # In the application only: no mail to anyone.
        assert catcher.messages == []
    finally:
        catcher.stop()


async def test_an_order_left_unconfirmed_escalates_from_watch_to_the_named_supervisors_mailbox_and_list(env):
    """Both processes: the watch fires the escalation naming the supervisor, notify mails and lists it."""
    catcher = MailCatcher().start()
    try:
        watch = env.start("watch")
        notify = env.start("notify", **notify_env(catcher.port))
        await watch.wait_ready()
        await notify.wait_ready()
        sent = order_sent(sent_at=clock.now(), caseworker="anna")
        async with Upstream(env) as upstream:
            await upstream.send(StaffChanged.model_validate(staff("gunilla", email="gunilla@kommun.example",
                                                                  level="supervisor")), "gunilla")
            await upstream.send(StaffChanged.model_validate(staff("anna", email="anna@kommun.example",
                                                                  supervisor="gunilla")), "anna")

            async def known():
                return (len(await fetch(env, "SELECT 1 FROM watch.staff")) == 2
                        and len(await fetch(env, "SELECT 1 FROM notify.staff")) == 2)
            assert await eventually(known, 60)
            await upstream.send(sent, sent.order_id)
            assert await armed(env, sent.order_id, 2)
        await move_clock(env, watch, fire_times(sent)["order_escalation"])
        assert await wait_for(lambda: catcher.to("gunilla@kommun.example"), 60), notify.log_tail()
        assert [str(m["Subject"]) for m in catcher.to("gunilla@kommun.example")] == \
               ["Eskalerad bevakning: obekräftad beställning"]
        async with httpx.AsyncClient() as client:
            async def titles():
                return [n["title"] for n in await notices(env, notify, client, "gunilla", "supervisor")]
            got = await eventually(titles, 30)
            assert "Eskalerad bevakning: obekräftad beställning" in got
        assert catcher.to("anna@kommun.example") == []   # the caseworker is told in the application only
    finally:
        catcher.stop()
