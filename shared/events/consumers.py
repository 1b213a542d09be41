"""Who consumes what: each service and the event types it handles. This is the event contract's
side of the services' handler registrations (Service.handlers in services/<name>/main.py): a
service whose handlers differ from its entry here does not start (shared/service.py), so the
AsyncAPI document, which reads this table, cannot drift from the code, and serving the document
needs no other service's code."""

CONSUMERS: dict[str, frozenset[str]] = {
    "journal": frozenset({
        "case.closed", "case.opened", "case.person_moved", "case.person_ref_set", "case.removed",
        "case.restored", "person.culling_approved", "staff.changed",
    }),
    "notify": frozenset({
        "cover.ended", "cover.granted", "delivery.voided", "order.ended", "order.opened",
        "order.recalled", "order.sent", "person.culling_approved", "provider.webhook_key_rotated", "staff.changed",
        "watch.escalated", "watch.raised",
    }),
    "orders": frozenset({
        "case.closed", "case.opened", "case.person_moved", "case.person_ref_set", "case.removed",
        "case.restored", "decision.approved", "decision.made", "decision.refused", "person.culling_approved",
    }),
    "registry": frozenset({
        "access.logged", "note.corrected", "note.removed", "note.signed", "note.written", "notes.culled",
        "notifications.culled", "orders.culled", "watches.culled",
    }),
    "watch": frozenset({
        "case.closed", "case.reassigned", "cover.ended", "cover.granted", "decision.approved",
        "decision.delay_reason_recorded", "decision.executed", "decision.interrupted", "decision.made",
        "decision.refused", "decision.resumed", "inquiry.assessed", "inquiry.assessment_extended",
        "inquiry.protection_assessed", "inquiry.reassigned", "inquiry.received",
        "investigation.completed", "investigation.extended", "investigation.started", "note.removed",
        "note.signed", "note.written", "notes.culled", "notifications.culled", "order.confirmed", "order.ended",
        "order.recalled", "order.rejected", "order.sent", "order.started", "orders.culled",
        "person.culling_approved", "retention.due_found", "staff.changed",
    }),
}


# What a consumer may read a few seconds late: the confirmations that are counted, not acted on at
# once (that a service has culled what it held about a person; ADR 0030), and the reads other
# services report for the access log, which people review afterwards (ADR 0032). These may wait
# wherever they are read, so a relay may also hold them back a moment (ADR 0033).
CAN_WAIT: frozenset[str] = frozenset({"access.logged", "notes.culled", "notifications.culled", "orders.culled",
                                      "watches.culled"})

# What one service may read a few seconds late though another reads it at once (ADR 0034): the
# registry keeps which notes wait for a signature only to count, in the unit overview, those left
# unsigned for more than 7 days; watch closes a caseworker's `unsigned_note` watch on `note.signed`
# while the caseworker looks at the list, so it reads them promptly. Notify keeps the staff
# directory and the covers for notices that come days later (an escalation's e-mail, a cover's
# copy of a notice), and culls a person's notifications as the others do; watch shows the covers
# in the list at once, and the journal and orders act on the culling.
WAITS_IN: dict[str, frozenset[str]] = {
    "notify": frozenset({"cover.ended", "cover.granted", "person.culling_approved", "staff.changed"}),
    "registry": frozenset({"note.corrected", "note.removed", "note.signed", "note.written"}),
}


def can_wait(service: str, name: str) -> bool:
    """Whether `service` may read events of type `name` a few seconds late."""
    return name in CAN_WAIT or name in WAITS_IN.get(service, ())


def split_by_urgency(service: str, handled, topic_of) -> tuple[frozenset[str], frozenset[str]]:
    """The types `service` handles read promptly and those read unhurried: a type goes unhurried
    when the service can wait for it and for every other type it handles on its topic
    (`topic_of(type)`), so that no event on that topic is fetched at once only to be skipped. A
    type that can wait on a topic with others that cannot is read promptly with them."""
    prompt_topics = {topic_of(name) for name in handled if not can_wait(service, name)}
    prompt = frozenset(name for name in handled if topic_of(name) in prompt_topics)
    return prompt, frozenset(handled) - prompt


def consumer_group(service: str, unhurried: bool = False) -> str:
    """A consumer group before the deployment's topic prefix: the service's name, and for its
    unhurried consumer `<service>.unhurried`."""
    return f"{service}.unhurried" if unhurried else service


def check_consumes(service: str, handled) -> None:
    """Refuse a service whose handlers are not what the contract says it consumes."""
    declared, actual = CONSUMERS.get(service, frozenset()), frozenset(handled)
    if declared != actual:
        raise ValueError(f"{service} handles {sorted(actual - declared)} beyond and lacks {sorted(declared - actual)}"
                         " of what shared/events/consumers.py says it consumes: change the two together")
