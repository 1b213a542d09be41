"""Helpers for tests on the real stack: a fresh database and topic prefix per test
environment, service processes started as `make up` starts them, and topic readers."""
import asyncio
import atexit
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from services.issuer.keys import KeyStore, development_token, key_store
from services.issuer.settings import IssuerSettings
from shared.kafka import kafka_options
from shared.settings import SECRETS, Settings
from tests import clock

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("registry", "journal", "orders", "watch", "notify")
WEB_BACKENDS = ("REGISTRY", "JOURNAL", "ORDERS", "WATCH", "NOTIFY")   # the services the web may call


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


# The ports free_port has given in this run: one given to a process that has not bound it yet
# (services start side by side and bind seconds later) still looks free, so none is given twice.
_GIVEN_PORTS: set[int] = set()


def free_port() -> int:
    """A free port below the kernel's ephemeral range (32768 and up), so that no outgoing
    connection can take it between this check and the service binding it; never one this run has
    given before (until nearly all 12,000 have been given: then those of long ago may come again)."""
    if len(_GIVEN_PORTS) > 11_000:
        _GIVEN_PORTS.clear()
    while True:
        port = random.randrange(20000, 32000)
        if port in _GIVEN_PORTS:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _GIVEN_PORTS.add(port)
        return port


class TestIssuer:
    """The development OIDC issuer (services/issuer/) as a process, one per test session (and per
    benchmark run), on a free port with a key directory of its own. The services the tests start
    trust it through OMSORG_OIDC_ISSUERS and fetch its discovery document and JWKS over HTTP, as
    production fetches the municipality's identity provider's; they have no OMSORG_JWT_SECRET, so
    they take no HS256 token. The tests' tokens are signed with its persisted key (as `make demo`
    and `omsorg token` sign theirs), without a round trip per token."""
    __test__ = False  # a helper, not tests for pytest to collect

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="omsorg-test-issuer-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = IssuerSettings(env="test", port=self.port, issuer_url=self.url,
                                       issuer_key_dir=self.directory / "keys")
        KeyStore(self.settings.issuer_key_dir).rotate()  # before the process, so that only one key is made
        self.log_path = self.directory / "issuer.log"
        self.popen: subprocess.Popen | None = None

    @property
    def trust(self) -> str:
        """OMSORG_OIDC_ISSUERS naming this issuer."""
        return json.dumps([{"issuer": self.url}])

    def environ(self) -> dict[str, str]:
        """How a process signs with this issuer's key (services.issuer.keys.development_token)."""
        return {"OMSORG_ISSUER_URL": self.url, "OMSORG_ISSUER_KEY_DIR": str(self.settings.issuer_key_dir)}

    def start(self, timeout: float = 60) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OMSORG_")}
        env.update(OMSORG_ENV="test", OMSORG_PORT=str(self.port), PYTHONUNBUFFERED="1", **self.environ())
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen([sys.executable, "-m", "services.issuer.main"], cwd=ROOT, env=env,
                                          stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise AssertionError(f"the test issuer exited with {self.popen.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/.well-known/openid-configuration", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the test issuer is not ready after {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        shutil.rmtree(self.directory, ignore_errors=True)

    def token(self, sub: str, roles: list[str], **claims) -> str:
        """An access token of this issuer (RS256, `aud` omsorg) for `sub` with `roles` and the
        claims unit, provider_id, pin, ttl."""
        return development_token(sub, roles, settings=self.settings, **claims)

    def sign(self, claims: dict) -> str:
        """Any claims, signed with this issuer's key (for tests of tokens the services must refuse)."""
        return key_store(self.settings.issuer_key_dir).sign(claims)

    def log_tail(self, lines: int = 40) -> str:
        return log_tail(self.log_path, lines)


_issuer: TestIssuer | None = None


def session_issuer() -> TestIssuer:
    """The session's issuer, started on first use and stopped when the process ends."""
    global _issuer
    if _issuer is None:
        issuer = TestIssuer()
        atexit.register(issuer.stop)
        issuer.start()
        _issuer = issuer
    return _issuer


def log_tail(path: Path, lines: int = 40) -> str:
    """The last lines of a process's log."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


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
                   # Production's login path: the tests' tokens are the test issuer's, taken through
                   # its discovery document and JWKS; no OMSORG_JWT_SECRET, so no HS256 token. The
                   # web signs people in at that issuer (the code flow). The issuer's key is named
                   # too, for `omsorg` (which signs with it); the services do not read it.
                   OMSORG_OIDC_ISSUERS=session_issuer().trust, **session_issuer().environ())
        env.update(extra)
        return env

    def start(self, service: str, **extra_env: str) -> "ServiceProcess":
        if service == "web":
            # A service the test does not name is at a port nothing listens on, never at its default
            # address, where a `make up` on the same machine would answer for it.
            extra_env = {**{f"OMSORG_{name}_URL": f"http://127.0.0.1:{free_port()}" for name in WEB_BACKENDS},
                         **extra_env}
        proc = ServiceProcess(self, service, extra_env)
        proc.start()
        self.processes.append(proc)
        return proc

    def token(self, role: str = "caseworker", sub: str = "anna", *, roles: list[str] | None = None,
              **claims) -> str:
        """A token of the test issuer that the services started here take: for `sub` with `role`
        (or several `roles`) and the claims unit, provider_id, pin, ttl."""
        return session_issuer().token(sub, roles or [role], **claims)

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
        environ = self.env.environ(OMSORG_PORT=str(self.port), **self.extra_env)
        if self.service == "issuer":
            # An issuer that a test starts is its own: named by its port, with the keys the test gives.
            for name in session_issuer().environ().keys() - self.extra_env.keys():
                environ.pop(name)
        self.popen = subprocess.Popen(
            [sys.executable, "-m", f"services.{self.service}.main"], cwd=ROOT, env=environ,
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
        return log_tail(self.log_path, lines)


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
