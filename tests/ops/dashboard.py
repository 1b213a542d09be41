"""The Grafana dashboard's PromQL (deploy/grafana/dashboards/omsorg.json): every panel's
expressions, parsed, and the metric names they read."""
import json
from pathlib import Path

import promql_parser

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "omsorg.json"

# Grafana's own variables are not PromQL; they stand for a duration and a regular expression.
_GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "1m", "$__range": "1h", "$service": ".*"}


def load() -> dict:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def panels(dashboard: dict) -> list[dict]:
    """Every panel, those inside collapsed rows too."""
    found = []
    for panel in dashboard.get("panels", []):
        found.append(panel)
        found.extend(panel.get("panels", []))
    return found


def expressions(dashboard: dict) -> list[tuple[str, str]]:
    """(panel title, PromQL expression) of every query of every panel."""
    return [(panel["title"], target["expr"]) for panel in panels(dashboard)
            for target in panel.get("targets", []) if target.get("expr")]


def parse(expr: str) -> promql_parser.Expr:
    for variable, value in _GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return promql_parser.parse(expr)


def metric_names(expr: str) -> set[str]:
    """The names of the series an expression selects."""
    names: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            names.add(node.name)
        elif isinstance(node, promql_parser.MatrixSelector):
            walk(node.vector_selector)
        elif isinstance(node, promql_parser.Call):
            for arg in node.args:
                walk(arg)
        elif isinstance(node, promql_parser.BinaryExpr):
            walk(node.lhs)
            walk(node.rhs)
        elif isinstance(node, (promql_parser.AggregateExpr, promql_parser.ParenExpr,
                               promql_parser.UnaryExpr, promql_parser.SubqueryExpr)):
            walk(node.expr)

    walk(parse(expr))
    return names
