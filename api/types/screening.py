"""ScreeningResult: one answer of a batch screening, in the order asked."""

from __future__ import annotations

import asyncio
from datetime import date

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from api.context import Info
from api.types.common import AppliedMeasure, Risk
from api.types.credit_file import ListEntry
from api.types.subject import Subject, applied_measures, subject_object, visible_entries
from graph.access import OrganisationRow, PersonRow
from graph.identifiers import IdentifierError, parse_id_number, parse_uscc
from graph.risk import BASIS_WORDS, assess

ROLE_WORDS = {"LEGAL_REPRESENTATIVE": "legal representative", "PRINCIPAL": "principal"}


@strawberry.type
class ScreeningResult:
    query: str = strawberry.field(description="The USCC or ID number as asked.")
    found: bool
    subject: Subject | None
    risk: Risk | None
    active_list_entries: list[ListEntry]
    measures: list[AppliedMeasure]
    flags: list[str] = strawberry.field(
        description="Plain-language findings, e.g. that the subject's legal representative is blacklisted elsewhere.")


def _not_found(query: str, flags: list[str]) -> ScreeningResult:
    return ScreeningResult(query=query, found=False, subject=None, risk=None, active_list_entries=[], measures=[],
                           flags=flags)


def asked(info: Info) -> frozenset[str]:
    """The fields asked of each result of the field being resolved (fragments included): a screening fetches
    only what they need (risk and flags need the risk inputs, flags the leaders' flags, …)."""

    def names(selections: list[Selection]) -> set[str]:
        found: set[str] = set()
        for selection in selections:
            if isinstance(selection, SelectedField):
                found.add(selection.name)
            elif isinstance(selection, FragmentSpread | InlineFragment):
                found |= names(selection.selections)
        return found

    return frozenset(names(info.selected_fields[0].selections))


async def _nothing() -> None:
    return None


async def screen_uscc(info: Info, raw: str, as_of: date, wanted: frozenset[str]) -> ScreeningResult:
    try:
        parsed = parse_uscc(raw)
    except IdentifierError as exc:
        return _not_found(raw, [f"malformed USCC: {exc}"])
    flags = [] if parsed.checksum_valid else ["the USCC's check character does not verify (kept as given)"]
    row = await info.context.loaders.organisation.load(parsed.code)
    if row is None:
        return _not_found(raw, [*flags, "no organisation with this USCC in the credit file"])
    # The leaders' flags and the subject's own file are independent: fetch them side by side.
    leaders, result = await asyncio.gather(
        info.context.loaders.leader_flags.load((as_of, parsed.code)) if "flags" in wanted else _nothing(),
        _found(info, raw, row, as_of, flags, wanted))
    for f in leaders or []:
        what = "an active BLACKLIST entry" if f.why == "BLACKLIST" else "a SERIOUS record in its publication period"
        result.flags.append(f"its {ROLE_WORDS[f.role]} {f.person} answers (measure 八) for {what} of "
                            f"{f.other_name} ({f.other_uscc}): {', '.join(f.refs)}")
    return result


async def screen_id_number(info: Info, raw: str, as_of: date, wanted: frozenset[str]) -> ScreeningResult:
    try:
        number = parse_id_number(raw)
    except IdentifierError as exc:
        return _not_found(raw, [f"malformed ID number: {exc}"])
    row = await info.context.loaders.person_by_id_number.load(number)
    if row is None:
        return _not_found(raw, ["no person with this ID number in the credit file"])
    return await _found(info, raw, row, as_of, [], wanted)


async def _found(info: Info, raw: str, row: OrganisationRow | PersonRow, as_of: date,
                 flags: list[str], wanted: frozenset[str]) -> ScreeningResult:
    """A found subject's result; what no asked field needs is not fetched (and stays empty)."""
    loaders = info.context.loaders
    inputs, entries, measures = await asyncio.gather(
        loaders.risk_inputs.load((as_of, row.key)) if wanted & {"risk", "flags"} else _nothing(),
        visible_entries(info, row.key, as_of, active_only=True) if "activeListEntries" in wanted else _nothing(),
        applied_measures(info, row.key, as_of) if "measures" in wanted else _nothing())
    if inputs is None:
        return ScreeningResult(query=raw, found=True, subject=subject_object(row, as_of), risk=None,
                               active_list_entries=[ListEntry.from_row(e, as_of) for e in entries or []],
                               measures=measures or [], flags=flags)
    for r in inputs.answered_records:
        if r.record.severity == "SERIOUS":
            flags.append(f"answers (measure 八) {BASIS_WORDS[r.basis]} for SERIOUS record {r.record.record_id} "
                         f"of {r.org_name} ({r.org_uscc})")
    for e in inputs.answered_entries:
        if e.entry.list_type == "BLACKLIST":
            flags.append(f"answers (measure 八) {BASIS_WORDS[e.basis]} for BLACKLIST entry {e.entry.entry_id} "
                         f"of {e.org_name} ({e.org_uscc})")
    return ScreeningResult(
        query=raw, found=True, subject=subject_object(row, as_of), risk=Risk.from_result(assess(inputs, as_of)),
        active_list_entries=[ListEntry.from_row(e, as_of) for e in entries or []],
        measures=measures or [], flags=flags,
    )
