"""The adjustable clock only moves forward; migration files are numbered and unique."""
from datetime import date, datetime, timedelta, timezone

import pytest

from shared.clock import SWEDEN, AdjustableClock, local_date
from shared.db import SHARED_MIGRATIONS, migration_files
from tests.stack import ROOT, SERVICES


def test_clock_moves_forward_only():
    clock = AdjustableClock()
    later = clock.now() + timedelta(days=3)
    assert clock.advance_to(later) >= later
    with pytest.raises(ValueError, match="forward"):
        clock.advance_to(later - timedelta(days=1))
    with pytest.raises(ValueError, match="time zone"):
        clock.advance_to(datetime(2030, 1, 1))


def test_migration_names_are_checked(tmp_path):
    (tmp_path / "001_first.sql").write_text("SELECT 1")
    (tmp_path / "002_second.sql").write_text("SELECT 1")
    assert [v for v, _ in migration_files(tmp_path)] == ["001", "002"]
    (tmp_path / "002_clash.sql").write_text("SELECT 1")
    with pytest.raises(ValueError, match="share a number"):
        migration_files(tmp_path)
    (tmp_path / "3_bad.sql").write_text("SELECT 1")
    with pytest.raises(ValueError, match="001_what"):
        migration_files(tmp_path)


def test_every_service_migrations_folder_is_valid():
    assert migration_files(SHARED_MIGRATIONS)
    for name in SERVICES:
        migration_files(ROOT / "services" / name / "migrations")


def test_today_is_the_date_in_stockholm():
    # 23:30 UTC on 31 December is already New Year's Day in Sweden; summer time is UTC+2.
    assert local_date(datetime(2024, 12, 31, 23, 30, tzinfo=timezone.utc)) == date(2025, 1, 1)
    assert local_date(datetime(2025, 6, 30, 21, 59, tzinfo=timezone.utc)) == date(2025, 6, 30)
    assert local_date(datetime(2025, 6, 30, 22, 0, tzinfo=timezone.utc)) == date(2025, 7, 1)
    with pytest.raises(ValueError, match="time zone"):
        local_date(datetime(2025, 1, 1))


def test_a_clock_started_away_from_real_time_says_the_swedish_date():
    # 00:30 on julafton in Stockholm is still the 23rd in UTC.
    target = datetime(2026, 12, 24, 0, 30, tzinfo=SWEDEN)
    clock = AdjustableClock(target - datetime.now(timezone.utc))
    assert abs((clock.now() - target).total_seconds()) < 5
    assert clock.now().date() == date(2026, 12, 23)
    assert clock.today() == date(2026, 12, 24)
