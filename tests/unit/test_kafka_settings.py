"""How the services reach Kafka: OMSORG_KAFKA_* settings, production's refusals, and the
options every producer, consumer and admin client is built with."""
import logging
import os
import secrets
import ssl
import subprocess

import pytest

from shared.kafka import describe_connection, kafka_options
from shared.settings import DEV_KAFKA_PASSWORD, SECRETS, Settings

PROD = {name: secrets.token_hex(32) for name in SECRETS}
STRONG = secrets.token_hex(32)


@pytest.fixture(autouse=True)
def no_kafka_settings_from_the_environment(monkeypatch):
    """The defaults are what is tested here, not the broker this run of the tests happens to use."""
    for name in [n for n in os.environ if n.startswith("OMSORG_KAFKA_")]:
        monkeypatch.delenv(name)


def prod(**kafka) -> Settings:
    return Settings(env="prod", **PROD, **kafka)


def test_defaults_are_the_local_plaintext_broker_with_one_replica():
    s = prod()
    assert (s.kafka_security_protocol, s.kafka_topic_partitions, s.kafka_replication_factor) == ("PLAINTEXT", 3, 1)
    assert kafka_options(s) == {"bootstrap_servers": "127.0.0.1:19092", "security_protocol": "PLAINTEXT"}


@pytest.mark.parametrize("protocol", ["PLAINTEXT", "SASL_PLAINTEXT"])
def test_production_refuses_unencrypted_traffic_to_a_remote_broker(protocol):
    login = {"kafka_username": "omsorg", "kafka_password": STRONG} if protocol.startswith("SASL") else {}
    with pytest.raises(ValueError, match="unencrypted to kafka-1.kommun.se:9092"):
        prod(kafka_bootstrap="127.0.0.1:9092,kafka-1.kommun.se:9092", kafka_security_protocol=protocol, **login)
    # ... unless the operator says so; then it is warned about.
    assert prod(kafka_bootstrap="kafka-1.kommun.se:9092", kafka_security_protocol=protocol,
                kafka_allow_plaintext=True, **login)
    # Loopback never leaves the machine; dev and test are for local brokers.
    assert prod(kafka_bootstrap="localhost:9092,[::1]:9092", kafka_security_protocol=protocol, **login)
    assert Settings(env="test", kafka_bootstrap="kafka:9092")


def test_allowing_plaintext_to_a_remote_broker_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="shared.settings"):
        prod(kafka_bootstrap="kafka-1.kommun.se:9092", kafka_allow_plaintext=True)
    assert "not encrypted" in caplog.text


def test_sasl_needs_a_username_and_in_production_a_strong_password():
    with pytest.raises(ValueError, match="OMSORG_KAFKA_USERNAME must be set"):
        Settings(env="test", kafka_security_protocol="SASL_SSL", kafka_password="x")
    with pytest.raises(ValueError, match="OMSORG_KAFKA_PASSWORD must be set"):
        Settings(env="test", kafka_security_protocol="SASL_SSL", kafka_username="omsorg")
    for weak in (None, "kort", DEV_KAFKA_PASSWORD):
        with pytest.raises(ValueError, match="OMSORG_KAFKA_PASSWORD"):
            prod(kafka_bootstrap="kafka-1.kommun.se:9093", kafka_security_protocol="SASL_SSL",
                 kafka_username="omsorg", kafka_password=weak)
    assert Settings(env="test", kafka_security_protocol="SASL_PLAINTEXT", kafka_username="omsorg",
                    kafka_password=DEV_KAFKA_PASSWORD)


def test_credentials_or_certificates_that_would_go_unused_are_refused():
    with pytest.raises(ValueError, match="does not authenticate"):
        Settings(env="test", kafka_username="omsorg", kafka_password=STRONG)
    with pytest.raises(ValueError, match="OMSORG_KAFKA_SSL_CAFILE is set but .* does not use TLS"):
        Settings(env="test", kafka_security_protocol="SASL_PLAINTEXT", kafka_username="omsorg",
                 kafka_password=STRONG, kafka_ssl_cafile="/etc/ssl/ca.pem")
    with pytest.raises(ValueError, match="needs OMSORG_KAFKA_SSL_CERTFILE"):
        Settings(env="test", kafka_security_protocol="SSL", kafka_ssl_keyfile="/etc/ssl/key.pem")
    with pytest.raises(ValueError):
        Settings(env="test", kafka_security_protocol="SASL_GSSAPI")
    with pytest.raises(ValueError):
        Settings(env="test", kafka_replication_factor=0)


def test_the_password_is_never_shown():
    s = Settings(env="test", kafka_security_protocol="SASL_PLAINTEXT", kafka_username="omsorg",
                 kafka_password=STRONG)
    assert STRONG not in repr(s) and STRONG not in str(s)
    assert STRONG not in describe_connection(s)
    assert describe_connection(s) == "127.0.0.1:19092 (SASL_PLAINTEXT SCRAM-SHA-512 as 'omsorg')"


def test_sasl_ssl_options_carry_the_login_and_a_verifying_tls_context(tmp_path):
    ca_key, ca = tmp_path / "ca.key", tmp_path / "ca.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key),
                    "-out", str(ca), "-days", "1", "-subj", "/CN=omsorg-test-ca"], check=True, capture_output=True)
    s = prod(kafka_bootstrap="kafka-1.kommun.se:9093", kafka_security_protocol="SASL_SSL",
             kafka_sasl_mechanism="SCRAM-SHA-256", kafka_username="omsorg", kafka_password=STRONG,
             kafka_ssl_cafile=str(ca), kafka_ssl_certfile=str(ca), kafka_ssl_keyfile=str(ca_key))
    options = kafka_options(s)
    context = options.pop("ssl_context")
    assert options == {"bootstrap_servers": "kafka-1.kommun.se:9093", "security_protocol": "SASL_SSL",
                       "sasl_mechanism": "SCRAM-SHA-256", "sasl_plain_username": "omsorg",
                       "sasl_plain_password": STRONG}
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert [c["subject"] for c in context.get_ca_certs()] == [((("commonName", "omsorg-test-ca"),),)]
