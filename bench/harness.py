"""What every benchmark uses: vegeta at a constant request rate (open loop), a bare
FastAPI baseline process, and a report of figures as ratios to the baseline.

Absolute times on a shared 2-core machine are noisy; ratios to a baseline measured in
the same run are what the targets are stated in.
"""
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".local" / "bin"
VEGETA_MODULE = "github.com/tsenart/vegeta/v12@v12.12.0"


def vegeta() -> str:
    """Path to vegeta, installed with `go install` into .local/bin on first use."""
    found = shutil.which("vegeta") or (str(BIN / "vegeta") if (BIN / "vegeta").exists() else None)
    if found:
        return found
    BIN.mkdir(parents=True, exist_ok=True)
    print(f"installing vegeta ({VEGETA_MODULE}) into {BIN} ...", file=sys.stderr)
    subprocess.run(["go", "install", VEGETA_MODULE], check=True, env={**os.environ, "GOBIN": str(BIN)})
    return str(BIN / "vegeta")


@dataclass
class Result:
    name: str
    rate: int
    requests: int
    success: float        # share of 2xx answers
    throughput: float     # successful requests per second
    p50_ms: float
    p99_ms: float
    max_ms: float

    def line(self) -> str:
        return (f"{self.name:<36} rate {self.rate:>5}/s  n {self.requests:>6}  ok {self.success:6.1%}  "
                f"thr {self.throughput:8.1f}/s  p50 {self.p50_ms:7.2f} ms  p99 {self.p99_ms:7.2f} ms")


def attack(name: str, targets: list[dict], *, rate: int, seconds: float) -> Result:
    """Send `targets` (vegeta JSON targets: method, url, header, body) round-robin at `rate`/s.

    Open loop: requests leave at the set rate whatever the answers' latency, so a slow
    server shows as high percentiles instead of silently lowering the load.
    """
    return report(name, rate, [attack_raw(targets, rate=rate, seconds=seconds)])


def attack_raw(targets: list[dict], *, rate: int, seconds: float) -> bytes:
    """As `attack`, but vegeta's results of every request as they are (its binary encoding), to
    report later together with others (`report`)."""
    with tempfile.TemporaryDirectory() as tmp:
        target_file = Path(tmp) / "targets.jsonl"
        target_file.write_text("\n".join(json.dumps(t) for t in targets) + "\n")
        return subprocess.run(
            [vegeta(), "attack", "-format=json", f"-targets={target_file}", f"-rate={rate}/s",
             f"-duration={seconds}s", "-timeout=10s", "-max-workers=256"],
            check=True, capture_output=True,
        ).stdout


def report(name: str, rate: int, raws: list[bytes], *, seconds: float | None = None) -> Result:
    """The figures of every request of one or more attacks (`attack_raw`) together: percentiles
    over all of them. The throughput of several attacks is their successful requests over
    `seconds`, their time under load (vegeta's own would count the time between them)."""
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, raw in enumerate(raws):
            files.append(Path(tmp) / f"{i}.bin")
            files[-1].write_bytes(raw)
        data = json.loads(subprocess.run([vegeta(), "report", "-type=json", *map(str, files)],
                                         check=True, capture_output=True).stdout)
    lat = data["latencies"]
    throughput = data["throughput"] if len(raws) == 1 or not seconds else data["requests"] * data["success"] / seconds
    return Result(name=name, rate=rate, requests=data["requests"], success=data["success"],
                  throughput=throughput, p50_ms=lat["50th"] / 1e6, p99_ms=lat["99th"] / 1e6,
                  max_ms=lat["max"] / 1e6)


def target(method: str, url: str, *, headers: dict[str, str] | None = None, body: bytes | str | None = None) -> dict:
    import base64

    t = {"method": method, "url": url, "header": {k: [v] for k, v in (headers or {}).items()}}
    if body is not None:
        raw = body.encode() if isinstance(body, str) else body
        t["body"] = base64.b64encode(raw).decode()
    return t


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 of latency samples."""
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49], q[98]


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy since boot, all cores (/proc/stat: all but idle
    and iowait): between two readings, what every process together used, the services, PostgreSQL,
    Kafka, the load generator and the benchmark itself."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


BROKER_PID_FILE = ROOT / ".local" / "kafka" / "broker.pid"


def broker_jit_ms() -> float | None:
    """Time the local Kafka broker's JVM has spent compiling code so far, in ms (`jstat -compiler`;
    its compiler threads run beside the broker's own). None when the broker was not started by
    deploy/local/kafka.sh or the JDK has no jstat. A broker started minutes before a run is still
    compiling the paths the run takes, on the cores the services share (docs/performance.md)."""
    jstat = shutil.which("jstat")
    try:
        pid = BROKER_PID_FILE.read_text().strip()
    except OSError:
        return None
    if jstat is None or not pid.isdigit():
        return None
    return compile_ms(subprocess.run([jstat, "-compiler", pid], capture_output=True, text=True, timeout=30).stdout)


def compile_ms(jstat_compiler: str) -> float | None:
    """The compile time in ms from `jstat -compiler`'s output (a header line, then `Compiled Failed
    Invalid Time FailedType FailedMethod`, Time in seconds); None when it is not that (the JVM
    gone, say)."""
    lines = jstat_compiler.splitlines()
    if len(lines) < 2 or lines[0].split()[:4] != ["Compiled", "Failed", "Invalid", "Time"]:
        return None
    try:
        return float(lines[1].split()[3]) * 1000
    except (IndexError, ValueError):
        return None


def process_cpu_ms(pid: int) -> float:
    """CPU time (user + system) the process `pid` has used so far, in ms (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def ratio_line(what: str, value: float, baseline: float, target: str, met: bool) -> str:
    r = value / baseline if baseline else float("inf")
    return f"  {what:<48} {r:6.2f}x   target {target:<8} {'MET' if met else 'NOT MET'}"


async def wait_up(url: str, timeout: float = 60) -> None:
    """Wait until `url` answers 200 (a baseline or service process has started)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url, timeout=2)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")
