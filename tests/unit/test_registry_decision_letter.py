"""The decision letter as a PDF: rendered from data alone and read back with pypdf, so each test
checks what a person would read, not only that some bytes came out."""
import io
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from services.registry.letters.decision_letter import (
    PROTECTED, DecisionLetter, format_date, format_pin, render,
)

REASONS = ("Du har ansökt om hemtjänst i form av hjälp med städning, tvätt och inköp. Vid hembesöket "
           "framkom att du efter din höftoperation har svårt att gå längre sträckor.\n\n"
           "Nämnden bedömer att behovet av hjälp med städning och tvätt inte kan tillgodoses på annat "
           "sätt. Ärendet gäller även Örjan Åström på Café Éden.")
LETTER = DecisionLetter(
    municipality_name="Nacka kommun", unit="Biståndsenheten äldre", person_name="Åsa Öberg",
    personal_identity_number="194512241234", case_id="C-2026-000481", decision_id="D-01J9Z5K3M8",
    decided_on=date(2026, 11, 28), decided_by_name="Kim Lindström", decided_by_title="Biståndshandläggare",
    intervention_name="Hemtjänst", outcome="granted", reasons=REASONS,
    legal_basis="4 kap. 1 § socialtjänstlagen (2025:400)", granted_scope="40 timmar per månad",
    valid_from=date(2026, 12, 1), valid_to=date(2027, 5, 31), appeal=True,
    appeal_deadline_text="inom tre veckor från den dag du fick del av beslutet",
)
APPEAL_HEADING = "Hur man överklagar"
# The running header of a continuation page and the footer of every page.
RUNNING = re.compile(r"^(Beslut \d+ \w+ \d{4} · Ärende .* \(fortsättning\)|.* · .* Sida \d+ av \d+)$")


def pages(letter: DecisionLetter) -> list[str]:
    data = render(letter)
    assert data.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def body(page_texts: list[str]) -> str:
    """The letter's text without the running header and footers, lines joined by spaces."""
    lines = [line for text in page_texts for line in text.splitlines() if not RUNNING.match(line.strip())]
    return flat("\n".join(lines))


def test_a_granted_decision_says_what_was_decided_why_and_by_whom():
    texts = pages(LETTER)
    text = body(texts)
    assert len(texts) >= 1 and "Sida 1 av" in texts[0]
    for expected in ("Beslut", "Nacka kommun", "Biståndsenheten äldre", "Åsa Öberg", "19451224-1234",
                     "Ärende C-2026-000481", "D-01J9Z5K3M8", "Bifall", "Hemtjänst", "40 timmar per månad",
                     "från och med 1 december 2026 till och med 31 maj 2027",
                     "Skäl för beslutet", "Lagrum", "4 kap. 1 § socialtjänstlagen (2025:400)",
                     "Beslutsfattare", "Kim Lindström", "Biståndshandläggare"):
        assert expected in text, expected
    assert flat(REASONS) in text  # both paragraphs, whole, with å ä ö é
    assert "Delvis bifall" not in text and "Avslag" not in text


@pytest.mark.parametrize("outcome,word,not_words", [
    ("granted", "Bifall", ("Delvis bifall", "Avslag")),
    ("partly_granted", "Delvis bifall", ("Avslag",)),
    ("rejected", "Avslag", ("Bifall", "bifall")),
])
def test_the_outcome_is_printed_in_swedish(outcome, word, not_words):
    text = body(pages(replace(LETTER, outcome=outcome)))
    assert f"Beslut {word} Insats Hemtjänst" in text
    for other in not_words:
        assert other not in text


def test_the_appeal_section_explains_where_when_and_how():
    text = body(pages(LETTER))
    assert APPEAL_HEADING in text
    section = text[text.index(APPEAL_HEADING):]
    for expected in ("överklaga det till förvaltningsrätten",
                     "Skicka överklagandet till Biståndsenheten äldre, Nacka kommun, inte till förvaltningsrätten",
                     "skriftligt", "inom tre veckor från den dag du fick del av beslutet",
                     "44 § förvaltningslagen (2017:900)",
                     "vilket beslut du överklagar", "28 november 2026", "C-2026-000481",
                     "hur du vill att beslutet ska ändras", "varför du anser att beslutet ska ändras",
                     "Skriv under överklagandet", "kontakta Biståndsenheten äldre", "Vi hjälper dig"):
        assert expected in section, expected


def test_the_deadline_is_the_letters_own_text():
    text = body(pages(replace(LETTER, appeal_deadline_text="inom två månader från dagen för beslutet")))
    assert "ha kommit in till oss inom två månader från dagen för beslutet" in text
    assert "tre veckor" not in text


def test_a_rejection_without_appeal_has_no_appeal_section_and_grants_no_period():
    letter = replace(LETTER, outcome="rejected", granted_scope=None, appeal=False)
    text = body(pages(letter))
    assert "Avslag" in text and "Hemtjänst" in text and flat(REASONS) in text
    for absent in (APPEAL_HEADING, "förvaltningsrätten", "tre veckor", "överklag", "Omfattning", "från och med"):
        assert absent not in text, absent


def test_a_decision_until_further_notice():
    text = body(pages(replace(LETTER, valid_to=None, granted_scope=None)))
    assert "Gäller från och med 1 december 2026, tills vidare" in text
    assert "Omfattning" not in text and "31 maj 2027" not in text


def test_long_reasons_go_on_over_several_pages_and_nothing_is_lost():
    sentences = [f"Mening {n}: nämnden har bedömt behovet av stöd i vardagen för Åsa Öberg och Éva Ödmark."
                 for n in range(1, 200)]
    paragraphs = [" ".join(sentences[i:i + 9]) for i in range(0, len(sentences), 9)]
    reasons = "\n\n".join(paragraphs)
    assert len(reasons) > 8000
    texts = pages(replace(LETTER, reasons=reasons))
    assert len(texts) >= 4
    for number, text in enumerate(texts, start=1):
        assert f"Sida {number} av {len(texts)}" in text
    for text in texts[1:]:
        assert "Beslut 28 november 2026 · Ärende C-2026-000481 (fortsättning)" in text
    text = body(texts)
    assert flat(reasons) in text  # every sentence, in order, across the page breaks
    # and the letter goes on after the reasons
    assert text.index("Mening 199") < text.index("Lagrum") < text.index(APPEAL_HEADING)


def test_a_protected_identity_prints_neither_name_nor_number():
    data = render(replace(LETTER, person_name=None))
    reader = PdfReader(io.BytesIO(data))
    text = body([page.extract_text() for page in reader.pages])
    assert PROTECTED in text
    assert "Åsa" not in text and "Öberg" not in text
    assert "19451224" not in text and "1234" not in text.replace("C-2026-000481", "")
    assert "Åsa" not in str(reader.metadata) and b"1945" not in data


def test_a_named_person_is_not_called_protected():
    assert PROTECTED not in body(pages(LETTER))


@pytest.mark.parametrize("day,text", [
    (date(2026, 11, 28), "28 november 2026"),
    (date(2027, 1, 1), "1 januari 2027"),
    (date(2026, 3, 9), "9 mars 2026"),
    (date(2026, 5, 31), "31 maj 2026"),
    (date(2026, 8, 15), "15 augusti 2026"),
    (date(2026, 12, 24), "24 december 2026"),
])
def test_dates_are_swedish_whatever_the_locale(day, text):
    assert format_date(day) == text


def test_the_letter_is_dated_in_swedish():
    texts = pages(replace(LETTER, decided_on=date(2027, 2, 3)))
    assert "Datum 3 februari 2027" in body(texts)
    assert "2027-02-03" not in body(texts)


@pytest.mark.parametrize("value", ["194512241234", "19451224-1234", " 194512241234 "])
def test_the_personal_identity_number_is_printed_with_a_dash(value):
    assert format_pin(value) == "19451224-1234"


@pytest.mark.parametrize("field,value", [
    ("outcome", "approved"),
    ("personal_identity_number", "451224-1234"),
    ("personal_identity_number", "19451224+1234"),
    ("valid_to", date(2026, 11, 30)),
])
def test_a_letter_that_cannot_be_right_is_refused(field, value):
    with pytest.raises(ValueError) as caught:
        replace(LETTER, **{field: value})
    assert "1234" not in str(caught.value)


def test_the_same_letter_gives_the_same_bytes():
    assert render(LETTER) == render(LETTER)
    assert render(LETTER) != render(replace(LETTER, reasons=REASONS + " Och mer."))


def test_the_document_is_a4_in_swedish():
    reader = PdfReader(io.BytesIO(render(LETTER)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert reader.trailer["/Root"]["/Lang"] == "sv-SE"
    assert reader.metadata.title == "Beslut – Hemtjänst"


def test_control_characters_and_windows_line_breaks_do_not_break_the_text():
    text = body(pages(replace(LETTER, reasons="Första stycket.\r\n\r\nAndra\tstycket\x07 här.")))
    assert "Första stycket. Andra stycket här." in text
