"""Helpers for tests on the real stack: a fresh database and topic prefix per test
environment, service processes started as `make up` starts them, and topic readers."""
import asyncio
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.auth import issue_token
from shared.kafka import kafka_options
from shared.settings import SECRETS, Settings
from tests import clock

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("registry", "journal", "orders", "watch", "notify")


def base_settings() -> Settings:
    return Settings(env="test")


def production_secrets() -> dict[str, str]:
    """Fresh strong secrets, as OMSORG_* variables, for a service started by production's rules."""
    return {f"OMSORG_{name.upper()}": secrets.token_hex(32) for name in SECRETS}


def kafka_environ(environ) -> dict[str, str]:
    """The OMSORG_KAFKA_* settings in `environ` that say how to connect, less the address (and
    less deploy/local/kafka.sh's own variables, which are no settings)."""
    return {k: v for k, v in environ.items() if k.startswith("OMSORG_KAFKA_") and k != "OMSORG_KAFKA_BOOTSTRAP"
            and k.removeprefix("OMSORG_").lower() in Settings.model_fields}


def free_port() -> int:
    """A free port below the kernel's ephemeral range (32768 and up), so that no outgoing
    connection can take it between this check and the service binding it."""
    while True:
        port = random.randrange(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class TestEnv:
    """One isolated Omsorg installation: its own database and its own topics on the shared broker."""
    database_url: str
    topic_prefix: str
    kafka_bootstrap: str
    logs: Path
    processes: list["ServiceProcess"] = field(default_factory=list)
    # How to reach the broker beyond its address (OMSORG_KAFKA_SECURITY_PROTOCOL, _USERNAME,
    # _PASSWORD, _SSL_*): by default those of the calling environment; given to every service.
    kafka_env: dict[str, str] = field(default_factory=lambda: kafka_environ(os.environ))

    @property
    def settings(self) -> Settings:
        return Settings(env="test", database_url=self.database_url, topic_prefix=self.topic_prefix,
                        kafka_bootstrap=self.kafka_bootstrap, clock_offset_seconds=clock.OFFSET.total_seconds(),
                        **{k.removeprefix("OMSORG_").lower(): v for k, v in self.kafka_env.items()})

    def environ(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OMSORG_")}
        env.update(OMSORG_ENV="test", OMSORG_DATABASE_URL=self.database_url,
                   OMSORG_TOPIC_PREFIX=self.topic_prefix, OMSORG_KAFKA_BOOTSTRAP=self.kafka_bootstrap,
                   OMSORG_RELAY_POLL_SECONDS="0.5", PYTHONUNBUFFERED="1",
                   # Tests and benchmarks send far more than a person would; the tests of the
                   # rate limit itself turn it on with a low limit.
                   OMSORG_RATE_LIMIT_PER_MINUTE="0", **clock.environ(), **self.kafka_env,
                   # The tests' tokens are the local issuer's (HS256), also beside an OIDC issuer.
                   OMSORG_JWT_SECRET=self.settings.jwt_secret)
        env.update(extra)
        return env

    def start(self, service: str, **extra_env: str) -> "ServiceProcess":
        proc = ServiceProcess(self, service, extra_env)
        proc.start()
        self.processes.append(proc)
        return proc

    def token(self, role: str = "caseworker", sub: str = "anna", **claims) -> str:
        return issue_token(self.settings, sub=sub, roles=[role], **claims)

    def auth(self, role: str = "caseworker", sub: str = "anna", **claims) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, sub, **claims)}"}

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    async def db(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.database_url)


class ServiceProcess:
    def __init__(self, env: TestEnv, service: str, extra_env: dict[str, str]):
        self.env = env
        self.service = service
        self.extra_env = extra_env
        self.port = free_port()
        self.popen: subprocess.Popen | None = None
        self.log_path = env.logs / f"{service}-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.log_path, "ab")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", f"services.{self.service}.main"], cwd=ROOT,
            env=self.env.environ(OMSORG_PORT=str(self.port), **self.extra_env),
            stdout=log, stderr=subprocess.STDOUT,
        )

    async def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                if self.popen.poll() is not None:
                    raise AssertionError(f"{self.service} exited with {self.popen.returncode}:\n{self.log_tail()}")
                try:
                    if (await client.get(f"{self.url}/ready", timeout=2)).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError(f"{self.service} not ready after {timeout} s:\n{self.log_tail()}")

    async def wait_exit(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self.popen.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.service} still running after {timeout} s:\n{self.log_tail()}")
            await asyncio.sleep(0.1)
        return self.popen.returncode

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen and self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def dump_tasks(self) -> None:
        """Ask the running process to log where each of its tasks waits (SIGUSR1, shared/service.py)."""
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGUSR1)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


async def start_services(env: TestEnv, **extra_env: str) -> dict[str, "ServiceProcess"]:
    """All five services as separate processes, as `make up` runs them; returns when each is ready."""
    procs = {name: env.start(name, **extra_env) for name in SERVICES}
    await asyncio.gather(*(p.wait_ready() for p in procs.values()))
    return procs


async def create_env(logs: Path) -> TestEnv:
    settings = base_settings()
    name = f"omsorg_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(settings.database_url)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    return TestEnv(database_url=_with_database(settings.database_url, name),
                   topic_prefix=f"t{uuid.uuid4().hex[:8]}.", kafka_bootstrap=settings.kafka_bootstrap,
                   logs=logs)


async def drop_env(env: TestEnv) -> None:
    for proc in env.processes:
        proc.kill(signal.SIGTERM)
    name = urlsplit(env.database_url).path.lstrip("/")
    admin = await asyncpg.connect(base_settings().database_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()
    await _delete_topics(env)


async def _delete_topics(env: TestEnv) -> None:
    """Delete the environment's topics, so a developer's broker does not collect thousands of
    partitions over many test runs (each slows the broker's start)."""
    client = AIOKafkaAdminClient(**kafka_options(env.settings))
    try:
        await client.start()
        mine = [t for t in await client.list_topics() if t.startswith(env.topic_prefix)]
        if mine:
            await client.delete_topics(mine)
    except Exception as exc:  # cleanup only: a broker that is down must not fail the test
        print(f"could not delete topics of {env.topic_prefix}: {exc}", file=sys.stderr)
    finally:
        await client.close()


async def read_topic(broker: str | Settings, topic: str, *, at_least: int = 0, timeout: float = 20) -> list:
    """Every record on `topic` from the beginning; waits until `at_least` are there (or the timeout).
    `broker` is a bootstrap address (reached as OMSORG_KAFKA_* of this process say) or settings."""
    if isinstance(broker, str):
        broker = Settings(env="test", kafka_bootstrap=broker)
    consumer = AIOKafkaConsumer(**kafka_options(broker), enable_auto_commit=False)
    await consumer.start()
    try:
        deadline = time.monotonic() + timeout
        partitions = None
        while partitions is None and time.monotonic() < deadline:
            partitions = consumer.partitions_for_topic(topic)
            if partitions is None:
                await consumer._client.force_metadata_update()
                partitions = consumer.partitions_for_topic(topic)
                if partitions is None:
                    await asyncio.sleep(0.2)
        if not partitions:
            return []
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        records = []
        while time.monotonic() < deadline:
            batch = await consumer.getmany(*tps, timeout_ms=300)
            for messages in batch.values():
                records.extend(messages)
            end = await consumer.end_offsets(tps)
            positions = [await consumer.position(tp) for tp in tps]
            caught_up = all(pos >= end[tp] for pos, tp in zip(positions, tps))
            if caught_up and len(records) >= at_least:
                break
        return records
    finally:
        await consumer.stop()


async def eventually(check, timeout: float = 20, interval: float = 0.2):
    """Poll an async `check` until it returns something truthy; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(interval)


def restart_infra(part: str) -> None:
    """Restart the local PostgreSQL or Kafka (`deploy/local/<part>.sh restart`), keeping its data.

    Skips the calling test when the tests run against a database or broker that the
    project's scripts do not manage (OMSORG_DATABASE_URL / OMSORG_KAFKA_BOOTSTRAP pointing
    elsewhere).
    """
    _infra(part, "restart")


def stop_infra(part: str) -> None:
    """Stop the local PostgreSQL or Kafka (start it again with `start_infra`); skips as `restart_infra` does."""
    _infra(part, "stop")


def start_infra(part: str) -> None:
    _infra(part, "start")


def _infra(part: str, command: str) -> None:
    import pytest

    script = ROOT / "deploy" / "local" / f"{part}.sh"
    own = {k: v for k, v in os.environ.items() if k not in ("OMSORG_DATABASE_URL", "OMSORG_KAFKA_BOOTSTRAP")}
    ask = "url" if part == "postgres" else "bootstrap"
    managed = subprocess.run([str(script), ask], env=own, capture_output=True, text=True).stdout.strip()
    in_use = base_settings().database_url if part == "postgres" else base_settings().kafka_bootstrap
    if managed != in_use:
        pytest.skip(f"{part} at {in_use} is not managed by deploy/local/{part}.sh")
    subprocess.run([str(script), command], env=own, check=True, capture_output=True, timeout=180)
