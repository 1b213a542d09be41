"""The watch rules as data: what arms a timer, when it fires, what it raises and for whom.

Each rule is measured from an anchor: the moment an order was sent, the day a report was
received, an investigation started, a decision was made, its follow-up day or its last
day of validity. `fire_after` says when the watch is raised, `due_after` when what it
asks for is due (the date on the watch). A rule belongs to a `track`; an event that
settles the track (an order confirmed, an investigation completed, a decision carried
out) cancels the rule's timers and resolves its open watches.

Every delay can be changed by configuration (OMSORG_WATCH_RULES), see `configure`.
"""
from dataclasses import dataclass, replace
from enum import StrEnum

from services.watch.domain.calendar import Delay


class Kind(StrEnum):
    ORDER_ESCALATED = "order_escalated"          # beställningen obekräftad, till gruppchefen
    ORDER_UNCONFIRMED = "order_unconfirmed"      # beställningen ej bekräftad av utföraren
    DECISION_UNEXECUTED = "decision_unexecuted"  # ej verkställt beslut (tre månader)
    PROTECTION_DUE = "protection_assessment_due"  # skyddsbedömning (samma dag)
    ASSESSMENT_DUE = "assessment_due"            # förhandsbedömning (14 dagar)
    INVESTIGATION_DUE = "investigation_due"      # utredning (fyra månader)
    DECISION_LAPSING = "decision_lapsing"        # beslutet upphör snart att gälla
    FOLLOW_UP = "follow_up"                      # uppföljning
    PLACEMENT_REVIEW = "placement_review"        # övervägande av placering (var sjätte månad)
    NOTE_UNSIGNED = "note_unsigned"              # osignerad journalanteckning
    CULLING_UNCONFIRMED = "culling_unconfirmed"  # gallring som inte alla tjänster har bekräftat i tid
    CULLING_DUE = "culling_due"                  # personakter att gallra (den dagliga sökningen)


# Ties between watches due the same day break in this order: what has gone wrong for
# the person already (an order no one confirms, a decision not carried out) comes before
# a deadline still ahead.
KIND_ORDER: tuple[Kind, ...] = tuple(Kind)


class Subject(StrEnum):
    ORDER = "order"
    INQUIRY = "inquiry"              # aktualisering
    INVESTIGATION = "investigation"  # utredning
    DECISION = "decision"            # beslut
    NOTE = "note"                    # journalanteckning
    CULLING = "culling"              # gallring (a culling the registry approved)
    RETENTION = "retention"          # the registry's daily search for persons due for culling


class Who(StrEnum):
    CASEWORKER = "caseworker"  # the caseworker who sent the order, started the investigation, decided
    SUPERVISOR = "supervisor"  # the caseworker's own supervisor (staff directory), else the unit's supervisors
    SUPPORT = "support"        # the role support (first line): anyone holding it sees and resolves the watch
    # The object specialists (systemförvaltare): the official named, and anyone holding the role.
    OBJECT_SPECIALIST = "object_specialist"


class Track(StrEnum):
    """What settles a rule's timers."""
    CONFIRMATION = "confirmation"    # order.confirmed, order.recalled, order.rejected
    PROTECTION = "protection"        # inquiry.protection_assessed
    ASSESSMENT = "assessment"        # inquiry.assessed
    INVESTIGATION = "investigation"  # investigation.completed
    EXECUTION = "execution"          # order.started for the decision, or decision.executed
    FOLLOW_UP = "follow_up"          # only the case's closing
    VALIDITY = "validity"            # only the case's closing
    SIGNING = "signing"              # note.signed (or note.removed); not the case's closing
    CULLING = "culling"              # every service's confirmation of the culling (notes.culled, orders.culled,
                                     # watches.culled, notifications.culled)
    RETENTION = "retention"          # by hand only: the persons due are culled or kept


@dataclass(frozen=True)
class Rule:
    name: str
    kind: Kind
    subject: Subject
    track: Track
    fire_after: Delay
    due_after: Delay
    who: Who = Who.CASEWORKER
    remind_provider: bool = False   # notify e-mails the provider as well
    escalation: bool = False        # published as watch.escalated
    enabled: bool = True
    # Raised and kept open after the case has closed: a note is still signed after the closing.
    survives_closing: bool = False


def _d(text: str) -> Delay:
    return Delay.parse(text)


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("order_reminder", Kind.ORDER_UNCONFIRMED, Subject.ORDER, Track.CONFIRMATION,
         fire_after=_d("2bd"), due_after=_d("2bd"), remind_provider=True),
    Rule("order_escalation", Kind.ORDER_ESCALATED, Subject.ORDER, Track.CONFIRMATION,
         fire_after=_d("5bd"), due_after=_d("5bd"), who=Who.SUPERVISOR, escalation=True),
    # A report about a child is assessed for protection the day it comes in: raised at once.
    Rule("protection_assessment", Kind.PROTECTION_DUE, Subject.INQUIRY, Track.PROTECTION,
         fire_after=_d("0d"), due_after=_d("0d")),
    Rule("assessment", Kind.ASSESSMENT_DUE, Subject.INQUIRY, Track.ASSESSMENT,
         fire_after=_d("10d"), due_after=_d("14d")),
    Rule("investigation", Kind.INVESTIGATION_DUE, Subject.INVESTIGATION, Track.INVESTIGATION,
         fire_after=_d("3m15d"), due_after=_d("4m")),
    Rule("unexecuted_decision", Kind.DECISION_UNEXECUTED, Subject.DECISION, Track.EXECUTION,
         fire_after=_d("3m"), due_after=_d("3m")),
    # Both follow-up rules raise the same watch: the second finds it open and updates it.
    Rule("follow_up_notice", Kind.FOLLOW_UP, Subject.DECISION, Track.FOLLOW_UP,
         fire_after=_d("-14d"), due_after=_d("0d")),
    Rule("follow_up", Kind.FOLLOW_UP, Subject.DECISION, Track.FOLLOW_UP,
         fire_after=_d("0d"), due_after=_d("0d")),
    Rule("decision_lapsing", Kind.DECISION_LAPSING, Subject.DECISION, Track.VALIDITY,
         fire_after=_d("-30d"), due_after=_d("0d")),
    # A child placed in a family home or HVB: the care is considered every six months, from the
    # placement's start (timers armed for each review; see watches.decision_timers). Raised two
    # weeks ahead so that the review can be prepared.
    Rule("placement_review", Kind.PLACEMENT_REVIEW, Subject.DECISION, Track.FOLLOW_UP,
         fire_after=_d("-14d"), due_after=_d("0d")),
    # A journal note not signed a week after it was written: the author is reminded to sign it.
    # The journal takes signatures after the case has closed, so the closing does not settle it.
    Rule("unsigned_note", Kind.NOTE_UNSIGNED, Subject.NOTE, Track.SIGNING,
         fire_after=_d("7d"), due_after=_d("7d"), survives_closing=True),
    # A culling (gallring) the registry approved and not every service has confirmed a day later:
    # support is asked to find out why (a service down, an event in a dead-letter topic). The
    # watch names the services missing. Counted from the approval's moment, so "1d" is 24 hours
    # (23 or 25 across a change of summer time).
    Rule("culling_unconfirmed", Kind.CULLING_UNCONFIRMED, Subject.CULLING, Track.CULLING,
         fire_after=_d("1d"), due_after=_d("1d"), who=Who.SUPPORT, survives_closing=True),
    # The registry's daily search found persons due for culling (retention.due_found): raised at
    # once, due that day, for the official named (OMSORG_RETENTION_OFFICIAL) and the object
    # specialists. One open watch: a later day's search updates it.
    Rule("culling_due", Kind.CULLING_DUE, Subject.RETENTION, Track.RETENTION,
         fire_after=_d("0d"), due_after=_d("0d"), who=Who.OBJECT_SPECIALIST, survives_closing=True),
)


def configure(overrides: dict[str, str | dict] | None = None) -> dict[str, Rule]:
    """The rules by name, with `overrides` applied: `{"order_reminder": "3bd"}` moves when a
    rule fires; `{"assessment": {"fire_after": "7d", "due_after": "14d"}}` or
    `{"decision_lapsing": {"enabled": false}}` say more. Unknown names and fields are errors."""
    rules = {rule.name: rule for rule in DEFAULT_RULES}
    for name, change in (overrides or {}).items():
        if name not in rules:
            raise ValueError(f"no watch rule named {name!r}; there are: {', '.join(rules)}")
        if isinstance(change, str):
            change = {"fire_after": change}
        unknown = set(change) - {"fire_after", "due_after", "enabled"}
        if unknown:
            raise ValueError(f"rule {name!r}: unknown setting(s) {sorted(unknown)}")
        fields = {k: Delay.parse(v) if k != "enabled" else bool(v) for k, v in change.items()}
        if "fire_after" in fields and "due_after" not in fields and rules[name].fire_after == rules[name].due_after:
            fields["due_after"] = fields["fire_after"]  # a rule due when it fires stays so
        rules[name] = replace(rules[name], **fields)
    return rules


def rules_for(rules: dict[str, Rule], subject: Subject) -> list[Rule]:
    return [r for r in rules.values() if r.subject is subject and r.enabled]


def closing_kinds(rules: dict[str, Rule]) -> list[Kind]:
    """The kinds whose open watches the case's closing resolves (all but those that survive it)."""
    keep = {r.kind for r in rules.values() if r.survives_closing}
    return [k for k in KIND_ORDER if k not in keep]


def kinds_of(rules: dict[str, Rule], track: Track) -> list[Kind]:
    return sorted({r.kind for r in rules.values() if r.track is track}, key=KIND_ORDER.index)
