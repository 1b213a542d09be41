"""`make bench` before and after a change, interleaved on the same machine, database and broker.

    python -m bench.before_after REV [--rounds 3] [--summary "--seconds 8"]

Checks out REV (a commit, tag or branch) in a worktree of its own under .local/before-after/,
makes its venv, and runs the summary benchmark (`python -m bench summary`, each side with its
own code) alternately: REV, this checkout, REV, this checkout... Each run's ratios are to the
baselines measured in that same run, so the two sides compare by ratio even when the machine's
speed drifts between runs. Prints, per endpoint, the median ratio of each side with every run's
figure, and marks an endpoint `slower` when the median of this checkout lies above every run of
REV (outside the run-to-run spread), `faster` when below every run of REV.

Endpoints are matched by their name before the brackets ("occurrences (GET /occurrences?pin=)"
and "occurrences (POST /occurrences/search)" are one endpoint); an endpoint on one side only is
listed without a verdict. Each run's whole output is kept in .local/before-after/runs/.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".local" / "before-after"
ROW = re.compile(r"^\| (?P<name>[^|]+?) \|(?:[^|]*\|){6} (?P<p50>[\d.]+)x \| (?P<p99>[\d.]+)x \|")


def checkout(rev: str) -> Path:
    """A worktree of `rev` with its venv made (and vegeta copied in, when this checkout has it)."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    tree = WORK / sha
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=ROOT, check=True)
    vegeta = ROOT / ".local" / "bin" / "vegeta"
    if vegeta.exists():
        (tree / ".local" / "bin").mkdir(parents=True, exist_ok=True)
        shutil.copy2(vegeta, tree / ".local" / "bin" / "vegeta")
    print(f"making the venv of {sha} in {tree} ...", flush=True)
    subprocess.run(["make", "venv"], cwd=tree, check=True, stdout=subprocess.DEVNULL)
    return tree


def ratios(output: str) -> dict[str, tuple[float, float]]:
    """(p50 ratio, p99 ratio) per endpoint of one summary run's table; baselines left out."""
    found = {}
    for line in output.splitlines():
        match = ROW.match(line)
        if match and "(baseline)" not in line and "(reference)" not in line:
            found[match["name"].split(" (")[0].strip()] = (float(match["p50"]), float(match["p99"]))
    return found


def run(tree: Path, label: str, n: int, extra: list[str]) -> dict[str, tuple[float, float]]:
    started = time.monotonic()
    print(f"run {n} of {label} ...", end=" ", flush=True)
    answer = subprocess.run([str(tree / ".venv" / "bin" / "python"), "-m", "bench", "summary", *extra],
                            cwd=tree, capture_output=True, text=True, env=os.environ)
    (WORK / "runs").mkdir(parents=True, exist_ok=True)
    (WORK / "runs" / f"{label}-{n}.txt").write_text(answer.stdout + answer.stderr)
    if answer.returncode != 0:
        sys.exit(f"the summary benchmark of {label} failed (exit {answer.returncode}):\n{answer.stderr[-3000:]}")
    found = ratios(answer.stdout)
    if not found:
        sys.exit(f"no table in the output of {label}'s run; see {WORK / 'runs'}")
    print(f"{time.monotonic() - started:.0f} s", flush=True)
    return found


def verdict(before: list[float], now: list[float]) -> str:
    if not before or not now:
        return ""
    median = statistics.median(now)
    return "slower" if median > max(before) else "faster" if median < min(before) else ""


def table(label_before: str, runs_before: list[dict], runs_now: list[dict]) -> str:
    names = list(dict.fromkeys([*runs_now[0], *runs_before[0]]))
    lines = [f"| endpoint | p50 ratio {label_before} | p50 ratio now | | p99 ratio {label_before} | p99 ratio now | |",
             "|---|---|---|---|---|---|---|"]

    def cell(values: list[float]) -> str:
        return f"{statistics.median(values):.2f}x ({'/'.join(f'{v:.2f}' for v in values)})" if values else "—"

    for name in names:
        row = [name]
        for i in (0, 1):
            before = [r[name][i] for r in runs_before if name in r]
            now = [r[name][i] for r in runs_now if name in r]
            row += [cell(before), cell(now), verdict(before, now)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rev", help="the commit to compare this checkout with")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each side, alternating")
    parser.add_argument("--summary", default="", help="options for each summary run, e.g. \"--seconds 8\"")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    for variable in ("OMSORG_DATABASE_URL", "OMSORG_KAFKA_BOOTSTRAP"):
        if not os.environ.get(variable):
            sys.exit(f"{variable} is not set: run through deploy/local/with-infra.sh (make bench-before-after)")
    tree = checkout(args.rev)
    label = tree.name
    extra = args.summary.split()
    before, now = [], []
    for n in range(1, args.rounds + 1):
        before.append(run(tree, label, n, extra))
        now.append(run(ROOT, "now", n, extra))
    print(f"\nInterleaved: {args.rounds} runs of {label} and {args.rounds} of this checkout; medians of the ratios to"
          " each run's own baselines, each run's figure in brackets. `slower`: this checkout's median above every"
          f" run of {label}; `faster`: below every one.\n")
    print(table(label, before, now))


if __name__ == "__main__":
    main()
