"""The Swedish calendar of working days against the published calendar (helgdagar 2026 and 2027)."""
from datetime import date

import pytest

from shared.calendar import is_business_day, statutory_deadline

CLOSED = [
    date(2026, 1, 1), date(2026, 1, 6), date(2026, 4, 3), date(2026, 4, 5), date(2026, 4, 6), date(2026, 5, 1),
    date(2026, 5, 14), date(2026, 6, 6), date(2026, 6, 19), date(2026, 6, 20), date(2026, 10, 31),
    date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 31),
    date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 6), date(2027, 6, 25), date(2027, 12, 24),
]
OPEN = [date(2026, 4, 2), date(2026, 4, 7), date(2026, 5, 13), date(2026, 6, 18), date(2026, 6, 22),
        date(2026, 12, 23), date(2026, 12, 28), date(2026, 12, 30), date(2027, 1, 4), date(2027, 3, 25)]


@pytest.mark.parametrize("day", CLOSED)
def test_holidays_and_eves_are_not_working_days(day):
    assert not is_business_day(day)


@pytest.mark.parametrize("day", OPEN)
def test_ordinary_weekdays_are_working_days(day):
    assert is_business_day(day)


@pytest.mark.parametrize("last_day,deadline", [
    (date(2026, 4, 3), date(2026, 4, 7)),     # långfredagen: over Easter to Tuesday
    (date(2026, 5, 14), date(2026, 5, 15)),   # Kristi himmelsfärdsdag: Friday
    (date(2026, 6, 19), date(2026, 6, 22)),   # midsommarafton: Monday
    (date(2026, 12, 31), date(2027, 1, 4)),   # nyårsafton, nyårsdagen, weekend
    (date(2026, 12, 23), date(2026, 12, 23)), # an ordinary Wednesday stays
])
def test_a_statutory_deadline_moves_to_the_next_working_day(last_day, deadline):
    assert statutory_deadline(last_day) == deadline
