"""JSON built in PostgreSQL as the API writes it, for pages answered as the database builds them
(a case's notes) rather than parsed into models and written out again: the same
fields, values and formats as the response model's own JSON (pydantic's), which the tests of each
such page hold them to."""
from datetime import UTC, datetime

from pydantic import TypeAdapter

_TIME = TypeAdapter(datetime)


def time_sql(column: str) -> str:
    """A `timestamptz` column as pydantic writes a time: UTC with `Z`, and its microseconds, all
    six digits, only when it has any; NULL stays NULL."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
            f" || CASE WHEN date_part('microseconds', {utc})::bigint % 1000000 <> 0 THEN to_char({utc}, '.US')"
            f" ELSE '' END || 'Z'")


def api_time(at: datetime) -> str:
    """A time as `time_sql` writes it, from Python."""
    return _TIME.dump_python(at.astimezone(UTC), mode="json")
