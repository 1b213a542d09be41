"""Static checks of the container setup: docker-compose.yml, the collector, Prometheus and
Grafana configs, the dashboard and the Dockerfile.

No Docker needed; the one test that calls `docker compose config` skips itself when
there is no usable Docker.
"""
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.ops import dashboard as omsorg_dashboard

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

APP_SERVICES = {"registry": 8001, "journal": 8002, "orders": 8003, "watch": 8004, "notify": 8005}
WEB_PORT = 8006
ISSUER_PORT = 8007
INFRA_SERVICES = ("kafka", "postgres", "otel-collector", "jaeger", "mailpit", "prometheus", "grafana")


# --- helpers --------------------------------------------------------------------------------

def _load_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose() -> dict:
    return _load_compose()


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def env_of(service: dict) -> dict[str, str]:
    """`environment` as a dict of strings, whether written as a mapping or as KEY=VALUE items."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {k: (None if v is None else str(v)) for k, v in env.items()}


def command_of(service: dict) -> list[str]:
    cmd = service.get("command")
    return shlex.split(cmd) if isinstance(cmd, str) else [str(c) for c in cmd or []]


def published_ports(service: dict) -> set[tuple[int, int]]:
    """(host port, container port) pairs from short ("8001:8001", "127.0.0.1:8001:8001")
    or long ({published, target}) syntax."""
    pairs = set()
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            if entry.get("published") is not None:
                pairs.add((int(entry["published"]), int(entry["target"])))
            continue
        parts = str(entry).split("/")[0].split(":")
        if len(parts) >= 2:
            pairs.add((int(parts[-2]), int(parts[-1])))
    return pairs


def depends_conditions(service: dict) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):  # short syntax means service_started
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def container_files(service: dict) -> dict[str, str]:
    """Bind mounts as {container path: host path}."""
    mounts = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            if volume.get("type") == "bind":
                mounts[volume["target"]] = volume["source"]
            continue
        source, target = str(volume).split(":")[:2]
        mounts[target] = source
    return mounts


def collector_config_path(services) -> Path:
    mounts = container_files(services["otel-collector"])
    host_paths = [ROOT / src for src in mounts.values() if src.endswith((".yaml", ".yml"))]
    assert len(host_paths) == 1, f"expected one mounted collector config, got {mounts}"
    return host_paths[0].resolve()


# --- docker-compose.yml ----------------------------------------------------------------------

def test_compose_file_parses_as_a_compose_spec_document():
    compose = _load_compose()
    assert isinstance(compose, dict)
    assert "version" not in compose, "the Compose spec has no `version:` key"
    assert isinstance(compose.get("services"), dict) and compose["services"]
    assert "x-service" in compose, "the common part of the app services lives in `x-service`"


def test_all_expected_services_are_defined(services):
    missing = (set(APP_SERVICES) | set(INFRA_SERVICES)) - set(services)
    assert not missing, f"missing services: {sorted(missing)}"


@pytest.mark.parametrize("name,port", APP_SERVICES.items())
def test_app_service_command_and_port(services, name, port):
    service = services[name]
    assert command_of(service) == ["python", "-m", f"services.{name}.main"]
    assert (port, port) in published_ports(service)
    env = env_of(service)
    # If the listening port is set explicitly, it must be the published one.
    assert env.get("OMSORG_PORT", str(port)) == str(port)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_is_built_from_the_project_dockerfile(services, name):
    build = services[name].get("build")
    assert build is not None, f"{name} must be built from the Dockerfile"
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (ROOT / context).resolve() == ROOT
    assert (ROOT / context / dockerfile).resolve() == DOCKERFILE


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_environment_points_at_the_compose_services(services, name):
    env = env_of(services[name])
    for key in ("OMSORG_DATABASE_URL", "OMSORG_KAFKA_BOOTSTRAP", "OMSORG_OTEL_ENDPOINT"):
        assert env.get(key), f"{name} lacks {key}"
    assert env.get("OMSORG_ENV") == "dev"
    assert env.get("OMSORG_HOST") == "0.0.0.0", "inside a container the API must listen on all interfaces"

    db = urlsplit(env["OMSORG_DATABASE_URL"])
    assert db.scheme in ("postgresql", "postgres")
    assert (db.hostname, db.port or 5432) == ("postgres", 5432)
    pg_env = env_of(services["postgres"])
    assert (db.username, db.password, db.path.lstrip("/")) == (
        pg_env["POSTGRES_USER"], pg_env["POSTGRES_PASSWORD"], pg_env["POSTGRES_DB"])

    assert env["OMSORG_KAFKA_BOOTSTRAP"] == "kafka:9092"

    otel = urlsplit(env["OMSORG_OTEL_ENDPOINT"])
    assert (otel.scheme, otel.hostname, otel.port) == ("http", "otel-collector", 4318), \
        "OMSORG_OTEL_ENDPOINT is the collector's OTLP/HTTP base URL"


def test_notify_sends_mail_to_mailpit(services):
    env = env_of(services["notify"])
    assert env.get("OMSORG_SMTP_HOST") == "mailpit"
    assert env.get("OMSORG_SMTP_PORT") == "1025"


def test_the_web_is_built_like_the_services_and_reaches_each_service_by_its_compose_name(services):
    web = services["web"]
    assert command_of(web) == ["python", "-m", "services.web.main"]
    assert (WEB_PORT, WEB_PORT) in published_ports(web)
    env = env_of(web)
    assert env.get("OMSORG_PORT") == str(WEB_PORT) and env.get("OMSORG_HOST") == "0.0.0.0"
    assert env.get("OMSORG_ENV") == "dev"
    for name, port in APP_SERVICES.items():
        assert env.get(f"OMSORG_{name.upper()}_URL") == f"http://{name}:{port}", name
    # The web holds no data: no database, broker or personal-data keys reach it.
    assert not {"OMSORG_DATABASE_URL", "OMSORG_KAFKA_BOOTSTRAP", "OMSORG_PERSON_REF_KEY"} & set(env)
    # People sign in at the issuer the services trust.
    assert env.get("OMSORG_OIDC_ISSUERS") == env_of(services["registry"]).get("OMSORG_OIDC_ISSUERS")
    assert depends_conditions(web) == {name: "service_healthy" for name in (*APP_SERVICES, "issuer")}
    test = " ".join(web["healthcheck"]["test"])
    assert "urllib" in test and "/ready" in test and "OMSORG_PORT" in test


def test_the_dockerfile_exposes_every_port_compose_publishes():
    exposed = {int(port) for keyword, rest in _dockerfile_instructions() if keyword == "EXPOSE"
               for port in rest.split()}
    assert exposed == set(APP_SERVICES.values()) | {WEB_PORT, ISSUER_PORT}


# --- sign-in: the development OIDC issuer, production's path --------------------------------------

def settings_of(monkeypatch, service: dict, kind):
    """`kind` (Settings, WebSettings, IssuerSettings) as the service's process reads it from its
    environment, and nothing else of this process's OMSORG_* variables."""
    for name in [n for n in os.environ if n.startswith("OMSORG_")]:
        monkeypatch.delenv(name)
    for name, value in env_of(service).items():
        monkeypatch.setenv(name, value)
    return kind()


def test_compose_runs_the_development_issuer_from_the_image(services):
    issuer = services["issuer"]
    assert command_of(issuer) == ["python", "-m", "services.issuer.main"]
    assert issuer.get("build") == services["registry"].get("build")
    assert (ISSUER_PORT, ISSUER_PORT) in published_ports(issuer)
    env = env_of(issuer)
    assert env["OMSORG_ENV"] == "dev" and env["OMSORG_HOST"] == "0.0.0.0" and env["OMSORG_PORT"] == str(ISSUER_PORT)
    assert " ".join(issuer["healthcheck"]["test"]) == " ".join(services["registry"]["healthcheck"]["test"])
    assert not {"OMSORG_DATABASE_URL", "OMSORG_KAFKA_BOOTSTRAP", "OMSORG_PERSON_REF_KEY"} & set(env)


def test_every_service_and_the_web_trust_the_issuer_by_the_name_it_gives_itself(services, monkeypatch):
    from services.issuer.settings import IssuerSettings
    from services.web.settings import WebSettings
    from shared.settings import Settings

    issuer = settings_of(monkeypatch, services["issuer"], IssuerSettings)
    name = urlsplit(issuer.issuer_url)
    # One URL for the browser and the containers: a browser takes a *.localhost name to this machine
    # (where the port is published), and inside the network the name is the issuer's alias.
    assert name.scheme == "http" and name.hostname.endswith(".localhost") and name.port == ISSUER_PORT
    assert name.hostname in services["issuer"]["networks"]["default"]["aliases"]
    for service in APP_SERVICES:
        settings = settings_of(monkeypatch, services[service], Settings)
        assert [i.issuer for i in settings.oidc_issuers] == [issuer.issuer_url], service
        assert settings.jwt_secret is None, f"{service} would take HS256 tokens"
        assert "OMSORG_JWT_SECRET" not in env_of(services[service])
    web = settings_of(monkeypatch, services["web"], WebSettings)
    assert web.sign_in_config.issuer == issuer.issuer_url
    assert "OMSORG_JWT_SECRET" not in env_of(services["web"])


def test_the_issuer_knows_the_web_as_compose_publishes_it_and_keeps_its_keys(compose, services, monkeypatch):
    from services.issuer.clients import load_clients
    from services.issuer.settings import IssuerSettings

    issuer = settings_of(monkeypatch, services["issuer"], IssuerSettings)
    mounts = container_files(services["issuer"])
    clients = load_clients(ROOT / mounts[str(issuer.issuer_clients_file)])
    assert clients["omsorg-web"].may_return_to(f"http://127.0.0.1:{WEB_PORT}/auth/callback")
    assert clients["omsorg-web"].may_return_after_logout_to(f"http://127.0.0.1:{WEB_PORT}/sign-in")
    # The keys are in a named volume, in a folder the image makes for its non-root user.
    volume = mounts[str(issuer.issuer_key_dir)]
    assert volume in (compose.get("volumes") or {})
    runs = " ".join(rest for keyword, rest in _dockerfile_instructions() if keyword == "RUN")
    assert re.search(rf"install -d -o omsorg -g omsorg -m 700 {re.escape(str(issuer.issuer_key_dir))}\b", runs)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_waits_for_healthy_kafka_and_postgres(services, name):
    conditions = depends_conditions(services[name])
    assert conditions.get("kafka") == "service_healthy"
    assert conditions.get("postgres") == "service_healthy"


def test_every_dependency_exists_and_healthy_ones_have_a_healthcheck(services):
    for name, service in services.items():
        for dep, condition in depends_conditions(service).items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            if condition == "service_healthy":
                assert services[dep].get("healthcheck", {}).get("test"), \
                    f"{name} waits for {dep} to be healthy, but {dep} has no healthcheck"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_healthcheck_uses_python_against_its_own_endpoint(services, name):
    test = services[name].get("healthcheck", {}).get("test")
    assert test, f"{name} has no healthcheck"
    text = " ".join(test) if isinstance(test, list) else test
    assert "curl" not in text and "wget" not in text, "python:3.11-slim has neither curl nor wget"
    assert "python" in text and "urllib" in text
    assert re.search(r"/(ready|health)\b", text)
    assert "$" not in text, "a `$` would be interpolated by Compose"
    # The port comes either literally or from OMSORG_PORT, which must then be this service's.
    port = APP_SERVICES[name]
    assert str(port) in text or ("OMSORG_PORT" in text and env_of(services[name])["OMSORG_PORT"] == str(port))


def test_kafka_is_a_single_kraft_node(services):
    kafka = services["kafka"]
    assert kafka["image"] == "apache/kafka:4.1.1"
    env = env_of(kafka)
    assert env["KAFKA_NODE_ID"] == "1"
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093"
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] == "CONTROLLER"
    listeners = dict(item.split("://", 1) for item in env["KAFKA_LISTENERS"].split(","))
    assert listeners["PLAINTEXT"].endswith(":9092") and listeners["CONTROLLER"].endswith(":9093")
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    protocol_map = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert {"PLAINTEXT", "CONTROLLER"} <= set(protocol_map)
    for key in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"):
        assert env[key] == "1", key
    assert env["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
    assert kafka.get("healthcheck", {}).get("test")


def test_postgres_has_credentials_healthcheck_and_named_volume(compose, services):
    postgres = services["postgres"]
    assert str(postgres["image"]).split(":")[1].startswith("15")
    env = env_of(postgres)
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"], env["POSTGRES_DB"]) == ("omsorg",) * 3
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    named = [str(v).split(":")[0] for v in postgres.get("volumes", []) if not str(v).startswith((".", "/"))]
    assert named, "postgres keeps its data in a named volume"
    assert all(volume in (compose.get("volumes") or {}) for volume in named)


def test_tracing_and_mail_services(services):
    collector = services["otel-collector"]
    assert "opentelemetry-collector" in collector["image"]
    assert {4317, 4318} <= {target for _, target in published_ports(collector)} | set(_exposed(collector))

    jaeger = services["jaeger"]
    assert jaeger["image"].split(":")[0] in ("jaegertracing/all-in-one", "jaegertracing/jaeger")
    assert (16686, 16686) in published_ports(jaeger)
    assert env_of(jaeger).get("COLLECTOR_OTLP_ENABLED", "").lower() == "true"

    mailpit = services["mailpit"]
    assert mailpit["image"].split(":")[0] == "axllent/mailpit"
    assert {1025, 8025} <= {target for _, target in published_ports(mailpit)}


def _exposed(service: dict) -> list[int]:
    return [int(str(p).split("/")[0]) for p in service.get("expose") or []]


# --- deploy/otel-collector.yaml -----------------------------------------------------------

def test_collector_config_is_mounted_exists_and_parses(services):
    path = collector_config_path(services)
    assert path == (ROOT / "deploy" / "otel-collector.yaml").resolve()
    assert path.is_file()
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(config, dict)
    # The collector must actually be told to read the mounted file.
    mounts = container_files(services["otel-collector"])
    target = next(t for t, s in mounts.items() if (ROOT / s).resolve() == path)
    command = " ".join(command_of(services["otel-collector"]))
    assert target in command or target == "/etc/otelcol-contrib/config.yaml"  # the image's default


def test_collector_receives_otlp_and_exports_traces_to_jaeger(services):
    config = yaml.safe_load(collector_config_path(services).read_text(encoding="utf-8"))
    protocols = config["receivers"]["otlp"]["protocols"]
    # Since collector 0.104 receivers bind to localhost unless told otherwise.
    assert protocols["grpc"]["endpoint"] == "0.0.0.0:4317"
    assert protocols["http"]["endpoint"] == "0.0.0.0:4318"
    assert "batch" in config["processors"]
    assert "debug" in config["exporters"]

    to_jaeger = [name for name, exporter in config["exporters"].items()
                 if name.split("/")[0] == "otlp" and (exporter or {}).get("endpoint") == "jaeger:4317"]
    assert len(to_jaeger) == 1, "one OTLP exporter to jaeger:4317"
    assert config["exporters"][to_jaeger[0]]["tls"]["insecure"] is True
    assert "jaeger" in services

    pipelines = config["service"]["pipelines"]
    traces = pipelines["traces"]
    assert "otlp" in traces["receivers"]
    assert "batch" in traces["processors"]
    assert to_jaeger[0] in traces["exporters"]
    for name, pipeline in pipelines.items():
        for kind in ("receivers", "processors", "exporters"):
            for component in pipeline.get(kind, []):
                assert component in config[kind], f"pipeline {name} uses undefined {kind[:-1]} {component}"


# --- bind mounts, Prometheus, Grafana and the dashboard ----------------------------------------

def test_every_file_or_folder_mounted_from_the_project_exists(services):
    mounted = 0
    for name, service in services.items():
        for target, source in container_files(service).items():
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), f"{name} mounts {source} at {target}, which does not exist"
                mounted += 1
    assert mounted >= 4  # the collector's, Prometheus's and Grafana's two


def _mounted_at(service: dict, target: str) -> Path:
    mounts = container_files(service)
    assert target in mounts, f"nothing is mounted at {target}: {mounts}"
    return (ROOT / mounts[target]).resolve()


def test_prometheus_config_is_mounted_parses_and_scrapes_every_service(services):
    prometheus = services["prometheus"]
    assert str(prometheus["image"]).split(":")[0] in ("prom/prometheus", "quay.io/prometheus/prometheus")
    path = _mounted_at(prometheus, "/etc/prometheus/prometheus.yml")
    assert path == (ROOT / "deploy" / "prometheus" / "prometheus.yml").resolve()
    command = " ".join(command_of(prometheus))
    assert not command or "--config.file=/etc/prometheus/prometheus.yml" in command
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    jobs = {}
    for job in config["scrape_configs"]:
        assert job.get("metrics_path", "/metrics") == "/metrics"
        assert job.get("scheme", "http") == "http"
        jobs[job["job_name"]] = {t for static in job.get("static_configs", []) for t in static["targets"]}
    # One job per service, named after it: the dashboard's `job` label is the service.
    assert jobs == {name: {f"{name}:{port}"} for name, port in APP_SERVICES.items()}
    for name, port in APP_SERVICES.items():
        assert env_of(services[name]).get("OMSORG_PORT") == str(port)
    # The alerting rules are mounted where rule_files (relative to the config) names them.
    assert config["rule_files"] == ["alerts.yml"]
    assert _mounted_at(prometheus, "/etc/prometheus/alerts.yml") == (ROOT / "deploy" / "prometheus" / "alerts.yml").resolve()


def _grafana_provisioning(services) -> tuple[Path, Path]:
    grafana = services["grafana"]
    assert str(grafana["image"]).split(":")[0] == "grafana/grafana"
    provisioning = _mounted_at(grafana, "/etc/grafana/provisioning")
    assert provisioning == (ROOT / "deploy" / "grafana" / "provisioning").resolve() and provisioning.is_dir()
    return provisioning, container_files(grafana)


def test_grafana_provisions_prometheus_as_its_data_source(services):
    provisioning, _ = _grafana_provisioning(services)
    sources = [source for path in sorted((provisioning / "datasources").glob("*.y*ml"))
               for source in yaml.safe_load(path.read_text(encoding="utf-8"))["datasources"]]
    assert [s["type"] for s in sources] == ["prometheus"]
    url = urlsplit(sources[0]["url"])
    assert (url.hostname, url.port) == ("prometheus", 9090)
    assert "prometheus" in services and 9090 in {t for _, t in published_ports(services["prometheus"])}
    # The dashboard's panels name this data source by uid.
    uids = {panel["datasource"]["uid"] for panel in omsorg_dashboard.panels(omsorg_dashboard.load())
            if panel.get("datasource")}
    assert uids == {sources[0]["uid"]}


def test_grafana_loads_the_dashboard_from_the_mounted_folder(services):
    provisioning, mounts = _grafana_provisioning(services)
    providers = [provider for path in sorted((provisioning / "dashboards").glob("*.y*ml"))
                 for provider in yaml.safe_load(path.read_text(encoding="utf-8"))["providers"]]
    assert len(providers) == 1 and providers[0]["type"] == "file"
    folder_in_container = providers[0]["options"]["path"]
    assert folder_in_container in mounts, f"Grafana reads dashboards from {folder_in_container}, not mounted"
    assert (ROOT / mounts[folder_in_container] / omsorg_dashboard.DASHBOARD.name).resolve() == \
        omsorg_dashboard.DASHBOARD.resolve()


def test_dashboard_parses_and_every_expression_is_promql():
    dashboard = omsorg_dashboard.load()
    assert dashboard["uid"] == "omsorg"
    ids = [panel["id"] for panel in omsorg_dashboard.panels(dashboard)]
    assert len(ids) == len(set(ids)), "panel ids are unique"
    expressions = omsorg_dashboard.expressions(dashboard)
    assert len(expressions) >= 8
    for title, expr in expressions:
        assert omsorg_dashboard.metric_names(expr), f"panel {title!r} reads no series: {expr}"


def _panels_reading(metric: str) -> list[str]:
    return [expr for _, expr in omsorg_dashboard.expressions(omsorg_dashboard.load())
            if metric in omsorg_dashboard.metric_names(expr)]


def test_dashboard_shows_request_rate_errors_and_p50_p99_per_service_and_route():
    counts = _panels_reading("http_server_request_duration_seconds_count")
    buckets = _panels_reading("http_server_request_duration_seconds_bucket")
    per_route = re.compile(r"by \(job, http_route\b")
    assert any(per_route.search(e) and "rate(" in e and "http_response_status_code" not in e for e in counts), "request rate"
    assert any(per_route.search(e) and 'http_response_status_code=~"5..' in e for e in counts), "error rate"
    for quantile in ("0.5", "0.99"):
        assert any(per_route.search(e) and e.startswith(f"histogram_quantile({quantile},") for e in buckets), quantile


@pytest.mark.parametrize("metric,grouped_by", [
    ("omsorg_consumer_lag", "group"),
    ("omsorg_outbox_backlog", "service"),
    ("omsorg_outbox_oldest_age_seconds", "service"),
    ("omsorg_watch_timers_due", None),
])
def test_dashboard_shows_lag_outbox_and_timers(metric, grouped_by):
    exprs = _panels_reading(metric)
    assert exprs, f"no panel shows {metric}"
    if grouped_by:
        assert any(re.search(rf"by \([^)]*\b{grouped_by}\b", e) for e in exprs), f"{metric} per {grouped_by}"


# --- Dockerfile -------------------------------------------------------------------------------

def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def test_dockerfile_base_is_python_311():
    assert DOCKERFILE.is_file()
    froms = [rest.split()[0] for keyword, rest in _dockerfile_instructions() if keyword == "FROM"]
    assert froms, "no FROM in the Dockerfile"
    assert all(image.startswith("python:3.11") for image in froms), froms


def test_dockerfile_installs_the_project_and_runs_as_non_root():
    instructions = _dockerfile_instructions()
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert re.search(r"pip install (--\S+ )*\.(\s|$)", runs), "the project is installed with `pip install .`"
    assert not re.search(r"pip install .*(-e|--editable)\b", runs)
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    final_stage = instructions[max(i for i, (k, _) in enumerate(instructions) if k == "FROM"):]
    assert any(k == "USER" for k, _ in final_stage), "the runtime stage sets a non-root USER"
    cmd = [rest for keyword, rest in instructions if keyword == "CMD"]
    assert cmd and "services.registry.main" in cmd[-1]


# --- optional: Docker's own validation ---------------------------------------------------------

def _docker_compose_usable() -> tuple[bool, str]:
    if shutil.which("docker") is None:
        return False, "no docker client"
    for args in (["docker", "compose", "version"], ["docker", "info"]):
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, f"`{' '.join(args)}` failed: {exc}"
        if done.returncode != 0:
            return False, f"`{' '.join(args)}` failed: {(done.stderr or done.stdout).strip()[:200]}"
    return True, ""


def test_docker_compose_config_is_valid():
    usable, reason = _docker_compose_usable()
    if not usable:
        pytest.skip(f"docker compose not usable here: {reason}")
    done = subprocess.run(["docker", "compose", "-f", str(COMPOSE_FILE), "config", "-q"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
