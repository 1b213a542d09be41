"""E-mail over SMTP (aiosmtplib): the way out to providers' mailboxes."""
import asyncio
import time
from email.header import Header
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid, parseaddr

import aiosmtplib

from shared.settings import Settings

# A connection idle longer than this may have been closed by the server: open a new one
# rather than spend a delivery attempt finding out.
_IDLE_SECONDS = 20.0


class Mailer:
    """Sends e-mail over a few reused SMTP connections (STARTTLS and login when configured)."""

    def __init__(self, settings: Settings, connections: int = 4):
        self.settings = settings
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []
        self._slots = asyncio.Semaphore(connections)
        self._envelope_from = parseaddr(settings.smtp_from)[1]

    def message(self, *, to: str, subject: str, text: str, message_id: str, at) -> bytes:
        """The mail as bytes. The compat32 classes, not EmailMessage: its header parsing cost more
        CPU than everything else the sender does."""
        msg = MIMEText(text, "plain", "utf-8")
        msg["From"] = self.settings.smtp_from
        msg["To"] = to
        msg["Subject"] = Header(subject, "utf-8")
        msg["Date"] = format_datetime(at)
        msg["Message-ID"] = make_msgid(idstring=message_id, domain="omsorg")
        return msg.as_bytes()

    async def send(self, to: str, message: bytes) -> None:
        async with self._slots:
            client = await self._take()
            try:
                await client.sendmail(self._envelope_from, [to], message)
            except BaseException:
                client.close()
                raise
            self._idle.append((client, time.monotonic()))

    async def _take(self) -> aiosmtplib.SMTP:
        while self._idle:
            client, since = self._idle.pop()
            if client.is_connected and time.monotonic() - since < _IDLE_SECONDS:
                return client
            client.close()
        s = self.settings
        client = aiosmtplib.SMTP(hostname=s.smtp_host, port=s.smtp_port, timeout=s.smtp_timeout_seconds,
                                 start_tls=s.smtp_starttls, use_tls=False)
        await client.connect()
        if s.smtp_username:
            await client.login(s.smtp_username, s.smtp_password)
        return client

    async def close(self) -> None:
        while self._idle:
            client, _ = self._idle.pop()
            try:
                await asyncio.wait_for(client.quit(), 2)
            except Exception:  # closing anyway
                client.close()
