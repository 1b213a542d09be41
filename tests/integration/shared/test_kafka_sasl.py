"""The services on brokers that demand a SASL/SCRAM login (deploy/local/kafka.sh with
OMSORG_KAFKA_SASL=1), without and with TLS (OMSORG_KAFKA_TLS=1: SASL_SSL, a CA of its own): with
the right password an event written to the registry's outbox is published and consumed by the
journal; with a wrong password, no login or a broker certificate it cannot verify, a service
stops at once and says why."""
import os
import re
import subprocess

import pytest

from shared.settings import DEV_KAFKA_PASSWORD
from tests.integration.shared.test_outbox_exactly_once import _journal_counts, _open_case
from tests.stack import ROOT, eventually, free_port, read_topic

USERNAME = "omsorg"
SCRIPT = ROOT / "deploy" / "local" / "kafka.sh"


def _script(command: str, tls: bool, **env: str) -> subprocess.CompletedProcess:
    # The script's own variables only: an OMSORG_KAFKA_BOOTSTRAP of the calling shell would
    # make it believe the broker is external.
    own = {k: v for k, v in os.environ.items() if not k.startswith("OMSORG_KAFKA_")}
    own.update(OMSORG_KAFKA_SASL="1", OMSORG_KAFKA_TLS="1" if tls else "0", OMSORG_KAFKA_USERNAME=USERNAME,
               OMSORG_KAFKA_PASSWORD=DEV_KAFKA_PASSWORD, **env)
    return subprocess.run([str(SCRIPT), command], env=own, capture_output=True, text=True, timeout=240)


def _broker(tls: bool):
    """The address of the local SASL (or SASL_SSL) broker: the running one, or one started here
    (on free ports) and stopped at the end of the session."""
    status = _script("status", tls)
    if status.returncode == 0:
        yield re.search(r"running: (\S+)", status.stdout).group(1)
        return
    started = _script("start", tls, OMSORG_KAFKA_PORT=str(free_port()), OMSORG_KAFKA_CONTROLLER_PORT=str(free_port()))
    assert started.returncode == 0, f"the broker did not start:\n{started.stdout}\n{started.stderr}"
    try:
        yield re.search(r"running: (\S+)", started.stdout).group(1)
    finally:
        _script("stop", tls)


@pytest.fixture(scope="session")
def sasl_broker():
    yield from _broker(tls=False)


@pytest.fixture(scope="session")
def sasl_ssl_broker():
    yield from _broker(tls=True)


def _login(protocol: str, password: str = DEV_KAFKA_PASSWORD) -> dict[str, str]:
    login = {"OMSORG_KAFKA_SECURITY_PROTOCOL": protocol, "OMSORG_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
             "OMSORG_KAFKA_USERNAME": USERNAME, "OMSORG_KAFKA_PASSWORD": password}
    if protocol == "SASL_SSL":
        login["OMSORG_KAFKA_SSL_CAFILE"] = _script("cafile", tls=True).stdout.strip()
    return login


@pytest.fixture(params=["SASL_PLAINTEXT", "SASL_SSL"])
def secured_env(request, env):
    """A test environment whose services (and the test's own clients) log in to a secured broker."""
    protocol = request.param
    env.kafka_bootstrap = request.getfixturevalue("sasl_ssl_broker" if protocol == "SASL_SSL" else "sasl_broker")
    env.kafka_env = _login(protocol)
    return env


async def test_outbox_relay_and_consumer_work_through_the_login(secured_env):
    env = secured_env
    registry, journal = env.start("registry"), env.start("journal")
    await registry.wait_ready()
    await journal.wait_ready()
    case_id = await _open_case(env, registry)

    async def consumed():
        return (await _journal_counts(env, case_id))[0] == 1
    assert await eventually(consumed, timeout=30), f"the journal never saw the case:\n{journal.log_tail()}"
    published = [r for r in await read_topic(env.settings, env.topic("registry.events"), at_least=1)
                 if r.key == case_id.encode() and dict(r.headers).get("ce_type") == b"case.opened"]
    assert len(published) == 1
    assert await read_topic(env.settings, env.topic("registry.events.dlq"), timeout=2) == []


async def test_a_wrong_password_stops_the_service_with_a_clear_error(secured_env):
    env = secured_env
    protocol = env.kafka_env["OMSORG_KAFKA_SECURITY_PROTOCOL"]
    wrong = "not-the-password-of-the-omsorg-user"
    registry = env.start("registry", **_login(protocol, wrong))
    assert await registry.wait_exit(timeout=60) != 0  # refused, not hanging
    log = registry.log_path.read_text(errors="replace")
    assert f"cannot connect to Kafka at {env.kafka_bootstrap} ({protocol} SCRAM-SHA-512 as 'omsorg')" in log, log
    assert "invalid credentials" in log, log
    assert wrong not in log and DEV_KAFKA_PASSWORD not in log


async def test_a_client_without_a_login_gets_nothing_from_the_sasl_broker(env, sasl_broker):
    env.kafka_bootstrap, env.kafka_env = sasl_broker, {}
    registry = env.start("registry")
    assert await registry.wait_exit(timeout=60) != 0
    assert f"cannot connect to Kafka at {env.kafka_bootstrap} (PLAINTEXT)" in registry.log_path.read_text()


async def test_a_broker_certificate_that_does_not_verify_is_refused(env, sasl_ssl_broker):
    # Without the local CA the client trusts only the system's CAs, which did not sign the broker.
    env.kafka_bootstrap, env.kafka_env = sasl_ssl_broker, _login("SASL_SSL")
    del env.kafka_env["OMSORG_KAFKA_SSL_CAFILE"]
    registry = env.start("registry")
    assert await registry.wait_exit(timeout=60) != 0
    log = registry.log_path.read_text(errors="replace")
    assert "CERTIFICATE_VERIFY_FAILED" in log and "cannot connect to Kafka" in log, log
