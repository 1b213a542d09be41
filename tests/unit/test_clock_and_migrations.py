"""The adjustable clock only moves forward; migration files are numbered and unique."""
from datetime import datetime, timedelta, timezone

import pytest

from shared.clock import AdjustableClock
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
