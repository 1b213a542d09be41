"""The web's forms as typed: a field left empty is left out of the request for the journal to say
what is missing; the journal's refusals become Swedish texts beside the field they concern; the
note sources offered are exactly the journal's."""
from datetime import date

from services.journal.domain.notes import Source
from services.web import texts
from services.web.forms import FORM, CaseForm, CorrectionForm, NoteForm, PersonForm, problems


def test_the_note_sources_offered_are_the_journals():
    assert list(texts.NOTE_SOURCES) == [s.value for s in Source]


def test_a_new_note_form_offers_today_and_a_key_of_its_own():
    first, second = NoteForm.new(date(2026, 12, 24)), NoteForm.new(date(2026, 12, 24))
    assert first.occurred_on == "2026-12-24" and first.text == "" and first.source == ""
    assert first.key and first.key != second.key


def test_a_posted_note_form_keeps_the_text_as_typed_and_leaves_empty_fields_out_of_the_request():
    form = NoteForm.posted({"occurred_on": " 2026-03-09 ", "text": "  Samtal med dottern.\n", "source": "",
                            "idempotency_key": "k-1"})
    assert form.text == "  Samtal med dottern.\n" and form.key == "k-1"
    assert form.request() == {"occurred_on": "2026-03-09", "text": "  Samtal med dottern.\n", "source": None}
    assert NoteForm.posted({}).request() == {"occurred_on": None, "text": "", "source": None}
    assert NoteForm.posted({}).key  # a form without its key still gets one


def test_a_request_that_did_not_validate_is_told_by_field():
    body = {"errors": [{"loc": ["body", "text"], "msg": "too short", "type": "string_too_short"},
                       {"loc": ["body", "occurred_on"], "msg": "not a date", "type": "date_from_datetime_parsing"}]}
    assert problems("validation_error", body) == {"text": texts.FIELD_INVALID["text"],
                                                  "occurred_on": texts.FIELD_INVALID["occurred_on"]}
    unknown = {"errors": [{"loc": ["body", "withheld_text"], "msg": "x", "type": "y"}]}
    assert problems("validation_error", unknown) == {FORM: texts.FORM_PROBLEMS["validation_error"][1]}


def test_a_rule_of_the_journal_is_told_beside_its_field_or_above_the_form():
    assert problems("source_missing", {}) == {"source": "Välj varifrån uppgifterna kommer."}
    assert problems("occurred_on_in_future", {})["occurred_on"].startswith("Datumet då det hände")
    assert problems("case_closed", {})[FORM].startswith("Ärendet är avslutat")
    assert problems("something_new", {}) == {FORM: texts.FORM_FAILED}


def test_a_posted_correction_sends_on_only_an_etag_of_the_journals():
    fields = {"text": "Ny text.", "reason": "Fel datum.", "based_on_version": "2", "etag": '"0123abcd"'}
    form = CorrectionForm.posted(fields)
    assert (form.etag, form.version) == ('"0123abcd"', 2)
    assert form.request() == {"based_on_version": 2, "text": "Ny text.", "reason": "Fel datum."}
    for tampered in ("*", '"a", *', "", 'W/"0123abcd"'):
        assert CorrectionForm.posted({**fields, "etag": tampered}).etag == ""
    assert CorrectionForm.posted({**fields, "based_on_version": "två"}).version == 0


def test_a_providers_answer_sends_what_its_action_takes_and_leaves_empty_fields_out():
    from services.web.forms import OrderAnswerForm
    fields = {"etag": '"7"', "reason": "Ingen personal.", "started_on": " 2026-03-16 ", "delivered_on": "2026-03-17",
              "measure": "units", "quantity": "3", "idempotency_key": "k-2"}
    assert OrderAnswerForm.posted("confirm", fields).request() == {}
    assert OrderAnswerForm.posted("reject", fields).request() == {"reason": "Ingen personal."}
    assert OrderAnswerForm.posted("start", fields).request() == {"started_on": "2026-03-16"}
    assert OrderAnswerForm.posted("deliveries", fields).request() == {"delivered_on": "2026-03-17", "units": 3}
    assert OrderAnswerForm.posted("deliveries", {**fields, "quantity": "tre"}).request()["units"] == "tre"
    assert OrderAnswerForm.posted("deliveries", {"measure": "hours"}).request() == {"delivered_on": None,
                                                                                    "minutes": None}
    # An ETag that is not one of the services' (such as *, which matches anything) is not sent on.
    assert OrderAnswerForm.posted("confirm", {"etag": "*"}).etag == ""
    assert OrderAnswerForm.posted("confirm", fields).etag == '"7"'


def test_the_orders_services_refusals_are_said_in_swedish_beside_their_field():
    from services.web.forms import OrderAnswerForm
    form = OrderAnswerForm(action="deliveries")
    body = {"errors": [{"loc": ["body", "units"], "msg": "..."}]}
    assert form.problems("validation_error", body) == {"quantity": texts.ORDER_FIELD_INVALID["units"]}
    assert form.problems("etag_mismatch", {})[FORM].startswith("Beställningen har ändrats")
    assert form.problems("no_price", {}) == {"measure": texts.ORDER_PROBLEMS["no_price"][1]}
    # The journal's words for a note are not the provider's: a reason is a reason to reject.
    reject = OrderAnswerForm(action="reject")
    assert reject.problems("validation_error", {"errors": [{"loc": ["body", "reason"]}]}) == {
        "reason": texts.ORDER_FIELD_INVALID["reason"]}


def test_an_approval_form_sends_a_reason_only_with_a_refusal_and_only_a_case_id_that_is_one():
    from services.web.forms import ApprovalForm
    case_id = "01a2252d-1bbc-7ab0-a844-e9ed2b3d64d8"
    refusal = ApprovalForm.posted("refusal", {"etag": '"2"', "case_id": case_id, "reason": "Prövas på nytt."})
    assert refusal.request() == {"reason": "Prövas på nytt."} and refusal.case_id == case_id
    assert ApprovalForm.posted("approval", {"etag": '"2"', "case_id": case_id}).request() is None
    assert ApprovalForm.posted("approval", {"case_id": "../../persons"}).case_id == ""
    assert refusal.problems("reason_missing", {}) == {"reason": texts.APPROVAL_PROBLEMS["reason_missing"][1]}
    assert refusal.problems("own_decision", {})[FORM].startswith("Du kan inte attestera")


def test_every_order_state_has_its_words_for_the_municipality_and_for_the_provider():
    from services.orders.domain.orders import OrderState
    states = {s.value for s in OrderState}
    assert set(texts.ORDER_STATES) == states
    assert set(texts.PROVIDER_ORDER_STATES) == states - {"draft"}  # a provider never sees a draft
    assert texts.ORDER_STATES["sent"] == "Skickad" and texts.PROVIDER_ORDER_STATES["sent"] == "Ny"


def test_the_outcomes_and_communication_methods_offered_are_the_registrys():
    from services.registry.domain.process import CommunicationMethod, Outcome
    from services.web.forms import COMMUNICATION_METHODS, OUTCOMES
    assert set(texts.OUTCOMES) == set(OUTCOMES) == {o.value for o in Outcome}
    assert set(texts.COMMUNICATION_METHODS) == set(COMMUNICATION_METHODS) == {m.value for m in CommunicationMethod}


def test_a_posted_decision_sends_a_swedish_decimal_and_only_the_chosen_answer_about_communication():
    from services.web.forms import DecisionForm
    fields = {"intervention": "home_help", "outcome": "granted", "reasons": " Skäl. ", "legal_basis": "4 kap. 1 §",
              "scope_amount": " 7,5 ", "valid_from": "2026-03-09", "communicated": "yes",
              "communicated_on": "2026-03-02", "method": "meeting", "not_communicated_reason": "Skrivet ändå."}
    assert DecisionForm.posted(fields).request() == {
        "intervention": "home_help", "outcome": "granted", "reasons": "Skäl.", "legal_basis": "4 kap. 1 §",
        "scope_amount": "7.5", "valid_from": "2026-03-09", "valid_to": None, "follow_up_on": None,
        "communication": {"communicated": True, "communicated_on": "2026-03-02", "method": "meeting"}}
    no = DecisionForm.posted({**fields, "communicated": "no"}).request()["communication"]
    assert no == {"communicated": False, "not_communicated_reason": "Skrivet ändå."}
    # Left empty or not one of the choices: left out, for the registry to say what is missing.
    empty = DecisionForm.posted({"outcome": "bifall", "method": "fax", "communicated": "kanske"})
    assert (empty.outcome, empty.method, empty.communicated) == ("", "", "")
    request = empty.request()
    assert request["intervention"] is None and request["outcome"] is None and request["reasons"] is None
    assert request["scope_amount"] is None and request["communication"] == {"communicated": None}


def test_a_decision_form_keeps_the_key_it_was_shown_with_and_a_new_showing_has_a_new_one():
    from services.web.forms import DecisionForm
    shown = DecisionForm.new(date(2026, 11, 30))
    assert shown.key and shown.key != DecisionForm.new(date(2026, 11, 30)).key
    assert DecisionForm.posted({"idempotency_key": shown.key, "reasons": "x"}).key == shown.key
    assert DecisionForm.posted({"reasons": "x"}).key   # a post without one still sends a key of its own
    assert DecisionForm().problems("idempotency_key_reused", {}) == {
        FORM: texts.DECISION_PROBLEMS["idempotency_key_reused"][1]}


def test_the_registrys_and_orders_refusals_of_the_caseworkers_forms_name_fields_the_forms_have():
    from services.web.forms import DecisionForm, OrderActionForm, OrderForm
    for known, invalid in ((texts.DECISION_PROBLEMS, texts.DECISION_FIELD_INVALID),
                           (texts.CASE_ORDER_PROBLEMS, texts.CASE_ORDER_FIELD_INVALID)):
        assert {name for name, _ in known.values()} <= {FORM, *invalid}
    body = {"errors": [{"loc": ["body", "communication", "communicated_on"], "msg": "x", "type": "y"}]}
    assert DecisionForm().problems("validation_error", body) == {
        "communicated_on": texts.DECISION_FIELD_INVALID["communicated_on"]}
    assert DecisionForm().problems("reasons_missing", {}) == {"reasons": texts.DECISION_PROBLEMS["reasons_missing"][1]}
    assert OrderForm().problems("provider_does_not_offer", {}) == {
        "provider_id": texts.CASE_ORDER_PROBLEMS["provider_does_not_offer"][1]}
    assert OrderActionForm("recall").problems("etag_mismatch", {}) == {
        FORM: texts.CASE_ORDER_PROBLEMS["etag_mismatch"][1]}


def test_an_order_form_sends_the_decisions_intervention_and_an_action_only_what_it_takes():
    from services.web.forms import OrderActionForm, OrderForm
    form = OrderForm.posted({"decision_id": "not-a-uuid", "provider_id": "", "details": " Inköp. ",
                             "wanted_start": "2026-03-16", "idempotency_key": "k-2"})
    assert form.key == "k-2" and form.decision_id == ""
    assert form.request("c-1", "home_help") == {"case_id": "c-1", "decision_id": None, "provider_id": None,
                                                "intervention": "home_help", "details": "Inköp.",
                                                "wanted_start": "2026-03-16"}
    assert OrderActionForm.posted("send", {"etag": "*", "reason": "x"}).etag == ""  # * would match anything
    assert OrderActionForm.posted("send", {"etag": '"3"'}).request() is None
    assert OrderActionForm.posted("recall", {"reason": " "}).request() == {"reason": None}
    assert OrderActionForm.posted("redirect", {"provider_id": "p", "reason": "Valt annan."}).request() == {
        "provider_id": "p", "reason": "Valt annan."}


def test_a_person_form_sends_an_address_only_when_any_of_its_fields_is_typed():
    form = PersonForm.posted({"pin": " 19121212-1212 ", "first_name": "Karin ", "last_name": ""})
    assert form.request() == {"pin": "19121212-1212", "first_name": "Karin", "last_name": None}
    form = PersonForm.posted({"pin": "19121212-1212", "first_name": "Karin", "last_name": "Berg", "city": "Ekerö"})
    assert form.request()["address"] == {"street": None, "postal_code": None, "city": "Ekerö"}
    refused = form.problems("validation_error", {"errors": [{"loc": ["body", "address", "street"]}]})
    assert refused == {"street": texts.PERSON_FIELD_INVALID["street"]}
    assert form.problems("person_exists", {}) == {"pin": texts.PERSON_PROBLEMS["person_exists"][1]}


def test_a_case_form_keeps_its_key_and_leaves_an_unchosen_kind_out():
    form = CaseForm.posted({"kind": "", "unit": "vuxen", "idempotency_key": "abc"})
    assert form.key == "abc" and form.request("p-1") == {"unit": "vuxen", "kind": None, "person_id": "p-1"}
    assert CaseForm.posted({}).key != CaseForm.posted({}).key
    assert form.problems("other_unit", {}) == {"unit": texts.CASE_PROBLEMS["other_unit"][1]}
