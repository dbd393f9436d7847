"""Identifiers of the credit file: USCC (GB 32100-2015 with its embedded GB 11714 code), resident ID
(GB 11643-1999) and other ID numbers (passports …). Malformed input raises `IdentifierError` naming the position
(1-based) and character at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters, no I, O, S, V, Z
USCC_VALUES = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_DEPARTMENTS = set("123456789ANY")
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"
ASCII_DIGITS = "0123456789"  # not str.isdigit(), which takes '²' and '١'
# Passports and other ID numbers: at most this long (the exchange format's limit, graph/ingest/exchange.py), of these.
MAX_ID_NUMBER = 40
ID_NUMBER_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-")


class IdentifierError(ValueError):
    """A malformed code; `position` is 1-based, None when the whole code is at fault (its length)."""

    def __init__(self, message: str, position: int | None = None, char: str | None = None):
        super().__init__(message)
        self.position = position
        self.char = char


@dataclass(frozen=True)
class Uscc:
    code: str
    check_valid: bool  # GB 32100 check character, position 18
    org_code_valid: bool  # GB 11714 check character of the embedded organisation code, position 17

    @property
    def checksum_valid(self) -> bool:
        return self.check_valid and self.org_code_valid

    @property
    def region_code(self) -> str:
        return self.code[2:8]

    @property
    def org_code(self) -> str:
        return self.code[8:17]


def _uscc_check_char(body: str) -> str:
    total = sum(USCC_VALUES[ch] * w for ch, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _org_code_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_code_check_char(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    total = sum(_org_code_value(ch) * w for ch, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _upper_ascii(raw: str) -> str:
    """Stripped, ASCII letters in upper case, anything else as it is (and refused by the checks that follow):
    str.upper() maps some other letters into ASCII, 'ﬀ' to 'FF', which would make a code of them."""
    return "".join(ch.upper() if ch.isascii() else ch for ch in raw.strip())


def parse_uscc(raw: str) -> Uscc:
    """Parse a USCC; a well-formed code with a failing check character is returned with the flags off."""
    code = _upper_ascii(raw)
    if len(code) != 18:
        raise IdentifierError(f"a USCC has 18 characters, this one has {len(code)}")
    for pos, ch in enumerate(code, start=1):
        if ch not in USCC_VALUES:
            hint = f"; the check character of this code is {_uscc_check_char(code[:17])!r}" if pos == 18 else ""
            raise IdentifierError(
                f"character {pos} is {ch!r}, which is not in the USCC alphabet "
                f"(ASCII digits and A–Y without I, O, S, V, Z){hint}",
                pos, ch,
            )
    if code[0] not in USCC_DEPARTMENTS:
        raise IdentifierError(
            f"character 1 is {code[0]!r}; the registration department must be 1–9, A, N or Y", 1, code[0]
        )
    for pos in range(3, 9):
        if not code[pos - 1].isdigit():
            raise IdentifierError(
                f"character {pos} is {code[pos - 1]!r}; positions 3–8 are the 6-digit division code", pos, code[pos - 1]
            )
    return Uscc(
        code=code,
        check_valid=_uscc_check_char(code[:17]) == code[17],
        org_code_valid=org_code_check_char(code[8:16]) == code[16],
    )


def make_uscc(department: str, category: str, region: str, org_body: str) -> str:
    """A valid USCC from its parts (the generator's tool): both check characters are computed."""
    body = f"{department}{category}{region}{org_body}{org_code_check_char(org_body)}"
    return body + _uscc_check_char(body)


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    male: bool

    @property
    def region_code(self) -> str:
        return self.number[:6]


def resident_id_check_char(body: str) -> str:
    return RESIDENT_ID_CHECK[sum(int(ch) * w for ch, w in zip(body, RESIDENT_ID_WEIGHTS, strict=True)) % 11]


def parse_resident_id(raw: str) -> ResidentId:
    """Parse a 公民身份号码; anything but a well-formed number with a real birth date and a right check is rejected."""
    number = _upper_ascii(raw)
    if len(number) != 18:
        raise IdentifierError(f"a resident ID number has 18 characters, this one has {len(number)}")
    for pos, ch in enumerate(number[:17], start=1):
        if ch not in ASCII_DIGITS:
            raise IdentifierError(f"character {pos} is {ch!r}; the first 17 characters are digits 0–9", pos, ch)
    if not (number[17] in ASCII_DIGITS or number[17] == "X"):
        raise IdentifierError(f"character 18 is {number[17]!r}; the check character is a digit 0–9 or X", 18,
                              number[17])
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentifierError(
            f"characters 7–14 ({number[6:14]}) are not a real birth date (YYYYMMDD)", 7, number[6]
        ) from None
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        raise IdentifierError(
            f"character 18 is {number[17]!r} but the check character of this number is {expected!r}", 18, number[17]
        )
    return ResidentId(number=number, birth_date=birth, male=int(number[16]) % 2 == 1)


def parse_id_number(raw: str) -> str:
    """An ID number as stored (upper case), as asked for by a client; a resident ID (17 digits first) must
    verify."""
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


def make_resident_id(region: str, birth: date, sequence: int) -> str:
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + resident_id_check_char(body)


def mask_id_number(number: str) -> str:
    """First 6 and last 4 characters kept (measure 四/五): 320525********123X."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
