"""Every Cypher query of creditfile, one `.cypher` file each, with a name and a mode.

A file starts with a line `// READ` or `// WRITE`, then a comment saying what it does. Values are always
`$parameters`; the mode decides the routing (READ queries go to any cluster member, WRITE to the leader).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Mode(str, Enum):
    READ = "READ"
    WRITE = "WRITE"


@dataclass(frozen=True)
class Query:
    name: str
    mode: Mode
    text: str


def _parse(path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    first = text.lstrip().splitlines()[0].strip() if text.strip() else ""
    mode = first.removeprefix("//").strip()
    if mode not in Mode.__members__:
        raise ValueError(f"{path.name}: the first line must be '// READ' or '// WRITE', not {first!r}")
    return Query(name=path.stem, mode=Mode(mode), text=text)


ALL: dict[str, Query] = {p.stem: _parse(p) for p in sorted(Path(__file__).parent.glob("*.cypher"))}


def get(name: str) -> Query:
    try:
        return ALL[name]
    except KeyError:
        raise KeyError(f"no query named {name!r} in queries/") from None
