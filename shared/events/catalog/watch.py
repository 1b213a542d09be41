"""Events on watch.events (bevakningar), keyed by the watched subject's id (an order,
inquiry, investigation, decision or journal note), so the events about one subject arrive in order.

A watch is unique per subject and kind while it is open: when a second rule fires for
it (a follow-up's notice, then its day), the same watch is raised again with a higher
`trigger_count`, and readers may treat a repeat of a `watch_id` as a reminder.
"""
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from shared.events.types import event_type

SubjectType = Literal["order", "inquiry", "investigation", "decision", "note", "culling", "retention"]


@event_type("watch.raised", "watch.events")
class WatchRaised(BaseModel):
    """En bevakning har väckts för en handläggare (med `remind_provider`: påminn även utföraren)."""
    watch_id: UUID
    kind: str
    rule: str
    subject_type: SubjectType
    subject_id: UUID
    case_id: UUID | None = None
    assignee: str | None = Field(description="The caseworker (sub); null: the unit's supervisors, or the `role`'s")
    unit: str = Field(description="The unit; empty for a watch raised for a role (`role`)")
    role: str | None = Field(None, description="The role whose members the watch is for (`support`: a culling not"
                                               " every service confirmed in time); null for a caseworker's or unit's")
    due_on: date
    raised_at: datetime
    trigger_count: int = 1
    remind_provider: bool = False
    provider_id: UUID | None = None
    provider_email: str | None = None
    provider_webhook_url: str | None = None


@event_type("watch.escalated", "watch.events")
class WatchEscalated(BaseModel):
    """En bevakning har lyfts till gruppchef: to the caseworker's own supervisor when the staff
    directory names one (`supervisor`), else to the unit's supervisors (`supervisor` null). Any
    supervisor of the unit sees it in the unit's list."""
    watch_id: UUID
    kind: str
    rule: str
    subject_type: SubjectType
    subject_id: UUID
    case_id: UUID | None = None
    escalated_to: Literal["supervisor"] = "supervisor"
    assignee: None = None
    caseworker: str | None = Field(description="Whose watch it was (sub)")
    supervisor: str | None = Field(None, description="The caseworker's own supervisor (sub) from the staff"
                                                     " directory, whom the escalation names; null: the unit's"
                                                     " supervisors")
    unit: str
    due_on: date
    escalated_at: datetime
    trigger_count: int = 1


@event_type("watch.resolved", "watch.events")
class WatchResolved(BaseModel):
    """En bevakning är åtgärdad: by a person (`manual`) or by the event that settled it."""
    watch_id: UUID
    kind: str
    subject_type: SubjectType
    subject_id: UUID
    case_id: UUID | None = None
    assignee: str | None = None
    unit: str
    resolution: str = Field(description="`manual`, or the settling event type, e.g. `order.confirmed`")
    resolved_by: str = Field(description="The user's sub, or `system`")
    resolved_at: datetime


__all__ = ["WatchEscalated", "WatchRaised", "WatchResolved", "WatchesCulled"]


@event_type("watches.culled", "watch.events")
class WatchesCulled(BaseModel):
    """Bevakningen har gallrat sina bevakningar, timrar och uppgifter om en persons ärenden och
    beslut: watch's confirmation of a culling (`person.culling_approved`, by its case and inquiry
    ids). Keyed by the culling. Counts what went, never what it said."""
    culling_id: UUID
    service: Literal["watch"] = "watch"
    counts: dict[str, int] = Field(description="rows culled per kind: watches, timers, subjects, decisions, cases")
    culled_at: datetime
