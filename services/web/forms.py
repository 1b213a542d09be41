"""The forms that write to the journal, as typed: what a page shows again when a service refuses
(never losing the text), and the service's refusal in Swedish beside the field it concerns. Pure:
no I/O, no framework."""
import re
import uuid
from dataclasses import dataclass, field
from datetime import date

from services.web import texts

FORM = "form"  # an error about the whole form, not one of its fields
# The journal's ETags (shared/etag.py: etag_of); a form's that is not one, such as `*`, which
# would match anything, is not sent on.
ETAG = re.compile(r'"[0-9a-f]{1,64}"')


def new_key() -> str:
    """An Idempotency-Key for one showing of a form: posted twice (a double-click, a reload), the
    service makes one thing."""
    return uuid.uuid4().hex


@dataclass
class NoteForm:
    """A new journal note (ny journalanteckning) as typed."""
    occurred_on: str = ""
    text: str = ""
    source: str = ""
    key: str = field(default_factory=new_key)
    errors: dict[str, str] = field(default_factory=dict)  # field (or FORM) -> what is wrong, in Swedish

    @classmethod
    def new(cls, today: date) -> "NoteForm":
        return cls(occurred_on=today.isoformat())

    @classmethod
    def posted(cls, fields: dict[str, str]) -> "NoteForm":
        return cls(occurred_on=fields.get("occurred_on", "").strip(), text=fields.get("text", ""),
                   source=fields.get("source", ""), key=fields.get("idempotency_key", "").strip() or new_key())

    def request(self) -> dict:
        """The journal's NoteIn: an empty field is left out, for the journal to say what is missing."""
        return {"occurred_on": self.occurred_on or None, "text": self.text, "source": self.source or None}


@dataclass
class CorrectionForm:
    """A correction (rättelse) of a note's text as typed, against the version and ETag read when
    the form was shown."""
    text: str
    reason: str
    version: int
    etag: str
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def posted(cls, fields: dict[str, str]) -> "CorrectionForm":
        try:
            version = int(fields.get("based_on_version", ""))
        except ValueError:
            version = 0
        etag = fields.get("etag", "").strip()
        return cls(text=fields.get("text", ""), reason=fields.get("reason", ""), version=version,
                   etag=etag if ETAG.fullmatch(etag) else "")

    def request(self) -> dict:
        """The journal's CorrectionIn; the ETag goes in If-Match."""
        return {"based_on_version": self.version, "text": self.text, "reason": self.reason}


def problems(code: str | None, body: dict) -> dict[str, str]:
    """A service's refusal of a form as Swedish texts by field: a request that did not validate
    names its fields (`errors[].loc`), a rule of the service's its code."""
    if code == "validation_error":
        found = {}
        for error in body.get("errors") or []:
            loc = error.get("loc") or []
            name = loc[-1] if loc else None
            if name in texts.FIELD_INVALID:
                found.setdefault(name, texts.FIELD_INVALID[name])
        return found or {FORM: texts.FORM_PROBLEMS["validation_error"][1]}
    if code in texts.FORM_PROBLEMS:
        name, message = texts.FORM_PROBLEMS[code]
        return {name: message}
    return {FORM: texts.PROBLEMS.get(code) or texts.NOT_FOUND.get(code) or texts.FORM_FAILED}
