"""The dry run of culling (gallring): which persons' records are due on a day, by the rules of
services/registry/domain/retention.yaml and the registry's own tables. It lists and changes
nothing; approval and the culling itself are still to build (issue 21)."""
from datetime import date
from uuid import UUID

from services.registry.domain import retention
from services.registry.store import retention as store
from shared import errors, interventions
from shared.access.policy import Grant
from shared.pagination import Listed, decode_cursor, encode_cursor
from shared.unit_of_work import UnitOfWork


def facts_of(row) -> retention.PersonFacts:
    """A person's facts as far as the registry's tables tell. Paternity, adoption, custody
    agreements, archive decisions and appeals are not recorded in the registry: false here."""
    return retention.PersonFacts(
        last_entry_on=row["last_entry_on"], born_on=row["birth_date"],
        circumstances_ended_on=retention.circumstances_ended_on(
            open_cases=row["open_cases"], cases=row["cases"], last_closed_on=row["last_closed_on"],
            last_valid_to=row["last_valid_to"], last_entry_on=row["last_entry_on"]),
        placed_as_child=row["child_placement"], open_case=row["open_cases"] > 0)


async def dry_run(uow: UnitOfWork, user: Grant, *, on: date | None, person_id: UUID | None = None, limit: int,
                  cursor: str | None) -> Listed:
    """The persons, in id order, whose file's five years have passed on `on` (today when not
    given; never a past day): due, or kept with the rules that keep them; only `person_id` when
    given. Persons are read `limit` at a time, so a page may hold fewer items than `limit` and
    still have a next one."""
    start = decode_cursor(cursor, UUID)
    rules = retention.RULES
    general = rules.by_id("personal_file")
    placements = [code for code, item in interventions.catalogue().items() if item.placement]
    async with uow:
        today = uow.today()
        day = today if on is None else on
        if day < today:
            raise errors.invalid("past_day", "A dry run is for today or a later day",
                                 f"`on` must not be before today, {today.isoformat()}")
        rows = await store.facts(uow.conn, after=start and start[0], limit=limit + 1, placements=placements,
                                 person_id=person_id)
        more = len(rows) > limit
        rows = rows[:limit]
        items = []
        for row in rows:
            facts = facts_of(row)
            if general.due_on(facts) > day:
                continue
            verdict = retention.evaluate(rules, facts, day)
            items.append({"person_id": row["person_id"], "status": verdict.status, "rule_ids": list(verdict.rule_ids),
                          "due_on": verdict.due_on, "complete_by": verdict.complete_by})
        uow.log_read(user, resource="retention/dry-run", person_ids=[item["person_id"] for item in items])
        return Listed(items, encode_cursor(rows[-1]["person_id"]) if more else None)
