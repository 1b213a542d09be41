"""asyncpg pool per service and a migration runner for numbered SQL files into the service's schema."""
import asyncio
import json
import re
from pathlib import Path

import asyncpg

SHARED_MIGRATIONS = Path(__file__).parent / "migrations"

# A database that went away (a restart, the network), also mid-operation, when asyncpg's client
# state is broken too: work is tried again on a fresh connection, never counted as failed.
DATABASE_AWAY = (OSError, asyncio.TimeoutError, asyncpg.InterfaceError, asyncpg.InternalClientError,
                 asyncpg.exceptions.PostgresConnectionError, asyncpg.exceptions.OperatorInterventionError)
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]*$")


async def _init_connection(conn: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(kind, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """What a connection going back to the pool needs beyond asyncpg's own clean-up (which ends
    an open transaction and drops listener callbacks): nothing. Nothing sets session state: the
    search path is a connection setting, SETs are SET LOCAL, advisory locks are transaction
    locks, and the wake loops UNLISTEN before they give their connection back. This spares
    every request and every consumed event asyncpg's reset query (a round trip of
    `pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`)."""


async def create_pool(database_url: str, schema: str, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections see the service's schema first; nothing else of another service."""
    _check_schema(schema)
    return await asyncpg.create_pool(
        database_url, min_size=min_size, max_size=max_size, init=_init_connection, reset=_keep_session,
        server_settings={"search_path": schema, "application_name": f"omsorg-{schema}"},
    )


def _check_schema(schema: str) -> None:
    if not _SCHEMA.match(schema):
        raise ValueError(f"not a schema name: {schema!r}")


def migration_files(folder: Path) -> list[tuple[str, Path]]:
    files = []
    if not folder.is_dir():  # a service with no tables of its own yet
        return files
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file name must look like 001_what.sql: {path}")
        files.append((match.group(1), path))
    versions = [v for v, _ in files]
    if len(set(versions)) != len(versions):
        raise ValueError(f"two migrations share a number in {folder}")
    return files


async def migrate(pool: asyncpg.Pool, schema: str, folder: Path) -> list[str]:
    """Apply the shared migrations (outbox, inbox) and then the service's own, each once.

    An advisory lock per schema makes concurrent starts of several replicas safe.
    Returns the versions applied now.
    """
    _check_schema(schema)
    applied_now = []
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"omsorg-migrate-{schema}")
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {schema}.schema_migrations ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch(f"SELECT version FROM {schema}.schema_migrations")}
        plan = [(f"shared:{v}", p) for v, p in migration_files(SHARED_MIGRATIONS)]
        plan += [(v, p) for v, p in migration_files(folder)]
        for version, path in plan:
            if version in done:
                continue
            await conn.execute(f"SET LOCAL search_path TO {schema}")
            await conn.execute(path.read_text())
            await conn.execute(f"INSERT INTO {schema}.schema_migrations (version) VALUES ($1)", version)
            applied_now.append(version)
    return applied_now
