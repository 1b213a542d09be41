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


def problems(code: str | None, body: dict, invalid: dict[str, str] = texts.FIELD_INVALID,
             known: dict[str, tuple[str, str]] = texts.FORM_PROBLEMS) -> dict[str, str]:
    """A service's refusal of a form as Swedish texts by field: a request that did not validate
    names its fields (`errors[].loc`), a rule of the service's its code. `invalid` and `known` are
    the form's own words for its fields and for the codes of the service it goes to (the
    journal's by default)."""
    if code == "validation_error":
        found = {}
        for error in body.get("errors") or []:
            loc = error.get("loc") or []
            name = loc[-1] if loc else None
            if name in invalid:
                found.setdefault(name, invalid[name])
        return found or {FORM: texts.FORM_PROBLEMS["validation_error"][1]}
    if code in known:
        name, message = known[code]
        return {name: message}
    return {FORM: texts.PROBLEMS.get(code) or texts.NOT_FOUND.get(code) or texts.FORM_FAILED}


# A provider's answers to an order (orders' /provider/orders/{id}/...), and what each sends.
ORDER_ACTIONS = ("confirm", "reject", "start", "deliveries")
MEASURES = ("minutes", "units")


@dataclass
class OrderAnswerForm:
    """A provider's answer to an order as typed (confirm, reject with a reason, start on a day,
    report delivered time on a day), against the ETag of the order as it was shown."""
    action: str
    etag: str = ""
    reason: str = ""
    started_on: str = ""
    delivered_on: str = ""
    measure: str = "minutes"
    quantity: str = ""
    key: str = field(default_factory=new_key)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def posted(cls, action: str, fields: dict[str, str]) -> "OrderAnswerForm":
        etag = fields.get("etag", "").strip()
        measure = fields.get("measure", "")
        return cls(action=action, etag=etag if ETAG.fullmatch(etag) else "", reason=fields.get("reason", ""),
                   started_on=fields.get("started_on", "").strip(), delivered_on=fields.get("delivered_on", "").strip(),
                   measure=measure if measure in MEASURES else "minutes", quantity=fields.get("quantity", "").strip(),
                   key=fields.get("idempotency_key", "").strip() or new_key())

    def request(self) -> dict:
        """The body of the action's call; an empty field is left out, for the service to say what
        is missing. A quantity that is no whole number is sent as typed, for the service to refuse."""
        if self.action == "reject":
            return {"reason": self.reason}
        if self.action == "start":
            return {"started_on": self.started_on or None}
        if self.action == "deliveries":
            quantity: int | str | None = self.quantity or None
            if quantity is not None and quantity.isdigit():
                quantity = int(quantity)
            return {"delivered_on": self.delivered_on or None, self.measure: quantity}
        return {}

    def problems(self, code: str | None, body: dict) -> dict[str, str]:
        """The orders service's refusal in Swedish, by field; a measure's field is the quantity's."""
        found = problems(code, body, texts.ORDER_FIELD_INVALID, texts.ORDER_PROBLEMS)
        for name in MEASURES:
            if name in found:
                found["quantity"] = found.pop(name)
        return found


@dataclass
class AddendumForm:
    """A citizen's own comment beside one of their notes, as typed."""
    text: str = ""
    key: str = field(default_factory=new_key)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def posted(cls, fields: dict[str, str]) -> "AddendumForm":
        return cls(text=fields.get("text", ""), key=fields.get("idempotency_key", "").strip() or new_key())

    def request(self) -> dict:
        return {"text": self.text}

    def problems(self, code: str | None, body: dict) -> dict[str, str]:
        return problems(code, body, texts.ADDENDUM_FIELD_INVALID, texts.ADDENDUM_PROBLEMS)


@dataclass
class ApprovalForm:
    """A supervisor's approval or refusal (with a reason) of a decision, against the ETag of the
    decision as it was shown."""
    action: str
    etag: str = ""
    case_id: str = ""
    reason: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def posted(cls, action: str, fields: dict[str, str]) -> "ApprovalForm":
        etag, case_id = fields.get("etag", "").strip(), fields.get("case_id", "").strip()
        try:
            case_id = str(uuid.UUID(case_id))
        except ValueError:
            case_id = ""
        return cls(action=action, etag=etag if ETAG.fullmatch(etag) else "", case_id=case_id,
                   reason=fields.get("reason", ""))

    def request(self) -> dict | None:
        return {"reason": self.reason} if self.action == "refusal" else None

    def problems(self, code: str | None, body: dict) -> dict[str, str]:
        return problems(code, body, texts.APPROVAL_FIELD_INVALID, texts.APPROVAL_PROBLEMS)
