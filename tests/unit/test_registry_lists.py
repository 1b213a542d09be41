"""What the registry's lists say and where their pages start, without a database."""
from datetime import date
from uuid import uuid4

import pytest

from services.registry.domain import occurrences
from shared.pagination import decode_cursor as after
from shared.errors import DomainError, Kind
from shared.pagination import encode_cursor


@pytest.mark.parametrize("unit_filter,scope", [(None, "all units"), ("vuxen", "unit vuxen"),
                                               ("", "no unit (your token names none)")])
def test_the_search_names_the_units_it_searched(unit_filter, scope):
    assert occurrences.scope_of(unit_filter) == scope


def test_the_search_tells_not_registered_from_nothing_found():
    assert "no person with it is registered" in occurrences.message(registered=False, shown=0, scope="all units")
    assert occurrences.message(registered=True, shown=0, scope="unit vuxen") == \
        "the person is registered and has no occurrences in unit vuxen"
    assert occurrences.message(registered=True, shown=2, scope="all units") == "2 occurrence(s) in all units"


def test_a_page_starts_after_the_key_its_cursor_carries():
    key = (date(2025, 3, 10), uuid4())
    assert after(encode_cursor(*key), date, type(key[1])) == key
    assert after(None, date) is None
    assert after(encode_cursor(7), int) == (7,)


@pytest.mark.parametrize("cursor", ["x", encode_cursor(2 ** 63), encode_cursor(-(2 ** 63) - 1), encode_cursor("7")])
def test_a_cursor_the_list_did_not_make_is_422(cursor):
    with pytest.raises(DomainError) as refused:
        after(cursor, int)
    assert (refused.value.kind, refused.value.code) == (Kind.INVALID, "invalid_cursor")


def test_a_read_of_several_persons_is_one_event_filed_once_in_each_persons_log():
    import uuid
    from datetime import datetime, timezone

    from services.registry.usecases.audit import entries_of
    from shared.events.catalog import AccessLogged

    event = uuid.uuid4()
    a, b = uuid.uuid4(), uuid.uuid4()
    at = datetime(2026, 1, 2, tzinfo=timezone.utc)

    def read(**persons):
        return AccessLogged(actor="anna", roles=["caseworker"], action="read", resource="worklists/intake/x",
                            at=at, **persons)
    listed = entries_of(event, read(person_ids=[a, b, a]))
    assert [p for _, p in listed] == [a, b]
    assert len({e for e, _ in listed}) == 2 and event not in {e for e, _ in listed}
    assert listed == entries_of(event, read(person_ids=[a, b]))  # the same event, the same entry ids
    assert entries_of(event, read(person_id=a, person_ids=[a])) == [(event, a)]
    assert entries_of(event, read(person_id=a)) == [(event, a)]  # as events were before person_ids
    assert entries_of(event, read()) == [(event, None)]
