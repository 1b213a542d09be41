"""Culling (gallring) by the rules of services/registry/domain/retention.yaml: the general rule
counted from the last entry, the exceptions that keep records, the boundaries of the period, and
a malformed rules file. Every date is passed in; nothing depends on the day the tests run."""
import copy
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from services.registry.domain import retention
from services.registry.domain.retention import PersonFacts, RetentionRulesError, evaluate, parse

RULES = retention.RULES

# Born on the 4th (no research day), last entry 10 March 2020, circumstances ended a year before.
PERSON = PersonFacts(last_entry_on=date(2020, 3, 10), born_on=date(1980, 6, 4),
                     circumstances_ended_on=date(2019, 3, 10))


def verdict(today: date, **changes):
    return evaluate(RULES, replace(PERSON, **changes), today)


# --- the general rule -------------------------------------------------------------------------

def test_records_are_due_five_years_after_the_last_entry_not_a_day_before():
    before = verdict(date(2025, 3, 9))
    assert (before.status, before.rule_ids, before.due_on) == ("kept", ("personal_file",), date(2025, 3, 10))
    on_the_day = verdict(date(2025, 3, 10))
    assert on_the_day.status == "due"
    assert on_the_day.rule_ids == ("personal_file", "register")
    assert on_the_day.due_on == date(2025, 3, 10)
    assert verdict(date(2031, 1, 1)).status == "due"


def test_culling_must_be_finished_by_the_end_of_the_next_calendar_year():
    assert verdict(date(2025, 3, 10)).complete_by == date(2026, 12, 31)
    assert verdict(date(2024, 1, 1)).complete_by == date(2026, 12, 31)   # known ahead
    late_in_year = verdict(date(2026, 1, 1), last_entry_on=date(2020, 12, 31))
    assert (late_in_year.due_on, late_in_year.complete_by) == (date(2025, 12, 31), date(2026, 12, 31))


def test_a_later_entry_starts_the_five_years_again():
    assert verdict(date(2025, 3, 10)).status == "due"
    later = verdict(date(2025, 3, 10), last_entry_on=date(2021, 1, 15))
    assert (later.status, later.due_on) == ("kept", date(2026, 1, 15))


def test_a_last_entry_on_29_february_is_due_on_28_february_five_years_later():
    # Five years from a leap day end on the last day of February (lag 1930:173, 1 §).
    facts = dict(last_entry_on=date(2024, 2, 29))
    assert verdict(date(2029, 2, 27), **facts).status == "kept"
    due = verdict(date(2029, 2, 28), **facts)
    assert (due.status, due.due_on) == ("due", date(2029, 2, 28))


def test_a_period_ending_on_a_leap_day_ends_on_it():
    facts = dict(last_entry_on=date(2023, 2, 28))
    assert verdict(date(2028, 2, 27), **facts).status == "kept"
    assert verdict(date(2028, 2, 28), **facts).status == "due"
    assert verdict(date(2028, 2, 29), **facts).due_on == date(2028, 2, 28)


def test_the_due_day_is_not_moved_off_a_weekend():
    # 10 March 2029 is a Saturday; culling is a duty, not a deadline for a party.
    facts = dict(last_entry_on=date(2024, 3, 10))
    assert date(2029, 3, 10).weekday() == 5
    assert verdict(date(2029, 3, 10), **facts).status == "due"


def test_the_file_waits_for_the_register_data_on_the_same_person():
    # The file's five years have passed, but the circumstances ended later: their five years decide.
    late = verdict(date(2025, 6, 1), circumstances_ended_on=date(2021, 6, 1))
    assert (late.status, late.rule_ids, late.due_on) == ("kept", ("register",), date(2026, 6, 1))
    assert verdict(date(2026, 6, 1), circumstances_ended_on=date(2021, 6, 1)).status == "due"


def test_circumstances_that_go_on_keep_everything_without_a_due_date():
    going_on = verdict(date(2040, 1, 1), circumstances_ended_on=None)
    assert (going_on.status, going_on.rule_ids, going_on.due_on, going_on.complete_by) == \
        ("kept", ("register",), None, None)


# --- the exceptions -----------------------------------------------------------------------------

@pytest.mark.parametrize("day", [5, 15, 25])
def test_persons_born_on_the_research_days_are_kept(day):
    kept = verdict(date(2040, 1, 1), born_on=date(1980, 6, day))
    assert (kept.status, kept.rule_ids, kept.due_on) == ("kept", ("research_birth_day",), None)


@pytest.mark.parametrize("day", [4, 6, 14, 16, 24, 26, 31])
def test_persons_born_on_other_days_are_culled(day):
    born_on = date(1980, 5, day)
    assert verdict(date(2040, 1, 1), born_on=born_on).status == "due"


def test_a_leap_day_birth_is_not_a_research_day():
    assert verdict(date(2040, 1, 1), born_on=date(1980, 2, 29)).status == "due"


@pytest.mark.parametrize("flag, rule_id", [
    ("research_municipality", "research_municipality"),
    ("paternity_investigation", "paternity"),
    ("adoption_investigation", "adoption"),
    ("placed_as_child", "child_placed"),
    ("archive_decision", "archive_decision"),
    ("open_case", "open_case"),
    ("pending_appeal", "pending_appeal"),
])
def test_each_hold_keeps_the_records_with_no_due_date(flag, rule_id):
    assert verdict(date(2040, 1, 1)).status == "due"
    kept = verdict(date(2040, 1, 1), **{flag: True})
    assert (kept.status, kept.rule_ids, kept.due_on, kept.complete_by) == ("kept", (rule_id,), None, None)


def test_every_hold_that_applies_is_named():
    kept = verdict(date(2040, 1, 1), born_on=date(1980, 6, 15), placed_as_child=True, pending_appeal=True)
    assert kept.rule_ids == ("research_birth_day", "child_placed", "pending_appeal")


def test_a_custody_agreement_keeps_the_records_until_the_child_turns_eighteen():
    facts = dict(custody_agreement=True, agreement_child_born_on=date(2010, 9, 1))
    before = verdict(date(2028, 8, 31), **facts)
    assert (before.status, before.rule_ids, before.due_on) == ("kept", ("custody_agreement",), date(2028, 9, 1))
    on_the_birthday = verdict(date(2028, 9, 1), **facts)
    assert (on_the_birthday.status, on_the_birthday.due_on) == ("due", date(2025, 3, 10))
    assert on_the_birthday.rule_ids == ("personal_file", "register")


def test_a_custody_agreement_with_an_adult_child_does_not_hold():
    facts = dict(custody_agreement=True, agreement_child_born_on=date(2000, 1, 1))
    assert verdict(date(2025, 3, 10), **facts).status == "due"


def test_a_child_born_on_a_leap_day_turns_eighteen_on_28_february():
    facts = dict(custody_agreement=True, agreement_child_born_on=date(2012, 2, 29))
    assert verdict(date(2030, 2, 27), **facts).rule_ids == ("custody_agreement",)
    assert verdict(date(2030, 2, 28), **facts).status == "due"


def test_a_custody_agreement_with_no_known_child_keeps_without_end():
    kept = verdict(date(2040, 1, 1), custody_agreement=True, agreement_child_born_on=None)
    assert (kept.status, kept.rule_ids, kept.due_on) == ("kept", ("custody_agreement",), None)


# A child investigated by the social services (prop. 2025/26:12; not verified, docs/law.md 8): the
# records are kept until the child has turned thirty, then the general rule decides.
CHILD = dict(born_on=date(2004, 6, 4), investigated_as_child=True)


def test_a_child_investigation_keeps_the_records_until_the_child_turns_thirty():
    before = verdict(date(2034, 6, 3), **CHILD)
    assert (before.status, before.rule_ids, before.due_on) == ("kept", ("child_investigation",), date(2034, 6, 4))
    assert before.complete_by == date(2035, 12, 31)
    on_the_birthday = verdict(date(2034, 6, 4), **CHILD)
    assert (on_the_birthday.status, on_the_birthday.rule_ids) == ("due", ("personal_file", "register"))
    assert on_the_birthday.due_on == date(2025, 3, 10)


def test_without_a_child_investigation_the_same_person_is_due_after_five_years():
    assert verdict(date(2025, 3, 10), born_on=date(2004, 6, 4)).status == "due"
    assert verdict(date(2025, 3, 10), **CHILD).status == "kept"


def test_a_person_past_thirty_is_not_held_by_an_investigation_as_a_child():
    assert verdict(date(2025, 3, 10), born_on=date(1980, 6, 4), investigated_as_child=True).status == "due"


def test_a_child_born_on_a_leap_day_turns_thirty_on_28_february():
    facts = dict(born_on=date(2004, 2, 29), investigated_as_child=True)
    assert verdict(date(2034, 2, 27), **facts).rule_ids == ("child_investigation",)
    assert verdict(date(2034, 2, 28), **facts).status == "due"


def test_a_later_last_entry_outlasts_the_thirtieth_birthday():
    late = verdict(date(2034, 6, 4), last_entry_on=date(2031, 1, 20), circumstances_ended_on=date(2031, 1, 20), **CHILD)
    assert (late.status, late.rule_ids, late.due_on) == ("kept", ("personal_file", "register"), date(2036, 1, 20))


# --- the shipped file -----------------------------------------------------------------------------

def test_the_shipped_rules_each_have_a_source_and_say_what_is_unverified():
    assert {rule.id for rule in RULES} >= {"personal_file", "register", "research_birth_day",
                                           "research_municipality", "paternity", "adoption", "child_placed",
                                           "child_investigation", "archive_decision", "open_case",
                                           "pending_appeal"}
    for rule in RULES:
        assert rule.sources and all(s.law and s.paragraph and s.url for s in rule.sources)
        assert rule.verified or rule.unverified
    # Only the research exemption was read in a text in force (SoF 2025:468 13 kap. 1 §).
    assert {rule.id for rule in RULES if rule.verified} == {"research_birth_day", "research_municipality"}
    assert RULES.by_id("personal_file").period_months == 60


# --- a malformed file ---------------------------------------------------------------------------

DOCUMENT = yaml.safe_load(retention.RULES_FILE.read_text(encoding="utf-8"))


def broken(change) -> dict:
    document = copy.deepcopy(DOCUMENT)
    change(document["rules"])
    return document


def rule(rules, rule_id):
    return next(r for r in rules if r["id"] == rule_id)


@pytest.mark.parametrize("change, message", [
    (lambda rules: rule(rules, "personal_file").update(keep_forever=True), r"unknown key\(s\) \['keep_forever'\]"),
    (lambda rules: rule(rules, "adoption").pop("sources"), "needs `sources`"),
    (lambda rules: rule(rules, "adoption").update(sources=[]), "at least one source"),
    (lambda rules: rule(rules, "adoption")["sources"][0].pop("url"), "exactly law, paragraph, url"),
    (lambda rules: rule(rules, "adoption")["sources"][0].update(url="somewhere"), "web address"),
    (lambda rules: rule(rules, "adoption")["sources"][0].update(law=""), "law must be a non-empty text"),
    (lambda rules: rule(rules, "adoption").pop("unverified"), "what is missing"),
    (lambda rules: rule(rules, "research_birth_day").update(unverified="x"), "verified rule has no"),
    (lambda rules: rule(rules, "adoption").update(verified="yes"), "true or false"),
    (lambda rules: rule(rules, "adoption").update(effect="delete"), "cull, keep or remove"),
    (lambda rules: rule(rules, "registered_by_mistake").update(blocked_by=[]), "must list the flags"),
    (lambda rules: rule(rules, "registered_by_mistake").update(blocked_by=["open_case", "wanted"]),
     r"unknown flag\(s\) \['wanted'\] in blocked_by"),
    (lambda rules: rule(rules, "registered_by_mistake").update(when={"flag": "open_case"}), "unknown key"),
    (lambda rules: rule(rules, "adoption").update(when={"flag": "adopted"}), "unknown flag 'adopted'"),
    (lambda rules: rule(rules, "adoption").update(when={"born": 5}), "unknown condition"),
    (lambda rules: rule(rules, "research_birth_day").update(when={"birth_day_in": [5, 32]}), "days of the month"),
    (lambda rules: rule(rules, "adoption").update(counts_from="last_entry"), "unknown key"),
    (lambda rules: rule(rules, "custody_agreement").update(until={"fact": "born", "years": 18}),
     "unknown date fact 'born'"),
    (lambda rules: rule(rules, "custody_agreement").update(until={"fact": "born_on", "years": 0}), "positive"),
    (lambda rules: rule(rules, "personal_file").update(counts_from="case_closed"), "`counts_from` must be"),
    (lambda rules: rule(rules, "personal_file").update(period={"days": 5}), "`period` must be"),
    (lambda rules: rule(rules, "personal_file").update(period={"years": -5}), "positive"),
    (lambda rules: rule(rules, "personal_file").pop("complete_by"), "`complete_by` must be"),
    (lambda rules: rule(rules, "personal_file").update(id="Personal File"), "lower-case name"),
    (lambda rules: rule(rules, "register").update(id="personal_file"), r"duplicated rule id\(s\) \['personal_file'\]"),
    (lambda rules: [rules.remove(r) for r in [r for r in rules if r["effect"] == "cull"]],
     "at least one rule must cull"),
])
def test_a_malformed_rules_file_is_refused_with_a_clear_error(change, message):
    parse(DOCUMENT)   # the unchanged document is fine
    with pytest.raises(RetentionRulesError, match=message):
        parse(broken(change))


# --- a person registered by mistake -------------------------------------------------------------

MISTAKE = RULES.by_id(retention.MISTAKE_RULE)


def test_a_person_registered_by_mistake_may_be_removed_at_once_without_a_due_date():
    assert MISTAKE.effect == "remove"
    assert retention.removal_blockers(MISTAKE, PERSON) == ()
    # whatever the five years say, and also a person kept for research: the wrong data is not research data
    assert retention.removal_blockers(MISTAKE, replace(PERSON, last_entry_on=date(2026, 11, 1),
                                                       born_on=date(1980, 6, 5))) == ()


@pytest.mark.parametrize("flag", ["open_case", "open_inquiry", "pending_appeal", "paternity_investigation",
                                  "adoption_investigation", "placed_as_child", "custody_agreement",
                                  "archive_decision"])
def test_an_open_or_pending_matter_or_a_record_kept_for_good_blocks_the_removal(flag):
    assert retention.removal_blockers(MISTAKE, replace(PERSON, **{flag: True})) == (flag,)


def test_every_blocking_fact_is_named_in_the_files_order():
    facts = replace(PERSON, open_case=True, placed_as_child=True, open_inquiry=True)
    assert retention.removal_blockers(MISTAKE, facts) == ("open_case", "open_inquiry", "placed_as_child")


def test_a_remove_rule_takes_no_part_in_culling_and_a_cull_rule_has_no_blockers():
    assert verdict(date(2025, 3, 10)).rule_ids == ("personal_file", "register")
    assert verdict(date(2025, 3, 10), open_inquiry=True).status == "due"   # culling is not held by it
    with pytest.raises(ValueError):
        retention.removal_blockers(RULES.by_id("personal_file"), PERSON)


def test_the_top_level_must_be_exactly_rules():
    with pytest.raises(RetentionRulesError, match="exactly `rules`"):
        parse({"rules": DOCUMENT["rules"], "version": 2})
    with pytest.raises(RetentionRulesError, match="non-empty list"):
        parse({"rules": []})


def test_loading_a_file_refuses_a_duplicated_key_and_names_the_file(tmp_path: Path):
    text = retention.RULES_FILE.read_text(encoding="utf-8")
    doubled = text.replace("    effect: cull\n", "    effect: cull\n    effect: keep\n", 1)
    path = tmp_path / "retention.yaml"
    path.write_text(doubled, encoding="utf-8")
    with pytest.raises(RetentionRulesError, match=r"retention.yaml: duplicated key\(s\) \['effect'\]"):
        retention.load(path)
    path.write_text("rules: [", encoding="utf-8")
    with pytest.raises(RetentionRulesError, match="not YAML"):
        retention.load(path)
    path.write_text(text.replace("    sources:\n", "    source:\n", 1), encoding="utf-8")
    with pytest.raises(RetentionRulesError, match="retention.yaml: rule 1 .personal_file.: unknown key"):
        retention.load(path)


# --- the registry's facts -----------------------------------------------------------------------

def test_the_circumstances_end_with_the_last_closed_case_or_decision_and_not_while_a_case_is_open():
    ended = retention.circumstances_ended_on
    entry = date(2021, 1, 1)
    assert ended(open_cases=1, cases=2, last_closed_on=date(2020, 1, 1), last_valid_to=None, last_entry_on=entry) is None
    assert ended(open_cases=0, cases=0, last_closed_on=None, last_valid_to=None, last_entry_on=entry) == entry
    assert ended(open_cases=0, cases=1, last_closed_on=date(2020, 1, 1), last_valid_to=date(2020, 6, 30),
                 last_entry_on=entry) == date(2020, 6, 30)
    assert ended(open_cases=0, cases=1, last_closed_on=date(2020, 1, 1), last_valid_to=None,
                 last_entry_on=entry) == date(2020, 1, 1)
    # A decision running beyond the closing keeps the circumstances going until it runs out.
    assert ended(open_cases=0, cases=1, last_closed_on=date(2020, 1, 1), last_valid_to=date(2030, 1, 1),
                 last_entry_on=entry) == date(2030, 1, 1)


def test_the_daily_search_runs_from_six_in_the_morning_swedish_time_and_sleeps_until_then():
    from datetime import datetime as _datetime
    from zoneinfo import ZoneInfo

    from services.registry.domain.retention import search_moment, seconds_to_search
    se = ZoneInfo("Europe/Stockholm")
    day = date(2026, 12, 24)
    assert search_moment(day) == _datetime(2026, 12, 24, 6, 0, tzinfo=se)
    assert search_moment(date(2026, 7, 1)).utcoffset().total_seconds() == 7200  # summer time
    assert seconds_to_search(_datetime(2026, 12, 24, 5, 59, 30, tzinfo=se), day, 60) == 30
    assert seconds_to_search(_datetime(2026, 12, 24, 0, 1, tzinfo=se), day, 60) == 60
    assert seconds_to_search(_datetime(2026, 12, 24, 6, 0, 1, tzinfo=se), day, 60) == 60
