"""ScreeningResult: one answer of a batch screening, in the order asked."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.context import Info
from api.types.common import AppliedMeasure, Risk
from api.types.subject import applied_measures, subject_object, visible_entries
from graph.access import OrganisationRow, PersonRow
from graph.identifiers import ASCII_DIGITS, IdentifierError, parse_resident_id, parse_uscc
from graph.risk import BASIS_WORDS, assess

if TYPE_CHECKING:
    from api.types.list_entry import ListEntry
    from api.types.subject import Subject

ROLE_WORDS = {"LEGAL_REPRESENTATIVE": "legal representative", "PRINCIPAL": "principal"}
# Passports and other ID numbers: the exchange format's rule (graph/exchange.py), in ASCII.
MAX_ID_NUMBER = 40
ID_NUMBER_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-")


def parse_id_number(raw: str) -> str:
    """An ID number as stored (upper case); a resident ID (17 digits first) must verify. IdentifierError says
    what is wrong."""
    number = raw.strip()
    if not number:
        raise IdentifierError("the ID number is empty")
    if len(number) > MAX_ID_NUMBER:
        raise IdentifierError(f"an ID number has at most {MAX_ID_NUMBER} characters, this one has {len(number)}")
    for pos, ch in enumerate(number, start=1):
        # isascii() first: 'ß'.upper() is 'SS', and str.isalnum() takes any script.
        if not (ch.isascii() and ch.upper() in ID_NUMBER_CHARS):
            raise IdentifierError(f"character {pos} is {ch!r}; an ID number is ASCII letters, digits and '-'",
                                  pos, ch)
    number = number.upper()
    if len(number) == 18 and all(ch in ASCII_DIGITS for ch in number[:17]):
        return parse_resident_id(number).number
    return number


@strawberry.type
class ScreeningResult:
    query: str = strawberry.field(description="The USCC or ID number as asked.")
    found: bool
    subject: Annotated["Subject", strawberry.lazy("api.types.subject")] | None
    risk: Risk | None
    active_list_entries: list[Annotated["ListEntry", strawberry.lazy("api.types.list_entry")]]
    measures: list[AppliedMeasure]
    flags: list[str] = strawberry.field(
        description="Plain-language findings, e.g. that the subject's legal representative is blacklisted elsewhere.")


def _not_found(query: str, flags: list[str]) -> ScreeningResult:
    return ScreeningResult(query=query, found=False, subject=None, risk=None, active_list_entries=[], measures=[],
                           flags=flags)


async def screen_uscc(info: Info, raw: str, as_of: date) -> ScreeningResult:
    try:
        parsed = parse_uscc(raw)
    except IdentifierError as exc:
        return _not_found(raw, [f"malformed USCC: {exc}"])
    flags = [] if parsed.checksum_valid else ["the USCC's check character does not verify (kept as given)"]
    row = await info.context.loaders.organisation.load(parsed.code)
    if row is None:
        return _not_found(raw, flags + ["no organisation with this USCC in the credit file"])
    # The leaders' flags and the subject's own file are independent: fetch them side by side.
    leaders, result = await asyncio.gather(info.context.loaders.leader_flags.load((as_of, parsed.code)),
                                           _found(info, raw, row, as_of, flags))
    for f in leaders:
        what = "an active BLACKLIST entry" if f["why"] == "BLACKLIST" else "a SERIOUS record in its publication period"
        result.flags.append(f"its {ROLE_WORDS[f['role']]} {f['person']} answers (measure 八) for {what} of "
                            f"{f['otherName']} ({f['otherUscc']}): {', '.join(f['refs'])}")
    return result


async def screen_id_number(info: Info, raw: str, as_of: date) -> ScreeningResult:
    try:
        number = parse_id_number(raw)
    except IdentifierError as exc:
        return _not_found(raw, [f"malformed ID number: {exc}"])
    row = await info.context.loaders.person_by_id_number.load(number)
    if row is None:
        return _not_found(raw, ["no person with this ID number in the credit file"])
    return await _found(info, raw, row, as_of, [])


async def _found(info: Info, raw: str, row: OrganisationRow | PersonRow, as_of: date,
                 flags: list[str]) -> ScreeningResult:
    from api.types.list_entry import ListEntry

    inputs, entries, measures = await asyncio.gather(
        info.context.loaders.risk.load((as_of, row.key)), visible_entries(info, row.key, as_of, active_only=True),
        applied_measures(info, row.key, as_of))
    for r in inputs["answeredRecords"]:
        if r["severity"] == "SERIOUS":
            flags.append(f"answers (measure 八) {BASIS_WORDS[r['basis']]} for SERIOUS record {r['recordId']} "
                         f"of {r['org']} ({r['orgUscc']})")
    for e in inputs["answeredEntries"]:
        if e["listType"] == "BLACKLIST":
            flags.append(f"answers (measure 八) {BASIS_WORDS[e['basis']]} for BLACKLIST entry {e['entryId']} "
                         f"of {e['org']} ({e['orgUscc']})")
    return ScreeningResult(
        query=raw, found=True, subject=subject_object(row, as_of), risk=Risk.from_result(assess(inputs, as_of)),
        active_list_entries=[ListEntry.from_row(e, as_of) for e in entries],
        measures=measures, flags=flags,
    )
