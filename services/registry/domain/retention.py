"""Culling (gallring) of a person's records, by the rules of `retention.yaml` beside this module.

The rules are data: which records are culled how long after which date, and which facts keep
them (docs/law.md, section 8, says what law each rests on and what was verified). The file is
read and checked once, when this module is imported; a malformed file raises
`RetentionRulesError` and the registry does not start.

`evaluate(rules, facts, today)` answers for one person, from facts the caller gathered and the
Swedish date it passes in (never the machine's): due or kept, the ids of the rules that decided,
the day the records become due (None while a hold without an end applies) and the day culling
must be finished by. No I/O here beyond reading the bundled file at import.
"""
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from pathlib import Path
from typing import Literal

import yaml

from shared import strict_yaml
from shared.calendar import add_months
from shared.clock import SWEDEN

RULES_FILE = Path(__file__).with_name("retention.yaml")


class RetentionRulesError(ValueError):
    """The rules file is malformed: the service does not start."""


@dataclass(frozen=True)
class PersonFacts:
    """What the rules ask about one person. Dates are Swedish calendar dates."""
    last_entry_on: date                       # the last entry in the person's file (personakt)
    born_on: date
    # The day the circumstances the register data is about ended (the last case closed, the
    # last decision ran out); None while they go on.
    circumstances_ended_on: date | None
    research_municipality: bool = False       # a municipality whose every file is kept for research
    paternity_investigation: bool = False
    adoption_investigation: bool = False
    placed_as_child: bool = False
    investigated_as_child: bool = False       # the subject of an investigation begun before turning 18
    custody_agreement: bool = False
    agreement_child_born_on: date | None = None
    archive_decision: bool = False
    open_case: bool = False
    # an inquiry whose initial assessment is due and not yet recorded (a matter still pending)
    open_inquiry: bool = False
    pending_appeal: bool = False


FLAGS = frozenset(f.name for f in fields(PersonFacts) if f.type is bool)
DATE_FACTS = frozenset(f.name for f in fields(PersonFacts) if f.type in (date, date | None))
# What a cull rule may count from, and the fact that holds that date.
COUNTS_FROM = {"last_entry": "last_entry_on", "circumstances_ended": "circumstances_ended_on"}
COMPLETE_BY = ("end_of_next_year",)


@dataclass(frozen=True)
class Source:
    law: str
    paragraph: str
    url: str


@dataclass(frozen=True)
class Rule:
    id: str
    effect: Literal["cull", "keep", "remove"]
    what: str
    sources: tuple[Source, ...]
    verified: bool
    unverified: str | None = None
    # cull rules
    counts_from: str | None = None
    period_months: int | None = None
    complete_by: str | None = None
    # keep rules
    flag: str | None = None
    birth_days: frozenset[int] | None = None
    until_fact: str | None = None
    until_years: int | None = None
    # remove rules: the facts (flags of PersonFacts) that refuse the removal while they hold
    blocked_by: tuple[str, ...] = ()

    def holds(self, facts: PersonFacts) -> bool:
        if self.flag is not None:
            return bool(getattr(facts, self.flag))
        return self.birth_days is not None and facts.born_on.day in self.birth_days

    def hold_ends_on(self, facts: PersonFacts) -> date | None:
        """The day a hold with an end stops holding; None for a hold without one, or when the
        fact it counts from is not known (then it holds without end)."""
        if self.until_fact is None:
            return None
        start = getattr(facts, self.until_fact)
        return None if start is None else add_months(start, 12 * self.until_years)

    def due_on(self, facts: PersonFacts) -> date | None:
        """For a cull rule: the day the records are due, or None when its date is not known yet."""
        anchor = getattr(facts, COUNTS_FROM[self.counts_from])
        return None if anchor is None else add_months(anchor, self.period_months)


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]

    def __iter__(self):
        return iter(self.rules)

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


@dataclass(frozen=True)
class Verdict:
    due: bool
    rule_ids: tuple[str, ...]     # the rules that decided, in the file's order
    due_on: date | None           # the day the records are (or become) due; None while held without end
    complete_by: date | None      # the last day by which culling must be finished

    @property
    def status(self) -> Literal["due", "kept"]:
        return "due" if self.due else "kept"


def _complete_by(due_on: date) -> date:
    # "Gallringen ska vara avslutad senast kalenderåret efter det att gallringsskyldigheten inträdde."
    return date(due_on.year + 1, 12, 31)


def evaluate(rules: Rules, facts: PersonFacts, today: date) -> Verdict:
    """Due or kept on `today`. Every cull rule must be due (the file is not culled before the
    register data); any hold keeps everything. A hold with an end (until a child turns 18)
    moves the due date to its end; a hold without one leaves no due date."""
    cull_dates: dict[str, date] = {}
    undated: list[str] = []
    endless: list[str] = []
    ending: dict[str, date] = {}
    for rule in rules:
        if rule.effect == "cull":
            day = rule.due_on(facts)
            if day is None:
                undated.append(rule.id)
            else:
                cull_dates[rule.id] = day
        elif rule.effect == "keep" and rule.holds(facts):
            ends = rule.hold_ends_on(facts)
            if ends is None:
                endless.append(rule.id)
            else:
                ending[rule.id] = ends
    if endless or undated:
        deciding = set(endless) | set(undated)
        return Verdict(False, tuple(r.id for r in rules if r.id in deciding), None, None)
    dates = cull_dates | {rule_id: ends for rule_id, ends in ending.items() if ends > today}
    due_on = max(dates.values())
    if today >= due_on:
        return Verdict(True, tuple(cull_dates), due_on, _complete_by(due_on))
    waiting = {rule_id for rule_id, day in dates.items() if day > today}
    return Verdict(False, tuple(r.id for r in rules if r.id in waiting), due_on, _complete_by(due_on))


# The rule of retention.yaml under which a person registered by mistake is removed, and the
# reasons support may state: general words, never whose (the culling record keeps the code).
MISTAKE_RULE = "registered_by_mistake"
REMOVAL_REASONS = {
    "wrong_personal_identity_number": "registrerad med fel personnummer",
    "wrong_person": "uppgifterna gällde en annan person",
}


def removal_blockers(rule: Rule, facts: PersonFacts) -> tuple[str, ...]:
    """For a remove rule (a person registered by mistake): the facts of its `blocked_by` that hold
    for the person, in the file's order; empty when the removal may go ahead. No due date is
    asked: a registration that was wrong is removed when it is found to be."""
    if rule.effect != "remove":
        raise ValueError(f"{rule.id} is not a remove rule")
    return tuple(flag for flag in rule.blocked_by if getattr(facts, flag))


def circumstances_ended_on(*, open_cases: int, cases: int, last_closed_on: date | None,
                           last_valid_to: date | None, last_entry_on: date) -> date | None:
    """When the circumstances the register data is about ended, from the registry's rows: not
    while a case is open; otherwise when the last case closed or the last decision ran out,
    whichever is later; for a person without cases (an inquiry only), the last entry."""
    if open_cases:
        return None
    if not cases:
        return last_entry_on
    ended = [day for day in (last_closed_on, last_valid_to) if day is not None]
    return max(ended) if ended else last_entry_on


# --- the file ---------------------------------------------------------------------------------

COMMON_KEYS = {"id", "effect", "what", "sources", "verified", "unverified"}
CULL_KEYS = COMMON_KEYS | {"counts_from", "period", "complete_by"}
KEEP_KEYS = COMMON_KEYS | {"when", "until"}
REMOVE_KEYS = COMMON_KEYS | {"blocked_by"}
ALLOWED_KEYS = {"cull": CULL_KEYS, "keep": KEEP_KEYS, "remove": REMOVE_KEYS}
SOURCE_KEYS = {"law", "paragraph", "url"}


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RetentionRulesError(f"{where} must be a non-empty text")
    return value.strip()


def _positive(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RetentionRulesError(f"{where} must be a positive whole number, got {value!r}")
    return value


def _sources(value: object, where: str) -> tuple[Source, ...]:
    if not isinstance(value, list) or not value:
        raise RetentionRulesError(f"{where}: every rule needs `sources`, a list of at least one source")
    sources = []
    for number, entry in enumerate(value, 1):
        at = f"{where}: source {number}"
        if not isinstance(entry, dict) or set(entry) != SOURCE_KEYS:
            raise RetentionRulesError(f"{at} must have exactly {', '.join(sorted(SOURCE_KEYS))}")
        url = _text(entry["url"], f"{at}: url")
        if not url.startswith(("https://", "http://", "docs/")):
            raise RetentionRulesError(f"{at}: url must be a web address or a path under docs/, got {url!r}")
        sources.append(Source(_text(entry["law"], f"{at}: law"), _text(entry["paragraph"], f"{at}: paragraph"), url))
    return tuple(sources)


def _rule(entry: object, where: str) -> Rule:
    if not isinstance(entry, dict):
        raise RetentionRulesError(f"{where} must be a mapping")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not rule_id.replace("_", "").isalnum() or not rule_id[:1].islower():
        raise RetentionRulesError(f"{where}: `id` must be a lower-case name such as personal_file, got {rule_id!r}")
    where = f"{where} ({rule_id})"
    effect = entry.get("effect")
    if effect not in ALLOWED_KEYS:
        raise RetentionRulesError(f"{where}: `effect` must be cull, keep or remove, got {effect!r}")
    allowed = ALLOWED_KEYS[effect]
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise RetentionRulesError(f"{where}: unknown key(s) {unknown} for a {effect} rule;"
                                  f" allowed: {', '.join(sorted(allowed))}")
    if "sources" not in entry:
        raise RetentionRulesError(f"{where}: every rule needs `sources` (law, paragraph, url)")
    verified = entry.get("verified")
    if not isinstance(verified, bool):
        raise RetentionRulesError(f"{where}: `verified` must be true or false")
    unverified = entry.get("unverified")
    if verified and unverified is not None:
        raise RetentionRulesError(f"{where}: a verified rule has no `unverified` note")
    if not verified:
        unverified = _text(unverified, f"{where}: an unverified rule's `unverified` (what is missing)")
    common = dict(id=rule_id, effect=effect, what=_text(entry.get("what"), f"{where}: what"),
                  sources=_sources(entry["sources"], where), verified=verified, unverified=unverified)
    if effect == "cull":
        counts_from = entry.get("counts_from")
        if counts_from not in COUNTS_FROM:
            raise RetentionRulesError(f"{where}: `counts_from` must be one of {', '.join(COUNTS_FROM)},"
                                      f" got {counts_from!r}")
        period = entry.get("period")
        if not isinstance(period, dict) or len(period) != 1 or not set(period) <= {"years", "months"}:
            raise RetentionRulesError(f"{where}: `period` must be {{years: n}} or {{months: n}}, got {period!r}")
        (unit, amount), = period.items()
        months = _positive(amount, f"{where}: period {unit}") * (12 if unit == "years" else 1)
        if entry.get("complete_by") not in COMPLETE_BY:
            raise RetentionRulesError(f"{where}: `complete_by` must be one of {', '.join(COMPLETE_BY)}")
        return Rule(**common, counts_from=counts_from, period_months=months, complete_by=entry["complete_by"])
    if effect == "remove":
        blocked_by = entry.get("blocked_by")
        if not isinstance(blocked_by, list) or not blocked_by:
            raise RetentionRulesError(f"{where}: `blocked_by` must list the flags that refuse the removal")
        unknown_flags = sorted(str(flag) for flag in blocked_by if flag not in FLAGS)
        if unknown_flags:
            raise RetentionRulesError(f"{where}: unknown flag(s) {unknown_flags} in blocked_by;"
                                      f" known: {', '.join(sorted(FLAGS))}")
        return Rule(**common, blocked_by=tuple(dict.fromkeys(blocked_by)))
    when = entry.get("when")
    if not isinstance(when, dict) or len(when) != 1:
        raise RetentionRulesError(f"{where}: `when` must be {{flag: name}} or {{birth_day_in: [days]}}, got {when!r}")
    flag, birth_days = None, None
    if "flag" in when:
        flag = when["flag"]
        if flag not in FLAGS:
            raise RetentionRulesError(f"{where}: unknown flag {flag!r}; known: {', '.join(sorted(FLAGS))}")
    elif "birth_day_in" in when:
        days = when["birth_day_in"]
        if (not isinstance(days, list) or not days
                or any(isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 31 for d in days)):
            raise RetentionRulesError(f"{where}: `birth_day_in` must list days of the month (1-31), got {days!r}")
        birth_days = frozenset(days)
    else:
        raise RetentionRulesError(f"{where}: unknown condition {sorted(when)}; use flag or birth_day_in")
    until_fact, until_years = None, None
    if "until" in entry:
        until = entry["until"]
        if not isinstance(until, dict) or set(until) != {"fact", "years"}:
            raise RetentionRulesError(f"{where}: `until` must be {{fact: name, years: n}}, got {until!r}")
        until_fact = until["fact"]
        if until_fact not in DATE_FACTS:
            raise RetentionRulesError(f"{where}: unknown date fact {until_fact!r}; known: {', '.join(sorted(DATE_FACTS))}")
        until_years = _positive(until["years"], f"{where}: until years")
    return Rule(**common, flag=flag, birth_days=birth_days, until_fact=until_fact, until_years=until_years)


def parse(document: object, source: str = RULES_FILE.name) -> Rules:
    """Check the document strictly and build the rules; anything unknown is an error."""
    if not isinstance(document, dict) or set(document) != {"rules"}:
        raise RetentionRulesError(f"{source}: the top level must have exactly `rules`")
    entries = document["rules"]
    if not isinstance(entries, list) or not entries:
        raise RetentionRulesError(f"{source}: `rules` must be a non-empty list")
    rules = tuple(_rule(entry, f"{source}: rule {number}") for number, entry in enumerate(entries, 1))
    ids = [rule.id for rule in rules]
    duplicated = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicated:
        raise RetentionRulesError(f"{source}: duplicated rule id(s) {duplicated}")
    if not any(rule.effect == "cull" for rule in rules):
        raise RetentionRulesError(f"{source}: at least one rule must cull")
    return Rules(rules)


def load(path: Path = RULES_FILE) -> Rules:
    try:
        document = strict_yaml.load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RetentionRulesError(f"{path.name}: not YAML: {exc}") from None
    except strict_yaml.DuplicateKey as exc:
        raise RetentionRulesError(f"{path.name}: {exc}") from None
    return parse(document, path.name)


RULES = load()


# The daily search for persons due runs from this time of the Swedish day, once a day.
SEARCH_AT = time(6, 0)


def search_moment(day: date) -> datetime:
    """When the day's search for persons due for culling may run: 06:00 in Sweden that day."""
    return datetime.combine(day, SEARCH_AT, SWEDEN)


def seconds_to_search(now: datetime, today: date, poll_seconds: float) -> float:
    """How long the search's worker may sleep: until today's search moment when it is ahead, at
    most `poll_seconds`."""
    ahead = (search_moment(today) - now).total_seconds()
    return min(max(ahead, 0.0), poll_seconds) if ahead > 0 else poll_seconds
