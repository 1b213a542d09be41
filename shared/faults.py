"""Named fault-injection points for failure tests; inert unless OMSORG_FAULT names them.

OMSORG_FAULT is a comma-separated list of points, e.g. `relay_after_publish`; a point may name
what it applies to after a colon, e.g. `relay_after_publish:order.sent` (the relay dies only
with an order.sent in its batch)."""
import os
import signal


class Faults:
    def __init__(self, spec: str = ""):
        self._points = {p.strip() for p in spec.split(",") if p.strip()}

    def __bool__(self) -> bool:
        """Whether any point is named."""
        return bool(self._points)

    def kill_at(self, point: str, *about: str) -> None:
        """Die as `kill -9` would: no cleanup, no flush, nothing committed after this line."""
        if point in self._points or any(f"{point}:{what}" in self._points for what in about):
            os.kill(os.getpid(), signal.SIGKILL)
