"""E-mail over SMTP (aiosmtplib): the way out to providers' mailboxes."""
import asyncio
import base64
import functools
import time
from datetime import datetime
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

import aiosmtplib

from shared.settings import Settings

# A connection idle longer than this may have been closed by the server: open a new one
# rather than spend a delivery attempt finding out.
_IDLE_SECONDS = 20.0
# The longest piece of a header, in UTF-8 bytes, in one encoded word ("=?utf-8?b?...?="): 12
# characters of frame and 52 of base64, so that even the first line, "Subject: " and a word,
# stays within the 76 characters RFC 2047 allows a line with encoded words.
_WORD_BYTES = 39


def compose(*, sender: str, to: str, subject: str, text: str, message_id: str, at: datetime) -> bytes:
    """A plain-text mail in UTF-8 as bytes: the text in base64 (RFC 2045), the subject in encoded
    words (RFC 2047), the From display name encoded likewise when it is not ASCII.

    Written out rather than built with the `email` package's classes, which took about 0.5 ms a
    mail (a fifth of notify's CPU while sending); tests read it back with `email`'s parser. A
    header value with a line break is refused: it would start a header of its own."""
    for value in (sender, to, message_id):
        if "\r" in value or "\n" in value:
            raise ValueError(f"a line break in a header value: {value!r}")
    head = (f"From: {_address(sender)}\r\nTo: {to}\r\nSubject: {_encoded_words(subject)}\r\n"
            f"Date: {format_datetime(at)}\r\nMessage-ID: {make_msgid(idstring=message_id, domain='omsorg')}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n")
    return head.encode("ascii") + base64.encodebytes(text.encode("utf-8")).replace(b"\n", b"\r\n")


@functools.lru_cache(maxsize=16)
def _address(value: str) -> str:
    """`Name <address>` with the name in encoded words when it is not ASCII. Kept per value: the
    sender is the same for every mail, and encoding a name costs more than the rest of a mail."""
    if value.isascii():
        return value
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8")


def _encoded_words(value: str) -> str:
    """The value as base64 encoded words of at most `_WORD_BYTES` bytes each, never splitting a
    character, one per folded line."""
    pieces, piece = [], b""
    for char in value:
        encoded = char.encode("utf-8")
        if len(piece) + len(encoded) > _WORD_BYTES:
            pieces.append(piece)
            piece = b""
        piece += encoded
    pieces.append(piece)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(p).decode('ascii')}?=" for p in pieces)


class Mailer:
    """Sends e-mail over a few reused SMTP connections (STARTTLS and login when configured)."""

    def __init__(self, settings: Settings, connections: int = 4):
        self.settings = settings
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []
        self._slots = asyncio.Semaphore(connections)
        self._envelope_from = parseaddr(settings.smtp_from)[1]

    def message(self, *, to: str, subject: str, text: str, message_id: str, at: datetime) -> bytes:
        """The mail as bytes (`compose`), from the configured sender."""
        return compose(sender=self.settings.smtp_from, to=to, subject=subject, text=text,
                       message_id=message_id, at=at)

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
