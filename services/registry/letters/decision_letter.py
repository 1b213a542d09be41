"""The decision letter (beslutsmeddelande): one decision on an application, as a PDF in Swedish.

`render(letter)` is a pure function of a `DecisionLetter`: the same letter gives the same bytes
(the document's creation date is the decision's date, not the moment of rendering), nothing is
read but the font files, and nothing depends on the machine's locale (months are named here).

The layout is one A4 column with generous margins, a clear hierarchy of headings, ragged-right
text (easier to read than justified text, and it keeps every space for a screen reader or a
copy) and a footer with "Sida n av m" on every page. Long reasons wrap and go on over as many
pages as they need; a section heading is never left alone at the foot of a page, and every page
after the first says which decision it belongs to.

A protected identity (person_name None) prints "Personuppgifterna är skyddade" in place of the
person, and then no personal identity number either, whatever was given: the letter must not be
the place where a protected person can be identified.

The appeal instructions follow förvaltningslagen (2017:900): the appeal is written, sent to the
unit that decided (not to the court) and must have come in within the time in
`appeal_deadline_text` (44 §); the unit first reconsiders the decision and then sends the appeal
on to förvaltningsrätten.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from font_source_sans_pro import font_files_ttf

OUTCOMES = {"granted": "Bifall", "partly_granted": "Delvis bifall", "rejected": "Avslag"}
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni",
          "juli", "augusti", "september", "oktober", "november", "december")
PROTECTED = "Personuppgifterna är skyddade"
UNTIL_FURTHER_NOTICE = "tills vidare"

_FONT = "SourceSans"
_FONT_FILES = {"": "SourceSansPro", "B": "SourceSansProSemibold", "I": "SourceSansProIt"}

# Layout, in millimetres and points.
_MARGIN_X = 25.0
_MARGIN_TOP = 22.0
_MARGIN_BOTTOM = 24.0
_BODY_PT = 11.0
_LINE = 5.6                # line height of body text
_PARAGRAPH_GAP = 2.6
_SECTION_GAP = 8.0
_LABEL_W = 38.0            # the label column of the "Beslut" and person blocks
_KEEP_WITH_HEADING = 22.0  # room a heading needs below it, or it goes to the next page
_INK = (33, 33, 33)
_MUTED = (96, 96, 96)
_RULE = (200, 200, 200)


@dataclass(frozen=True)
class DecisionLetter:
    municipality_name: str            # "Nacka kommun"
    unit: str                         # the deciding unit's name; also where an appeal is sent
    person_name: str | None           # None: a protected identity
    personal_identity_number: str | None  # 12 digits, with or without the dash after the date
    case_id: str
    decision_id: str
    decided_on: date
    decided_by_name: str
    decided_by_title: str | None
    intervention_name: str            # Swedish, "Hemtjänst"
    outcome: str                      # "granted" | "partly_granted" | "rejected"
    reasons: str                      # free text; paragraphs are separated by a blank line
    legal_basis: str                  # "4 kap. 1 § socialtjänstlagen (2025:400)"
    granted_scope: str | None         # "40 timmar per månad"
    valid_from: date
    valid_to: date | None             # None: tills vidare
    appeal: bool                      # whether the letter says how to appeal
    appeal_deadline_text: str         # "inom tre veckor från den dag du fick del av beslutet"

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
        if self.personal_identity_number is not None:
            format_pin(self.personal_identity_number)
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")


def format_date(day: date) -> str:
    """28 november 2026: the Swedish long form, the same on every machine."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_pin(value: str) -> str:
    """YYYYMMDD-XXXX from the 12-digit form, with or without its dash. The message of the error
    never repeats the number (it is sensitive and errors end up in logs)."""
    digits = value.strip()
    if len(digits) == 13 and digits[8] == "-":
        digits = digits[:8] + digits[9:]
    if len(digits) != 12 or any(c not in "0123456789" for c in digits):
        raise ValueError("personal_identity_number must be 12 digits: YYYYMMDDXXXX or YYYYMMDD-XXXX")
    return f"{digits[:8]}-{digits[8:]}"


def period_text(valid_from: date, valid_to: date | None) -> str:
    if valid_to is None:
        return f"från och med {format_date(valid_from)}, {UNTIL_FURTHER_NOTICE}"
    return f"från och med {format_date(valid_from)} till och med {format_date(valid_to)}"


def appeal_paragraphs(letter: DecisionLetter) -> list[str | list[str]]:
    """The section "Hur man överklagar": paragraphs, and a list for the points an appeal makes."""
    return [
        "Om du inte är nöjd med beslutet kan du överklaga det till förvaltningsrätten.",
        f"Skicka överklagandet till {letter.unit}, {letter.municipality_name}, inte till "
        "förvaltningsrätten. Överklagandet ska vara skriftligt och ha kommit in till oss "
        f"{letter.appeal_deadline_text} (44 § förvaltningslagen (2017:900)). "
        "Kommer det in för sent kan det inte prövas.",
        "Skriv i överklagandet:",
        [f"vilket beslut du överklagar, till exempel beslutets datum ({format_date(letter.decided_on)}) "
         f"och ärendenummer ({letter.case_id})",
         "hur du vill att beslutet ska ändras",
         "varför du anser att beslutet ska ändras"],
        "Skriv under överklagandet och skriv ditt namn, personnummer, adress och telefonnummer.",
        "Vi prövar först om vi själva ska ändra beslutet. Ändrar vi det inte som du vill skickar vi "
        "överklagandet vidare till förvaltningsrätten.",
        f"Om du vill ha hjälp med att överklaga kan du kontakta {letter.unit}. Vi hjälper dig gärna.",
    ]


def render(letter: DecisionLetter) -> bytes:
    """The letter as a PDF document (A4, Swedish)."""
    pdf = _Document(letter)
    pdf.add_page()
    _head(pdf, letter)
    _decision(pdf, letter)
    _section(pdf, "Skäl för beslutet")
    _paragraphs(pdf, letter.reasons)
    _section(pdf, "Lagrum")
    _paragraphs(pdf, letter.legal_basis)
    _decided_by(pdf, letter)
    if letter.appeal:
        _section(pdf, "Hur man överklagar")
        for part in appeal_paragraphs(letter):
            if isinstance(part, list):
                _bullets(pdf, part)
            else:
                _paragraphs(pdf, part)
    return bytes(pdf.output())


class _Document(FPDF):
    def __init__(self, letter: DecisionLetter) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.letter = letter
        for style, name in _FONT_FILES.items():
            self.add_font(_FONT, style, font_files_ttf[name])
        self.set_margins(_MARGIN_X, _MARGIN_TOP, _MARGIN_X)
        self.set_auto_page_break(True, margin=_MARGIN_BOTTOM)
        self.set_creation_date(datetime.combine(letter.decided_on, time(), timezone.utc))
        self.set_lang("sv-SE")
        # No person in the metadata: a protected identity must not leak there either.
        self.set_title(f"Beslut – {_clean(letter.intervention_name)}")
        self.set_author(_clean(letter.municipality_name))
        self.set_subject(f"Ärende {_clean(letter.case_id)}")
        self.set_text_color(*_INK)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self._small_line(12, f"Beslut {format_date(self.letter.decided_on)} · "
                             f"Ärende {_clean(self.letter.case_id)} (fortsättning)")
        self.set_y(_MARGIN_TOP)

    def footer(self) -> None:
        self.set_draw_color(*_RULE)
        self.set_line_width(0.2)
        y = self.h - 16
        self.line(_MARGIN_X, y, self.w - _MARGIN_X, y)
        self.set_xy(_MARGIN_X, y + 1.5)
        self.set_font(_FONT, "", 8.5)
        self.set_text_color(*_MUTED)
        width = self.w - 2 * _MARGIN_X
        self.cell(width * 0.75, 4.5, f"{_clean(self.letter.municipality_name)} · {_clean(self.letter.unit)}")
        self.cell(width * 0.25, 4.5, f"Sida {self.page_no()} av {{nb}}", align="R")
        self.set_text_color(*_INK)

    def _small_line(self, y: float, text: str) -> None:
        self.set_xy(_MARGIN_X, y)
        self.set_font(_FONT, "", 8.5)
        self.set_text_color(*_MUTED)
        self.cell(0, 4.5, text)
        self.set_text_color(*_INK)


def _head(pdf: _Document, letter: DecisionLetter) -> None:
    width = pdf.w - 2 * _MARGIN_X
    top = pdf.get_y()
    pdf.set_font(_FONT, "B", 14)
    pdf.multi_cell(width * 0.62, 6.5, _clean(letter.municipality_name), align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "", 11)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(width * 0.62, 5.5, _clean(letter.unit), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()
    # The date, at the right of the sender.
    pdf.set_xy(_MARGIN_X + width * 0.62, top + 0.6)
    pdf.set_font(_FONT, "", 9)
    pdf.cell(width * 0.38, 5, "Datum", align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "", 11)
    pdf.set_text_color(*_INK)
    pdf.cell(width * 0.38, 5.5, format_date(letter.decided_on), align="R")
    pdf.set_y(max(left_bottom, pdf.get_y() + 5.5) + 2)
    pdf.set_font(_FONT, "", 8.5)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(0, 4.5, f"Ärende {_clean(letter.case_id)} · Beslut {_clean(letter.decision_id)}",
                   align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*_INK)

    pdf.ln(12)
    pdf.set_font(_FONT, "B", 26)
    pdf.cell(0, 11, "Beslut", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)
    if letter.person_name is None:
        _row(pdf, "Person", PROTECTED, style="I")
    else:
        _row(pdf, "Namn", _clean(letter.person_name))
        if letter.personal_identity_number is not None:
            _row(pdf, "Personnummer", format_pin(letter.personal_identity_number))


def _decision(pdf: _Document, letter: DecisionLetter) -> None:
    _section(pdf, "Beslut")
    _row(pdf, "Beslut", OUTCOMES[letter.outcome], style="B")
    _row(pdf, "Insats", _clean(letter.intervention_name))
    if letter.outcome != "rejected":
        # A rejection grants nothing: no scope, and no period for it to hold.
        if letter.granted_scope:
            _row(pdf, "Omfattning", _clean(letter.granted_scope))
        _row(pdf, "Gäller", period_text(letter.valid_from, letter.valid_to))


def _decided_by(pdf: _Document, letter: DecisionLetter) -> None:
    _section(pdf, "Beslutsfattare")
    _paragraphs(pdf, _clean(letter.decided_by_name))
    if letter.decided_by_title:
        pdf.set_text_color(*_MUTED)
        pdf.set_y(pdf.get_y() - _PARAGRAPH_GAP)
        _paragraphs(pdf, _clean(letter.decided_by_title))
        pdf.set_text_color(*_INK)


def _section(pdf: _Document, title: str) -> None:
    pdf.ln(_SECTION_GAP)
    if pdf.get_y() + _KEEP_WITH_HEADING > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_font(_FONT, "B", 13)
    pdf.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.3)
    pdf.line(_MARGIN_X, pdf.get_y() + 0.5, pdf.w - _MARGIN_X, pdf.get_y() + 0.5)
    pdf.ln(3)


def _row(pdf: _Document, label: str, value: str, style: str = "") -> None:
    """A label in the left column and its value (wrapping if it must) beside it."""
    if pdf.get_y() + _LINE > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font(_FONT, "", 9.5)
    pdf.set_text_color(*_MUTED)
    pdf.set_xy(_MARGIN_X, top + 0.35)
    pdf.cell(_LABEL_W, _LINE, label)
    pdf.set_text_color(*_INK)
    pdf.set_font(_FONT, style, _BODY_PT)
    pdf.set_xy(_MARGIN_X + _LABEL_W, top)
    pdf.multi_cell(0, _LINE, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.8)


def _paragraphs(pdf: _Document, text: str) -> None:
    """Free text: a blank line starts a new paragraph, a single line break is kept."""
    pdf.set_font(_FONT, "", _BODY_PT)
    for paragraph in _split_paragraphs(_clean(text)):
        pdf.multi_cell(0, _LINE, paragraph, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(_PARAGRAPH_GAP)


def _bullets(pdf: _Document, items: list[str]) -> None:
    pdf.set_font(_FONT, "", _BODY_PT)
    for item in items:
        if pdf.get_y() + _LINE > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.get_y()
        pdf.set_xy(_MARGIN_X + 2, top)
        pdf.cell(5, _LINE, "•")
        pdf.set_xy(_MARGIN_X + 7, top)
        pdf.multi_cell(0, _LINE, _clean(item), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
    pdf.ln(_PARAGRAPH_GAP - 1)


def _split_paragraphs(text: str) -> list[str]:
    paragraphs, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def _clean(text: str) -> str:
    """Line breaks as \\n, tabs as spaces, no other control characters (they have no glyph)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(c for c in text if c == "\n" or c >= " " and not "\x7f" <= c <= "\x9f").strip()
