"""Which topics a service reads promptly and which unhurried (shared/events/consumers.py:
split_by_urgency, CAN_WAIT, WAITS_IN; ADRs 0030 and 0034), and the AsyncAPI document's groups that
follow."""
from shared.consumer import consumed_topics, consumer_lanes, split_unhurried
from shared.events.asyncapi import asyncapi_document
from shared.events.consumers import CAN_WAIT, CONSUMERS, WAITS_IN, can_wait, consumer_group
from shared.outbox import can_wait as outbox_can_wait
from shared.settings import Settings


async def _handler(uow, envelope, data):
    pass


def _handlers(names) -> dict:
    return dict.fromkeys(names, _handler)


def test_a_topic_goes_unhurried_only_when_every_type_handled_on_it_can_wait():
    prompt, unhurried = split_unhurried("watch", _handlers(["case.opened", "orders.culled", "notes.culled",
                                                            "note.written"]))
    assert consumed_topics(unhurried) == ["orders.events"]
    # notes.culled shares journal.events with note.written, which cannot wait
    assert set(prompt) == {"case.opened", "notes.culled", "note.written"}
    assert consumed_topics(prompt) == ["journal.events", "registry.events"]


def test_nothing_that_can_wait_gives_one_prompt_consumer():
    handlers = _handlers(["case.opened", "order.sent"])
    assert split_unhurried("watch", handlers) == (handlers, {})
    assert consumer_lanes("watch", handlers) == [(False, handlers)]
    culled = _handlers(["orders.culled"])
    assert consumer_lanes("watch", culled) == [(True, culled)]   # no prompt consumer with nothing to handle
    both = _handlers(["case.opened", "orders.culled"])
    assert consumer_lanes("watch", both) == [(False, _handlers(["case.opened"])), (True, culled)]


def test_which_topics_the_registry_watch_and_notify_read_unhurried():
    prompt, unhurried = split_unhurried("registry", _handlers(CONSUMERS["registry"]))
    assert consumed_topics(unhurried) == ["audit.access", "journal.events", "notify.events", "orders.events",
                                          "watch.events"]
    assert prompt == {}   # the registry has no event to read at once
    assert consumer_lanes("registry", _handlers(CONSUMERS["registry"])) == [(True, unhurried)]
    prompt, unhurried = split_unhurried("watch", _handlers(CONSUMERS["watch"]))
    assert consumed_topics(unhurried) == ["notify.events"]   # orders.culled waits with order.sent
    assert "orders.events" in consumed_topics(prompt)
    prompt, unhurried = split_unhurried("notify", _handlers(CONSUMERS["notify"]))
    assert consumed_topics(unhurried) == ["registry.events"]   # the staff directory and the covers
    assert consumed_topics(prompt) == ["orders.events", "watch.events"]
    assert consumer_group("registry", True) == "registry.unhurried"
    assert consumer_group("registry") == "registry"


def test_what_one_service_may_read_late_another_still_reads_at_once():
    """The registry counts notes unsigned for a week and may read the journal's events late;
    watch closes a caseworker's unsigned_note watch as the note is signed and reads them at once.
    The journal's relay does not hold note events back (CAN_WAIT is what may wait everywhere)."""
    notes = ["note.written", "note.signed", "notes.culled"]
    assert consumed_topics(split_unhurried("registry", _handlers(notes))[1]) == ["journal.events"]
    assert consumed_topics(split_unhurried("watch", _handlers(notes))[0]) == ["journal.events"]
    assert can_wait("registry", "note.signed") and not can_wait("watch", "note.signed")
    assert not outbox_can_wait("note.written") and outbox_can_wait("notes.culled")


def test_the_asyncapi_document_names_the_group_that_reads_each_topic():
    operations = asyncapi_document(Settings(topic_prefix="t-"))["operations"]

    def group(operation: str) -> str:
        return operations[operation]["bindings"]["kafka"]["groupId"]["enum"][0]
    receives = {name: group(name) for name, op in operations.items() if op["action"] == "receive"}
    assert receives["registryReceivesOrdersEvents"] == "t-registry.unhurried"
    assert receives["registryReceivesAuditAccess"] == "t-registry.unhurried"
    assert receives["watchReceivesNotifyEvents"] == "t-watch.unhurried"
    assert receives["registryReceivesJournalEvents"] == "t-registry.unhurried"
    assert receives["watchReceivesJournalEvents"] == "t-watch"
    assert receives["notifyReceivesRegistryEvents"] == "t-notify.unhurried"
    assert receives["watchReceivesRegistryEvents"] == "t-watch"
    assert receives["watchReceivesOrdersEvents"] == "t-watch"
    assert "unhurried" in operations["registryReceivesOrdersEvents"]["summary"]


def test_what_a_service_may_read_late_is_what_it_consumes():
    """A type in WAITS_IN that the service does not consume (a typo, a handler removed) would
    change nothing and say something untrue."""
    for service, late in WAITS_IN.items():
        assert late <= CONSUMERS[service], (service, sorted(late - CONSUMERS[service]))
        assert not late & CAN_WAIT   # what may wait everywhere is said once, in CAN_WAIT
