"""Where a service's CPU goes under a benchmark's load: py-spy samples the process (from outside,
without stopping it) and each sample is put in the part of the stack it was spent in, the
innermost frame that names a part winning (asyncpg's protocol under a route counts as the
database driver, the route's own Python as the route).

    with sampled(pid, "profile.txt"):    # py-spy record --format raw while the load runs
        ...
    print(breakdown("profile.txt"))
"""
import contextlib
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

# What the process was doing: (task, substrings of any frame of the sample), the first that matches.
TASKS = [
    ("requests", ("RequestResponseCycle", "httptools_impl", "h11_impl", "fastapi/", "starlette/")),
    ("outbox relay (publishing events)", ("OutboxRelay", "shared/outbox.py", "WakeLoop")),
    ("event consumer (inbox, filing the access log)", ("EventConsumer", "shared/consumer.py", "aiokafka/consumer")),
    ("Kafka client, other (producer, metadata)", ("aiokafka/",)),
    ("database driver outside a request", ("asyncpg/",)),
]
# Within a request: (part, substrings of a frame); a sample goes to the part of its innermost
# frame that names one, searched from the innermost frame outwards.
PARTS = [
    ("token (JWT)", ("jwt/", "shared/auth.py", "cryptography")),
    ("access policy", ("shared/access/",)),
    ("access log entry / outbox row", ("shared/unit_of_work.py", "add_many", "file_own_reads")),
    ("database driver (asyncpg)", ("asyncpg/",)),
    ("OpenTelemetry (spans, metrics)", ("opentelemetry/", "shared/metrics.py", "prometheus_client/")),
    ("serialization (pydantic, JSON)", ("pydantic", "fastapi/encoders.py", "json/", "/api/")),
    ("the use case and SQL building", ("/usecases/", "/store/", "shared/pagination.py")),
    ("FastAPI routing and dependencies", ("fastapi/",)),
    ("middleware (body limit, headers, CORS, rate limit)", ("shared/openapi.py", "shared/body_limit.py",
                                                           "shared/rate_limit.py", "starlette/middleware")),
    ("HTTP server (uvicorn, starlette)", ("uvicorn/", "httptools", "starlette/", "h11")),
]
LOOP = "event loop's own C code (callbacks, epoll, including waiting)"


@contextlib.contextmanager
def sampled(pid: int, out: str | Path, rate: int = 200):
    """py-spy records the process `pid` while the block runs (raw collapsed stacks into `out`)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    proc = subprocess.Popen([spy, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw",
                             "--nonblocking", "--full-filenames", "--output", str(out)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)   # py-spy writes its file on SIGINT
        proc.wait(60)


def breakdown(path: str | Path) -> str:
    """The samples of a py-spy raw file by task, and the requests' by part, largest first."""
    tasks: Counter[str] = Counter()
    parts: Counter[str] = Counter()
    total = 0
    for line in Path(path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n, frames = int(count), stack.split(";")
        total += n
        task = _first(TASKS, stack) or (LOOP if frames[-1].startswith("Runner.run") else "other")
        tasks[task] += n
        if task == "requests":
            parts[_innermost(frames)] += n
    if not total:
        return "  (no samples)"
    lines = [f"  {task:<64} {n / total:6.1%}" for task, n in tasks.most_common()]
    lines += [f"    of which {part:<53} {n / total:6.1%}" for part, n in parts.most_common()]
    return "\n".join(lines) + f"\n  ({total} samples)"


def _first(named: list, stack: str) -> str | None:
    return next((name for name, patterns in named if any(p in stack for p in patterns)), None)


def _innermost(frames: list[str]) -> str:
    for frame in reversed(frames):
        found = _first(PARTS, frame)
        if found:
            return found
    return "other"


if __name__ == "__main__":
    print(breakdown(sys.argv[1]))
