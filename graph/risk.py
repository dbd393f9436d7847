"""The risk rule of domain.md (our rule, not an official model), with reasons that name the record or entry.

RED: an active BLACKLIST entry, or a SERIOUS record in its publication period.
YELLOW: an active KEY_ATTENTION entry, a GENERAL record in its publication period, an overdue rectification,
or a refused interview. GREEN: none of these. For a person, what they answer for under measure 八 counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# A refused interview about a list entry counts while that entry is active; one about nothing listed
# counts for a year (our policy: the rule names no period).
REFUSAL_WEIGHS_FOR = timedelta(days=365)
BASIS_WORDS = {"LEGAL_REPRESENTATIVE": "as legal representative at the time",
               "PRINCIPAL": "as principal at the time", "NAMED_RESPONSIBLE": "as a person named responsible"}


@dataclass(frozen=True)
class RiskRecord:
    """A GENERAL or SERIOUS record in its publication period on the day asked."""

    record_id: str
    severity: str
    category: str
    decided_on: date
    public_until: date | None


@dataclass(frozen=True)
class RiskEntry:
    """A BLACKLIST or KEY_ATTENTION entry active on the day asked."""

    entry_id: str
    list_type: str
    domain: str
    listed_on: date


@dataclass(frozen=True)
class RiskEvent:
    """A rectification ordered or done, or an interview refused, by the day asked."""

    event_id: str
    event_type: str  # RECTIFICATION_ORDERED, RECTIFICATION_DONE or INTERVIEW_REFUSED
    occurred_on: date
    due_on: date | None
    record_id: str | None
    entry_id: str | None


@dataclass(frozen=True)
class AnsweredRecord:
    """A record of an organisation that a person answers for under measure 八."""

    record: RiskRecord
    basis: str  # LEGAL_REPRESENTATIVE, PRINCIPAL (on the decision date) or NAMED_RESPONSIBLE
    org_name: str | None
    org_uscc: str | None


@dataclass(frozen=True)
class AnsweredEntry:
    """A list entry of an organisation that a person answers for under measure 八."""

    entry: RiskEntry
    basis: str  # LEGAL_REPRESENTATIVE, PRINCIPAL (on the listing date) or NAMED_RESPONSIBLE
    org_name: str | None
    org_uscc: str | None


@dataclass(frozen=True)
class RiskInputs:
    """What the rule looks at for one subject on one day (queries/risk_inputs.cypher); the answered ones for a
    person only."""

    records: tuple[RiskRecord, ...] = ()
    entries: tuple[RiskEntry, ...] = ()
    events: tuple[RiskEvent, ...] = ()
    answered_records: tuple[AnsweredRecord, ...] = ()
    answered_entries: tuple[AnsweredEntry, ...] = ()


@dataclass(frozen=True)
class LeaderFlag:
    """Screening: a leader of the screened organisation (in office on the day) who answers elsewhere for an active
    BLACKLIST entry or a SERIOUS record in its publication period (queries/screening_leader_flags.cypher)."""

    person: str  # the leader's name
    role: str  # LEGAL_REPRESENTATIVE or PRINCIPAL of the screened organisation
    other_name: str
    other_uscc: str
    why: str  # BLACKLIST or SERIOUS
    refs: tuple[str, ...]  # the entryIds or recordIds


@dataclass(frozen=True)
class RiskResult:
    level: str
    reasons: list[str]


def assess(inputs: RiskInputs, as_of: date) -> RiskResult:
    red: list[str] = []
    yellow: list[str] = []
    for e in inputs.entries:
        target = red if e.list_type == "BLACKLIST" else yellow
        target.append(f"active {e.list_type} entry {e.entry_id} ({e.domain}, listed {e.listed_on})")
    for r in inputs.records:
        target = red if r.severity == "SERIOUS" else yellow
        target.append(f"{r.severity} record {r.record_id} ({r.category}, decided {r.decided_on}) "
                      f"in its publication period until {r.public_until}")
    for ae in inputs.answered_entries:
        target = red if ae.entry.list_type == "BLACKLIST" else yellow
        target.append(f"answers (measure 八) {BASIS_WORDS[ae.basis]} for active {ae.entry.list_type} entry "
                      f"{ae.entry.entry_id} of {ae.org_name} ({ae.org_uscc})")
    for ar in inputs.answered_records:
        target = red if ar.record.severity == "SERIOUS" else yellow
        target.append(f"answers (measure 八) {BASIS_WORDS[ar.basis]} for {ar.record.severity} record "
                      f"{ar.record.record_id} of {ar.org_name} ({ar.org_uscc}), decided {ar.record.decided_on}")
    yellow.extend(_event_reasons(inputs, as_of))
    if red:
        return RiskResult("RED", red + yellow)
    if yellow:
        return RiskResult("YELLOW", yellow)
    return RiskResult("GREEN", [])


def _event_reasons(inputs: RiskInputs, as_of: date) -> list[str]:
    done = {ev.record_id for ev in inputs.events if ev.event_type == "RECTIFICATION_DONE"}
    active_entries = {e.entry_id for e in inputs.entries}
    reasons = []
    for ev in inputs.events:
        if ev.event_type == "RECTIFICATION_ORDERED" and ev.due_on is not None and ev.due_on < as_of \
                and ev.record_id not in done:
            about = f" for record {ev.record_id}" if ev.record_id else ""
            reasons.append(f"rectification{about} overdue since {ev.due_on} (event {ev.event_id})")
        if ev.event_type == "INTERVIEW_REFUSED":
            weighs = ev.entry_id in active_entries if ev.entry_id else ev.occurred_on > as_of - REFUSAL_WEIGHS_FOR
            if weighs:
                reasons.append(f"refused an interview on {ev.occurred_on} (event {ev.event_id})")
    return reasons
