"""Identifiers, on the published codes of domain.md."""

from __future__ import annotations

from datetime import date

import pytest

from graph.identifiers import (
    IdentifierError,
    make_resident_id,
    make_uscc,
    mask_id_number,
    parse_resident_id,
    parse_uscc,
)

VALID_USCCS = ["914403001922038216", "91110000600037341L", "91310110666007217T", "91330201MA282UF146",
               "91330401MA28ADM67R"]


@pytest.mark.parametrize("code", VALID_USCCS)
def test_published_valid_usccs_pass_both_checks(code: str) -> None:
    parsed = parse_uscc(code)
    assert (parsed.check_valid, parsed.org_code_valid, parsed.checksum_valid) == (True, True, True)


def test_the_standards_example_is_refused_with_the_right_check_character() -> None:
    # 'Z' is outside the alphabet, so no real code ends in it: malformed, and the message gives the right one.
    with pytest.raises(IdentifierError, match=r"character 18 is 'Z'.*check character of this code is '3'"):
        parse_uscc("91350100M000100Y4Z")
    corrected = parse_uscc("91350100M000100Y43")
    assert corrected.check_valid is True


@pytest.mark.parametrize("code", ["91350100M0001TGQXM", "91350211M0000XUF46"])
def test_early_fujian_codes_are_well_formed_but_flagged(code: str) -> None:
    parsed = parse_uscc(code)
    assert parsed.checksum_valid is False
    assert parsed.region_code == code[2:8]


def test_region_and_lowercase() -> None:
    assert parse_uscc(" 91330201ma282uf146 ").region_code == "330201"


@pytest.mark.parametrize(
    ("code", "position", "char", "words"),
    [
        ("9144030019220382", None, None, "18 characters, this one has 16"),
        ("91440300192203821O", 18, "O", "character 18 is 'O'"),
        ("B14403001922038216", 1, "B", "registration department"),
        ("9144A3001922038216", 5, "A", "6-digit division code"),
        ("9144030019220382S6", 17, "S", "not in the USCC alphabet"),
    ],
)
def test_malformed_usccs_name_position_and_character(code, position, char, words) -> None:
    with pytest.raises(IdentifierError, match=words) as caught:
        parse_uscc(code)
    assert (caught.value.position, caught.value.char) == (position, char)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", "360426199101010071"])
def test_published_valid_resident_ids(number: str) -> None:
    parsed = parse_resident_id(number)
    assert parsed.number == number
    assert parsed.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def test_published_invalid_resident_id_names_the_check() -> None:
    with pytest.raises(IdentifierError, match="character 18 is '1' but the check character of this number is 'X'"):
        parse_resident_id("110105194912310021")


def test_resident_id_with_impossible_birth_date() -> None:
    body = "11010519490231002"  # 31 February
    with pytest.raises(IdentifierError, match="not a real birth date"):
        parse_resident_id(body + "0")


def test_made_ids_round_trip_and_mask() -> None:
    number = make_resident_id("320525", date(1980, 5, 17), 123)
    assert parse_resident_id(number).male is True
    assert mask_id_number("320525198005171234") == "320525********1234"
    assert parse_uscc(make_uscc("9", "1", "330201", "MA282UF1")).checksum_valid
