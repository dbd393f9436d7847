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
class RiskResult:
    level: str
    reasons: list[str]


def assess(inputs: dict, as_of: date) -> RiskResult:
    red: list[str] = []
    yellow: list[str] = []
    for e in inputs["entries"]:
        target = red if e["listType"] == "BLACKLIST" else yellow
        target.append(f"active {e['listType']} entry {e['entryId']} ({e['domain']}, listed {e['listedOn']})")
    for r in inputs["records"]:
        target = red if r["severity"] == "SERIOUS" else yellow
        target.append(f"{r['severity']} record {r['recordId']} ({r['category']}, decided {r['decidedOn']}) "
                      f"in its publication period until {r['publicUntil']}")
    for e in inputs["answeredEntries"]:
        target = red if e["listType"] == "BLACKLIST" else yellow
        target.append(f"answers (measure 八) {BASIS_WORDS[e['basis']]} for active {e['listType']} entry "
                      f"{e['entryId']} of {e['org']} ({e['orgUscc']})")
    for r in inputs["answeredRecords"]:
        target = red if r["severity"] == "SERIOUS" else yellow
        target.append(f"answers (measure 八) {BASIS_WORDS[r['basis']]} for {r['severity']} record {r['recordId']} "
                      f"of {r['org']} ({r['orgUscc']}), decided {r['decidedOn']}")
    yellow.extend(_event_reasons(inputs, as_of))
    if red:
        return RiskResult("RED", red + yellow)
    if yellow:
        return RiskResult("YELLOW", yellow)
    return RiskResult("GREEN", [])


def _event_reasons(inputs: dict, as_of: date) -> list[str]:
    events = inputs["events"]
    done = {ev["recordId"] for ev in events if ev["eventType"] == "RECTIFICATION_DONE"}
    active_entries = {e["entryId"] for e in inputs["entries"]}
    reasons = []
    for ev in events:
        if ev["eventType"] == "RECTIFICATION_ORDERED" and ev["dueOn"] is not None and ev["dueOn"] < as_of \
                and ev["recordId"] not in done:
            about = f" for record {ev['recordId']}" if ev["recordId"] else ""
            reasons.append(f"rectification{about} overdue since {ev['dueOn']} (event {ev['eventId']})")
        if ev["eventType"] == "INTERVIEW_REFUSED":
            weighs = ev["entryId"] in active_entries if ev["entryId"] else ev["occurredOn"] > as_of - REFUSAL_WEIGHS_FOR
            if weighs:
                reasons.append(f"refused an interview on {ev['occurredOn']} (event {ev['eventId']})")
    return reasons
