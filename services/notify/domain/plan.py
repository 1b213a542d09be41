"""Which notifications an event gives rise to: pure functions from facts to deliveries."""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from services.notify.domain.deliveries import Channel, Delivery
from services.notify.domain.templates import order_link, render, watch_text


@dataclass(frozen=True)
class ProviderContact:
    """The provider's contact as the order that is notified about carried it."""
    order_id: UUID
    provider_id: UUID
    email: str
    webhook_url: str | None
    caseworker: str | None = None
    unit: str | None = None


def user(sub: str) -> str:
    return f"user:{sub}"


def supervisors(unit: str) -> str:
    return f"supervisors:{unit}"


def to_provider(event_id: UUID, event_type: str, template: str, contact: ProviderContact,
                public_url: str) -> list[Delivery]:
    """E-mail to the provider, and the same notice to its system when it has a webhook."""
    reference = str(contact.order_id)
    link = order_link(public_url, contact.order_id)
    message = render(template, reference=reference, link=link)
    common = dict(event_id=event_id, event_type=event_type, template=template,
                  order_id=contact.order_id, provider_id=contact.provider_id)
    deliveries = [Delivery(channel=Channel.EMAIL, recipient=contact.email,
                           content={"subject": message.subject, "text": message.text}, **common)]
    if contact.webhook_url:
        payload: dict[str, Any] = {"notification": template, "event_id": str(event_id), "event_type": event_type,
                                   "order_id": reference, "provider_id": str(contact.provider_id),
                                   "subject": message.subject, "link": link}
        deliveries.append(Delivery(channel=Channel.WEBHOOK, recipient=contact.webhook_url,
                                   content=payload, **common))
    return deliveries


def in_app(event_id: UUID, event_type: str, template: str, recipients: list[str], *, kind: str | None,
           link: str, order_id: UUID | None = None) -> list[Delivery]:
    message = render(template, what=watch_text(kind), link=link)
    seen: list[str] = []
    for r in recipients:
        if r not in seen:
            seen.append(r)
    return [Delivery(event_id=event_id, event_type=event_type, template=template, channel=Channel.IN_APP,
                     recipient=r, content={"title": message.subject, "text": message.text, "link": link},
                     order_id=order_id)
            for r in seen]


def watch_recipients(template: str, assignee: str | None, unit: str | None, *,
                     supervisor: str | None = None) -> list[str]:
    """A watch goes to its caseworker (or, with none, the unit's supervisors); an escalation to
    the caseworker's own supervisor when it names one, else to the unit's supervisors, and to the
    caseworker whose watch it was as well."""
    recipients = []
    if template == "watch_escalated" and supervisor:
        recipients.append(user(supervisor))
    elif unit and (template == "watch_escalated" or not assignee):
        recipients.append(supervisors(unit))
    if assignee:
        recipients.append(user(assignee))
    return recipients


def with_covers(recipients: list[str], covers: Mapping[str, Sequence[str]]) -> list[str]:
    """Each member's notices go to whoever covers them (ersättare) as well: `covers` maps an absent
    member's sub to the subs of their covers in force today."""
    out: list[str] = []
    for r in recipients:
        out.append(r)
        if r.startswith("user:"):
            out += [user(c) for c in covers.get(r.removeprefix("user:"), ())]
    return list(dict.fromkeys(out))


def to_supervisor_by_email(event_id: UUID, event_type: str, email: str, *, kind: str | None, link: str,
                           order_id: UUID | None = None) -> Delivery:
    """The escalation to the named supervisor, by e-mail to the directory's address: the kind of
    watch and a link to log in, nothing about the person or the case."""
    message = render("watch_escalated_email", what=watch_text(kind), link=link)
    return Delivery(event_id=event_id, event_type=event_type, template="watch_escalated_email",
                    channel=Channel.EMAIL, recipient=email, content={"subject": message.subject, "text": message.text},
                    order_id=order_id)
