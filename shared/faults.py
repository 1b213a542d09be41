"""Named fault-injection points for failure tests; inert unless OMSORG_FAULT names them."""
import os
import signal


class Faults:
    def __init__(self, spec: str = ""):
        self._points = {p.strip() for p in spec.split(",") if p.strip()}

    def kill_at(self, point: str) -> None:
        """Die as `kill -9` would: no cleanup, no flush, nothing committed after this line."""
        if point in self._points:
            os.kill(os.getpid(), signal.SIGKILL)
