"""The web's Swedish dates, times and numbers: moments in Swedish local time whatever the UTC date."""
from datetime import date

from services.web import months
from services.web.formats import intervention_name, swedish_date, swedish_kronor, swedish_number, swedish_time


def test_dates_and_times_are_swedish_and_in_stockholm_time():
    assert swedish_date("2026-03-03") == "3 mars 2026"
    assert swedish_date(date(2026, 12, 24)) == "24 december 2026"
    assert swedish_time("2026-03-03T14:20:00Z") == "3 mars 2026 kl. 15.20"          # CET
    assert swedish_time("2026-07-01T22:05:00+00:00") == "2 juli 2026 kl. 00.05"     # CEST, the next day
    assert swedish_time(None) == "" and swedish_date("") == ""


def test_numbers_are_written_with_a_decimal_comma():
    assert swedish_number("24.00") == "24" and swedish_number("7.50") == "7,5" and swedish_number(120) == "120"
    assert swedish_number("1E+2") == "100"


def test_an_intervention_is_named_from_the_catalogue():
    assert intervention_name("home_help") == "Hemtjänst"
    assert intervention_name("not_in_the_catalogue") == "not_in_the_catalogue"


def test_amounts_in_ore_are_written_as_kronor_with_non_breaking_spaces():
    assert swedish_kronor(1057500) == "10\u00a0575,00\u00a0kr"
    assert swedish_kronor(5) == "0,05\u00a0kr" and swedish_kronor(0) == "0,00\u00a0kr"
    assert swedish_kronor(123456789) == "1\u00a0234\u00a0567,89\u00a0kr"
    assert swedish_kronor(-1500) == "\u221215,00\u00a0kr" and swedish_kronor(None) == ""


def test_the_months_of_the_reimbursement_basis():
    assert months.of(date(2026, 12, 24)) == "2026-12" and months.of(date(2027, 1, 1)) == "2027-01"
    assert months.recent(date(2027, 1, 31), count=3) == ["2027-01", "2026-12", "2026-11"]
    assert len(months.recent(date(2026, 3, 1))) == 13
    assert months.swedish("2026-03") == "mars 2026" and months.swedish("2026-13") == "2026-13"
    assert [m for m in ("2026-03", "2026-13", "2026-3", "mars", "2026-00") if months.MONTH.fullmatch(m)] == ["2026-03"]
