"""The alerting rules (deploy/prometheus/alerts.yml) pass `promtool check rules` and their unit
tests with input series (`promtool test rules deploy/prometheus/alerts.test.yml`). promtool is
pinned and installed with `go install` into .local/bin on first use (deploy/local/promtool.sh;
minutes the first time); if it cannot be installed the test fails and says why."""
import subprocess

import pytest
import yaml

from tests.ops import dashboard

ROOT = dashboard.ROOT
PROMTOOL = ROOT / "deploy" / "local" / "promtool.sh"
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
RULE_TESTS = ROOT / "deploy" / "prometheus" / "alerts.test.yml"


def rules() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"] for rule in group["rules"]]


def alert_metrics() -> set[str]:
    """The metric names the alerting rules read."""
    return {name for rule in rules() for name in dashboard.metric_names(rule["expr"])}


def promtool(*args: str) -> subprocess.CompletedProcess:
    # The first call on a fresh machine builds promtool (`go install` of the Prometheus module):
    # about 50 minutes on a busy 2-core machine, far less on an idle one; then about a second.
    try:
        return subprocess.run([str(PROMTOOL), *args], cwd=ROOT, capture_output=True, text=True, timeout=3600)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"promtool did not finish in {exc.timeout} s (installing it?): {exc.stderr}")


@pytest.fixture(scope="module")
def installed():
    done = promtool("--version")
    if done.returncode != 0:
        pytest.fail(f"promtool could not be installed or run by {PROMTOOL.relative_to(ROOT)} "
                    f"(exit {done.returncode}); it needs Go and network access the first time:\n{done.stderr}")


def test_every_alert_has_a_severity_a_summary_and_reads_omsorg_metrics():
    assert {rule["alert"] for rule in rules()} >= {
        "OmsorgConsumerLagHigh", "OmsorgOutboxOldestEventOld", "OmsorgTimersLate", "OmsorgDeadLetters",
        "OmsorgHttpServerErrors"}
    for rule in rules():
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert dashboard.metric_names(rule["expr"]), rule["alert"]


def test_promtool_checks_the_rules(installed):
    done = promtool("check", "rules", str(RULES))
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_unit_tests_of_the_rules_pass(installed):
    done = promtool("test", "rules", str(RULE_TESTS))
    assert done.returncode == 0, done.stdout + done.stderr
    tested = {case["alertname"] for group in yaml.safe_load(RULE_TESTS.read_text(encoding="utf-8"))["tests"]
              for case in group.get("alert_rule_test", [])}
    assert tested == {rule["alert"] for rule in rules()}, "every alert has a unit test"
