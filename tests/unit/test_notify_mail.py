"""The mail notify sends, as bytes (channels/smtp.py `compose`), read back with `email`'s parser."""
import email
import email.policy
from datetime import datetime, timezone

import pytest
from hypothesis import given
from pydantic import ValidationError
from hypothesis import strategies as st

from services.notify.channels.smtp import compose
from services.notify.domain.templates import TEMPLATES, render
from shared.settings import Settings

AT = datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)
# Text without line breaks or other control characters (and no lone surrogates, which UTF-8 cannot hold).
ONE_LINE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=300)
# A mail's text: any lines, "\n" between them (a lone "\r" is no line break a mail can carry).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=2000)


def read(mail: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(mail, policy=email.policy.default)


def head_lines(mail: bytes) -> list[bytes]:
    return mail.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


@given(subject=ONE_LINE, text=TEXT)
def test_subject_and_text_read_back_as_written(subject, text):
    mail = compose(sender="Omsorg <noreply@omsorg.local>", to="bokning@utforare.example", subject=subject,
                   text=text, message_id="d1", at=AT)
    message = read(mail)
    assert message["Subject"] == subject
    assert message.get_content() == text
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message["To"] == "bokning@utforare.example"
    assert message["From"] == "Omsorg <noreply@omsorg.local>"
    assert all(len(line) <= 76 and line.isascii() for line in head_lines(mail)), head_lines(mail)


def test_every_template_reads_back_with_its_headers():
    for name in TEMPLATES:
        rendered = render(name, reference="AB12-CD34", link="https://omsorg.example/orders/x", what="gallring")
        message = read(compose(sender="Omsorg <noreply@omsorg.local>", to="a@b.example", subject=rendered.subject,
                               text=rendered.text, message_id="delivery-7", at=AT))
        assert (message["Subject"], message.get_content()) == (rendered.subject, rendered.text)
        assert message["Date"].datetime == AT
        assert message["Message-ID"].endswith(".delivery-7@omsorg>")
        assert message["MIME-Version"] == "1.0"
        assert message["Content-Transfer-Encoding"] == "base64"


def test_a_sender_name_outside_ascii_is_encoded():
    mail = compose(sender="Socialtjänsten Ekerö <noreply@ekero.example>", to="a@b.example", subject="s",
                   text="t", message_id="d", at=AT)
    assert mail.isascii()
    assert str(read(mail)["From"]) == "Socialtjänsten Ekerö <noreply@ekero.example>"


@pytest.mark.parametrize("field", ["sender", "to", "message_id"])
@pytest.mark.parametrize("line_break", ["\r\n", "\n", "\r"])
def test_a_line_break_in_a_header_value_is_refused(field, line_break):
    values = dict(sender="Omsorg <noreply@omsorg.local>", to="a@b.example", message_id="d")
    values[field] = values[field] + line_break + "Bcc: someone@elsewhere.example"
    with pytest.raises(ValueError, match="line break"):
        compose(subject="s", text="t", at=AT, **values)


def test_a_line_break_in_the_subject_cannot_start_a_header():
    message = read(compose(sender="Omsorg <noreply@omsorg.local>", to="a@b.example",
                           subject="Hej\r\nBcc: someone@elsewhere.example", text="t", message_id="d", at=AT))
    assert message["Bcc"] is None


@pytest.mark.parametrize("sender", ["Omsorg <noreply@omsorg.local>", "noreply@kommun.se",
                                    "Socialtjänsten Ekerö <noreply@ekero.se>"])
def test_a_sender_the_mails_can_carry_is_taken(sender):
    assert Settings(smtp_from=sender).smtp_from == sender


@pytest.mark.parametrize("sender, problem", [
    ("Omsorg", "must be an e-mail address"),
    ("Omsorg <noreply>", "must be an e-mail address"),
    ("Omsorg <noreply@kommun.se>\r\nBcc: someone@elsewhere.example", "must be on one line"),
    ("Omsorg <noreply@ekerö.se>", "must have an address in ASCII"),
])
def test_a_sender_the_mails_cannot_carry_is_refused_at_the_start(sender, problem):
    with pytest.raises(ValidationError, match=f"OMSORG_SMTP_FROM {problem}"):
        Settings(smtp_from=sender)
