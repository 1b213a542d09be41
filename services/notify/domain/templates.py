"""Swedish texts of every notification, from templates (string.Template: nothing to evaluate).

E-mail leaves the municipality's systems, so it carries no case details: no names, no
intervention, no reasons. Only a reference (the order id) and a link to log in and read.
"""
from dataclasses import dataclass
from string import Template

FOOTER = ("\n\nDet här meddelandet skickades automatiskt från Omsorg och går inte att svara på.\n"
          "Logga in för att läsa mer. Skicka inte personuppgifter via e-post.\n")


@dataclass(frozen=True)
class Message:
    subject: str
    text: str


@dataclass(frozen=True)
class _Texts:
    subject: Template
    text: Template


TEMPLATES: dict[str, _Texts] = {
    # To the provider (utförare), by e-mail.
    "order_sent": _Texts(
        Template("Ny beställning ($reference)"),
        Template("Hej!\n\nNi har fått en ny beställning från socialtjänsten.\n"
                 "Logga in i Omsorg för att läsa den och bekräfta eller avvisa den:\n$link\n\n"
                 "Referens: $reference" + FOOTER)),
    "order_reminder": _Texts(
        Template("Påminnelse: obekräftad beställning ($reference)"),
        Template("Hej!\n\nEn beställning till er har ännu inte bekräftats.\n"
                 "Logga in i Omsorg och bekräfta eller avvisa den så snart som möjligt:\n$link\n\n"
                 "Referens: $reference" + FOOTER)),
    "order_recalled": _Texts(
        Template("Beställning återkallad ($reference)"),
        Template("Hej!\n\nEn beställning som ni har öppnat har återkallats av socialtjänsten "
                 "och ska inte verkställas.\nLogga in i Omsorg för att se den:\n$link\n\n"
                 "Referens: $reference" + FOOTER)),
    "order_ended": _Texts(
        Template("Beställning avslutad ($reference)"),
        Template("Hej!\n\nÄrendet som beställningen hör till har avslutats av socialtjänsten. "
                 "Beställningen är därmed avslutad och ska inte verkställas vidare; tid efter "
                 "avslutet kan inte återrapporteras.\nLogga in i Omsorg för att se den:\n$link\n\n"
                 "Referens: $reference" + FOOTER)),
    "delivery_voided": _Texts(
        Template("Återrapportering makulerad ($reference)"),
        Template("Hej!\n\nEn återrapportering av utförd tid kom in efter att ärendet hade avslutats "
                 "och har därför makulerats. Den ger ingen ersättning.\n"
                 "Logga in i Omsorg för att se beställningen:\n$link\n\n"
                 "Referens: $reference" + FOOTER)),
    # To caseworkers and supervisors, in the application.
    "watch_raised": _Texts(
        Template("Bevakning: $what"),
        Template("En bevakning har löpt ut och behöver åtgärdas: $what.\n$link")),
    "watch_escalated": _Texts(
        Template("Eskalerad bevakning: $what"),
        Template("En bevakning har inte åtgärdats i tid och har eskalerats: $what.\n$link")),
    # To the caseworker's own supervisor (gruppchef), by e-mail: what kind of watch, and a link.
    "watch_escalated_email": _Texts(
        Template("Eskalerad bevakning: $what"),
        Template("Hej!\n\nEn bevakning för en av dina medarbetare har inte åtgärdats i tid och har "
                 "eskalerats till dig: $what.\nLogga in i Omsorg för att se den:\n$link" + FOOTER)),
}

# What a watch is about, in Swedish, by its kind; an unknown kind reads as a plain "bevakning".
WATCH_KINDS = {
    "order_unconfirmed": "obekräftad beställning",
    "order_escalated": "obekräftad beställning",
    "decision_unexecuted": "ej verkställt beslut",
    "protection_assessment_due": "skyddsbedömning",
    "assessment_due": "förhandsbedömning",
    "investigation_due": "utredningstiden går ut",
    "decision_lapsing": "beslut som snart upphör att gälla",
    "follow_up": "uppföljning",
    "placement_review": "övervägande av placering",
    "note_unsigned": "osignerad journalanteckning",
    "culling_unconfirmed": "gallring som inte alla tjänster har bekräftat",
    "culling_due": "personakter att gallra",
}


def watch_text(kind: str | None) -> str:
    return WATCH_KINDS.get(kind or "", "bevakning")


def render(template: str, **params: str) -> Message:
    """The subject and text of `template`; a missing parameter is an error, never an empty gap."""
    texts = TEMPLATES[template]
    return Message(texts.subject.substitute(params), texts.text.substitute(params))


def order_link(public_url: str, order_id) -> str:
    return f"{public_url.rstrip('/')}/orders/{order_id}"


def watch_link(public_url: str, subject_type: str, subject_id) -> str:
    """Where a watch's notice leads: the order it is about, else the watch list."""
    if subject_type == "order":
        return order_link(public_url, subject_id)
    return f"{public_url.rstrip('/')}/watches"
