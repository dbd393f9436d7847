"""Every Cypher query of creditfile, one `.cypher` file each, with a name and a mode.

A file starts with a line `// READ` or `// WRITE`, then a comment saying what it does. Values are always
`$parameters`; the mode decides the routing (READ queries go to any cluster member, WRITE to the leader).

A domain rule used by several queries (record status, entry active, role in force, ...) lives once, in
`queries/rules/<name>.cypher`, and a query includes it as `{{ name(arg, ...) }}`. The includes are expanded once,
when this module is loaded; an unknown rule or a wrong number of arguments fails the import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

HERE = Path(__file__).parent

# `{{ entry_active(e, $asOf) }}`: a rule name and its arguments, each a variable, a $parameter or a property.
_INCLUDE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_CALL = re.compile(r"\s*(\w+)\(([\w$.,\s]*)\)\s*")
_ARGUMENT = re.compile(r"\$?\w+(?:\.\w+)?")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SIGNATURE = re.compile(r"//\s*(\w+)\(([\w,\s]*)\)")
_MAX_DEPTH = 5  # rules may include rules; deeper than this is a cycle


class Mode(str, Enum):
    READ = "READ"
    WRITE = "WRITE"


@dataclass(frozen=True)
class Query:
    name: str
    mode: Mode
    text: str


@dataclass(frozen=True)
class Rule:
    """A Cypher expression with `{parameter}` placeholders, from `queries/rules/<name>.cypher`."""

    name: str
    params: tuple[str, ...]
    body: str

    def apply(self, args: list[str]) -> str:
        return _PLACEHOLDER.sub(lambda m: args[self.params.index(m.group(1))], self.body)


def _parse_rule(path: Path) -> Rule:
    """A rule file: `// name(param, ...): what it says`, more `//` comment lines, then the expression."""
    lines = path.read_text(encoding="utf-8").strip().splitlines()
    signature = _SIGNATURE.match(lines[0]) if lines else None
    if signature is None or signature.group(1) != path.stem:
        raise ValueError(f"rules/{path.name}: the first line must be '// {path.stem}(param, ...): what it says'")
    params = tuple(p.strip() for p in signature.group(2).split(",") if p.strip())
    body = "\n".join(line for line in lines if not line.lstrip().startswith("//")).strip()
    used = set(_PLACEHOLDER.findall(body))
    if used != set(params):
        raise ValueError(f"rules/{path.name}: placeholders {sorted(used)} do not match the parameters {list(params)}")
    return Rule(name=path.stem, params=params, body=body)


RULES: dict[str, Rule] = {p.stem: _parse_rule(p) for p in sorted((HERE / "rules").glob("*.cypher"))}


def expand(text: str, where: str, depth: int = 0) -> str:
    """`text` with every `{{ rule(arg, ...) }}` replaced by the rule's expression, in parentheses."""
    if depth > _MAX_DEPTH:
        raise ValueError(f"{where}: rules include each other in a cycle")

    def include(match: re.Match[str]) -> str:
        call = _CALL.fullmatch(match.group(1))
        if call is None:
            raise ValueError(f"{where}: {match.group(0)!r} is not a rule call; write {{{{ name(arg, ...) }}}}")
        name, args = call.group(1), [a.strip() for a in call.group(2).split(",") if a.strip()]
        rule = RULES.get(name)
        if rule is None:
            raise ValueError(f"{where}: no rule {name!r} in queries/rules/ (there are: {', '.join(sorted(RULES))})")
        if len(args) != len(rule.params):
            raise ValueError(f"{where}: {name}({', '.join(rule.params)}) takes {len(rule.params)} arguments, "
                             f"not {len(args)}")
        if bad := [a for a in args if not _ARGUMENT.fullmatch(a)]:
            raise ValueError(f"{where}: arguments of {name} must be variables, $parameters or properties, not {bad}")
        return "(" + expand(rule.apply(args), f"{where} > {name}", depth + 1) + ")"

    expanded = _INCLUDE.sub(include, text)
    if "{{" in expanded:
        raise ValueError(f"{where}: an unclosed '{{{{' (a rule call is written {{{{ name(arg, ...) }}}})")
    return expanded


def _parse(path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    first = text.lstrip().splitlines()[0].strip() if text.strip() else ""
    mode = first.removeprefix("//").strip()
    if mode not in Mode.__members__:
        raise ValueError(f"{path.name}: the first line must be '// READ' or '// WRITE', not {first!r}")
    return Query(name=path.stem, mode=Mode(mode), text=expand(text, path.name))


ALL: dict[str, Query] = {p.stem: _parse(p) for p in sorted(HERE.glob("*.cypher"))}


def get(name: str) -> Query:
    try:
        return ALL[name]
    except KeyError:
        raise KeyError(f"no query named {name!r} in queries/") from None
