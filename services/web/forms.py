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


OUTCOMES = ("granted", "partly_granted", "rejected")
COMMUNICATION_METHODS = ("meeting", "phone", "letter", "digital")


def _amount(typed: str) -> str | None:
    """A Swedish decimal (7,5) as the service reads it (7.5); as typed otherwise, for the service to
    refuse; left out when empty."""
    typed = typed.strip().replace("\u00a0", "").replace(" ", "")
    return typed.replace(",", ".") or None


@dataclass
class DecisionForm:
    """A decision (beslut) on a case as typed: the intervention from the catalogue, the outcome, the
    reasons and legal basis, the scope and period, and how the basis was communicated. It rests on
    the case's ongoing investigation (the registry's choice when none is named). Made once per
    showing (its Idempotency-Key): posted twice, the registry answers the decision the first made."""
    intervention: str = ""
    outcome: str = "granted"
    reasons: str = ""
    legal_basis: str = ""
    scope_amount: str = ""
    valid_from: str = ""
    valid_to: str = ""
    follow_up_on: str = ""
    communicated: str = ""  # "yes", "no", or "" when not chosen
    communicated_on: str = ""
    method: str = ""
    not_communicated_reason: str = ""
    key: str = field(default_factory=new_key)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def new(cls, today: date) -> "DecisionForm":
        return cls(valid_from=today.isoformat())

    @classmethod
    def posted(cls, fields: dict[str, str]) -> "DecisionForm":
        def get(name: str) -> str:
            return fields.get(name, "").strip()
        outcome, method, communicated = get("outcome"), get("method"), get("communicated")
        return cls(intervention=get("intervention"), outcome=outcome if outcome in OUTCOMES else "",
                   reasons=fields.get("reasons", ""), legal_basis=fields.get("legal_basis", ""),
                   scope_amount=get("scope_amount"), valid_from=get("valid_from"), valid_to=get("valid_to"),
                   follow_up_on=get("follow_up_on"),
                   communicated=communicated if communicated in ("yes", "no") else "",
                   communicated_on=get("communicated_on"),
                   method=method if method in COMMUNICATION_METHODS else "",
                   not_communicated_reason=fields.get("not_communicated_reason", ""),
                   key=get("idempotency_key") or new_key())

    def request(self) -> dict:
        """The registry's DecisionIn: an empty field is left out, for the registry to say what is
        missing; what belongs only to the other answer about communication is not sent."""
        communicated = {"yes": True, "no": False}.get(self.communicated)
        communication: dict = {"communicated": communicated}
        if communicated is True:
            communication |= {"communicated_on": self.communicated_on or None, "method": self.method or None}
        elif communicated is False:
            communication["not_communicated_reason"] = self.not_communicated_reason.strip() or None
        return {"intervention": self.intervention or None, "outcome": self.outcome or None,
                "reasons": self.reasons.strip() or None, "legal_basis": self.legal_basis.strip() or None,
                "scope_amount": _amount(self.scope_amount), "valid_from": self.valid_from or None,
                "valid_to": self.valid_to or None, "follow_up_on": self.follow_up_on or None,
                "communication": communication}

    def problems(self, code: str | None, body: dict) -> dict[str, str]:
        return problems(code, body, texts.DECISION_FIELD_INVALID, texts.DECISION_PROBLEMS)


@dataclass
class OrderForm:
    """A new order (beställning) against a decision in force, as typed: the provider, what the
    provider needs to know and the wanted start. Made once per showing (its Idempotency-Key)."""
    decision_id: str = ""
    provider_id: str = ""
    details: str = ""
    wanted_start: str = ""
    key: str = field(default_factory=new_key)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def posted(cls, fields: dict[str, str]) -> "OrderForm":
        return cls(decision_id=_uuid(fields.get("decision_id", "")), provider_id=fields.get("provider_id", "").strip(),
                   details=fields.get("details", ""), wanted_start=fields.get("wanted_start", "").strip(),
                   key=fields.get("idempotency_key", "").strip() or new_key())

    def request(self, case_id: str, intervention: str) -> dict:
        """The orders service's OrderIn; the intervention is the decision's."""
        return {"case_id": case_id, "decision_id": self.decision_id or None, "provider_id": self.provider_id or None,
                "intervention": intervention, "details": self.details.strip() or None,
                "wanted_start": self.wanted_start or None}

    def problems(self, code: str | None, body: dict) -> dict[str, str]:
        return problems(code, body, texts.CASE_ORDER_FIELD_INVALID, texts.CASE_ORDER_PROBLEMS)


# What a caseworker does with an order (orders' /orders/{id}/...).
CASE_ORDER_ACTIONS = ("send", "recall", "redirect")


@dataclass
class OrderActionForm:
    """Sending, recalling (with a reason) or redirecting (to another provider, with a reason) an
    order, against the ETag of the order as it was shown."""
    action: str
    etag: str = ""
    reason: str = ""
    provider_id: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def posted(cls, action: str, fields: dict[str, str]) -> "OrderActionForm":
        etag = fields.get("etag", "").strip()
        return cls(action=action, etag=etag if ETAG.fullmatch(etag) else "", reason=fields.get("reason", ""),
                   provider_id=fields.get("provider_id", "").strip())

    def request(self) -> dict | None:
        if self.action == "recall":
            return {"reason": self.reason.strip() or None}
        if self.action == "redirect":
            return {"provider_id": self.provider_id or None, "reason": self.reason.strip() or None}
        return None

    def problems(self, code: str | None, body: dict) -> dict[str, str]:
        return problems(code, body, texts.CASE_ORDER_FIELD_INVALID, texts.CASE_ORDER_PROBLEMS)


def _uuid(typed: str) -> str:
    try:
        return str(uuid.UUID(typed.strip()))
    except ValueError:
        return ""


@dataclass
class ReassignmentForm:
    """A case handed over to another responsible caseworker (byt handläggare) as chosen, with the
    reason, against the ETag of the case as it was shown."""
    caseworker: str = ""
    reason: str = ""
    etag: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def posted(cls, fields: dict[str, str]) -> "ReassignmentForm":
        etag = fields.get("etag", "").strip()
        return cls(caseworker=fields.get("caseworker", "").strip(), reason=fields.get("reason", ""),
                   etag=etag if ETAG.fullmatch(etag) else "")

    def request(self) -> dict:
        """The registry's ReassignmentIn; a reason of blanks only is no reason, sent empty for the
        registry to refuse."""
        return {"caseworker": self.caseworker, "reason": self.reason.strip()}

    def problems(self, code: str | None, body: dict) -> dict[str, str]:
        return problems(code, body, texts.REASSIGNMENT_FIELD_INVALID, texts.REASSIGNMENT_PROBLEMS)


ADDRESS_FIELDS = ("street", "postal_code", "city")


@dataclass
class PersonForm:
    """A person to register in the social register (registrera person) as typed: the number, the
    name and an address, all of whose fields or none are given."""
    pin: str = ""
    first_name: str = ""
    last_name: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def posted(cls, fields: dict[str, str]) -> "PersonForm":
        return cls(**{name: fields.get(name, "").strip()
                      for name in ("pin", "first_name", "last_name", *ADDRESS_FIELDS)})

    def request(self) -> dict:
        """The registry's PersonIn: an empty field is left out, for the registry to say what is
        missing; an address is sent when any of its fields is typed."""
        body: dict = {"pin": self.pin or None, "first_name": self.first_name or None,
                      "last_name": self.last_name or None}
        if any(getattr(self, name) for name in ADDRESS_FIELDS):
            body["address"] = {name: getattr(self, name) or None for name in ADDRESS_FIELDS}
        return body

    def problems(self, code: str | None, body: dict) -> dict[str, str]:
        return problems(code, body, texts.PERSON_FIELD_INVALID, texts.PERSON_PROBLEMS)


@dataclass
class CaseForm:
    """A case to open (öppna ärende) about a person: its kind and unit. Made once per showing of
    the form (its Idempotency-Key)."""
    kind: str = ""
    unit: str = ""
    key: str = field(default_factory=new_key)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def posted(cls, fields: dict[str, str]) -> "CaseForm":
        return cls(kind=fields.get("kind", "").strip(), unit=fields.get("unit", "").strip(),
                   key=fields.get("idempotency_key", "").strip() or new_key())

    def request(self, person_id: str) -> dict:
        """The registry's CaseIn; the responsible caseworker is the one who opens it."""
        return {"unit": self.unit or None, "kind": self.kind or None, "person_id": person_id}

    def problems(self, code: str | None, body: dict) -> dict[str, str]:
        return problems(code, body, texts.CASE_FIELD_INVALID, texts.CASE_PROBLEMS)
