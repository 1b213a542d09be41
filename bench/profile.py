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

# (part, substrings of a frame); a sample goes to the first part whose pattern its innermost
# matching frame holds, searched from the innermost frame outwards.
PARTS = [
    ("token (JWT)", ("jwt/", "shared/auth.py", "cryptography")),
    ("access policy", ("shared/access/",)),
    ("access log / outbox row", ("shared/unit_of_work.py", "shared/outbox.py(add_many)", "add_many")),
    ("outbox relay (publish)", ("shared/outbox.py",)),
    ("event consumer (inbox, access log filing)", ("shared/events/consumer", "handlers/access.py",
                                                   "usecases/audit.py")),
    ("Kafka client", ("aiokafka/", "kafka/")),
    ("database driver (asyncpg)", ("asyncpg/",)),
    ("OpenTelemetry (spans, metrics)", ("opentelemetry/", "shared/metrics.py", "prometheus_client/")),
    ("serialization (pydantic, JSON)", ("pydantic", "fastapi/encoders.py", "json/", "api/worklists.py")),
    ("the use case and SQL building", ("services/registry/usecases/", "services/registry/store/",
                                        "shared/pagination.py")),
    ("FastAPI routing and dependencies", ("fastapi/",)),
    ("middleware (body limit, request id, CORS, rate limit)", ("shared/openapi.py", "shared/service.py",
                                                               "shared/ratelimit", "starlette/middleware")),
    ("HTTP server (uvicorn, starlette)", ("uvicorn/", "httptools", "starlette/", "h11")),
    ("event loop", ("asyncio/",)),
]


@contextlib.contextmanager
def sampled(pid: int, out: str | Path, rate: int = 200):
    """py-spy records the process `pid` while the block runs (raw collapsed stacks into `out`)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    proc = subprocess.Popen([spy, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw",
                             "--nonblocking", "--output", str(out)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)   # py-spy writes its file on SIGINT
        proc.wait(60)


def breakdown(path: str | Path) -> str:
    """The samples of a py-spy raw file per part, largest first, as text lines."""
    parts: Counter[str] = Counter()
    total = 0
    for line in Path(path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        parts[_part(frames)] += n
    if not total:
        return "  (no samples)"
    return "\n".join(f"  {part:<58} {n / total:6.1%}" for part, n in parts.most_common()) + f"\n  ({total} samples)"


def _part(frames: list[str]) -> str:
    for frame in reversed(frames):
        for part, patterns in PARTS:
            if any(p in frame for p in patterns):
                return part
    return "other"


if __name__ == "__main__":
    print(breakdown(sys.argv[1]))
