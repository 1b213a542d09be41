"""The lines of a service log that tell of trouble: a JSON line at level ERROR or CRITICAL, or a
line that is not JSON at all (a traceback or a library's own print, which bypassed the logging).
Used by tests/ops/test_idle_logs.py and by `python -m tests.ops.idle_logs LOG [LOG...]` after an
idle `make up` (see README, Metrics and logs)."""
import json
import re
import sys
from pathlib import Path

# honcho puts "HH:MM:SS name.1 | " before each line of `make up`'s services.log.
_HONCHO_PREFIX = re.compile(r"^\d\d:\d\d:\d\d \S+ +\| ")


def trouble(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        text = _HONCHO_PREFIX.sub("", line).strip()
        if not text:
            continue
        try:
            record = json.loads(text)
        except ValueError:
            if _HONCHO_PREFIX.match(line) and line.split()[1].startswith(("system", "mail.", "traces.")):
                continue  # honcho's own lines and the local catchers' prints
            found.append(line)
            continue
        if not isinstance(record, dict) or record.get("level") in ("ERROR", "CRITICAL"):
            found.append(line)
    return found


def main(paths: list[str]) -> int:
    bad = [f"{path}: {line}" for path in paths
           for line in trouble(Path(path).read_text(encoding="utf-8", errors="replace").splitlines())]
    print("\n".join(bad) if bad else f"no ERROR line in {', '.join(paths)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
