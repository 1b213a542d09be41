"""A mail catcher for `make up`: an SMTP server on 127.0.0.1:1025 (OMSORG_SMTP_PORT) that keeps each
message it receives as an .eml file in .local/mail/ and sends nothing anywhere.

    python deploy/local/mailcatcher.py
"""
import os
import signal
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent.parent
MAILDIR = ROOT / ".local" / "mail"


class SaveToFiles:
    async def handle_DATA(self, server, session, envelope):
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        path = MAILDIR / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        print(f"mail from {envelope.mail_from} to {', '.join(envelope.rcpt_tos)}: {path.name}", flush=True)
        return "250 OK"


def main() -> None:
    MAILDIR.mkdir(parents=True, exist_ok=True)
    port = int(os.environ.get("OMSORG_SMTP_PORT", "1025"))
    controller = Controller(SaveToFiles(), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"mail catcher on 127.0.0.1:{port}, writing to {MAILDIR}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
