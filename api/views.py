"""Who may see what: the one permission layer (shared spec access.md, "Roles and views").

Read it in three parts:
1. `RULES`: for each guarded field, the roles that may resolve it. A field not listed is open to whoever could
   reach its parent. The rules are installed on the schema's resolvers once (`install`), so no resolver checks
   a role itself; a refused field is a FORBIDDEN error naming who may, and the rest of the answer is served.
2. Views: which records and list entries a caller sees of one subject (public, shared, archive).
3. The access log (知情权): which top-level fields read whose file; `AccessLog` (api/schema.py) writes it
   in one transaction before the answer leaves.

A SUBJECT credential reads its own file as SELF (the archive view, every field) and everybody else's as PUBLIC.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLFieldResolver,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    default_field_resolver,
)

import settings
from api.auth import Principal, Role
from graph.access import EntryRow
from graph.errors import Forbidden, UserError

if TYPE_CHECKING:
    from api.context import Context

SELF = "SELF"  # the acting role of a SUBJECT credential on its own file

PUBLIC, UNIT, INVESTIGATOR, AUTHORITY, DASHBOARD, SUBJECT, ADMIN = (r.value for r in Role)
EVERYONE = frozenset(r.value for r in Role) | {SELF}
READERS = frozenset({UNIT, INVESTIGATOR, AUTHORITY, ADMIN})  # any file, in the shared view or wider
FILES = READERS | {PUBLIC, SUBJECT, SELF}  # everyone who may open a file at all (not DASHBOARD)
EXPLORERS = frozenset({INVESTIGATOR, ADMIN})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    # Extra conditions on the arguments (by their GraphQL names): (principal, acting role, args) -> a refusal or None.
    check: Callable[[Principal, str, dict[str, Any]], str | None] | None = None


def _own_person_only(principal: Principal, acting: str, args: dict[str, Any]) -> str | None:
    # person(idNumber:) tells whether a number exists: for a SUBJECT only its own (access.md, "Enumeration").
    number = str(args.get("idNumber") or "").strip().upper()
    if acting == SUBJECT and not principal.owns("PERSON", number):
        return "a SUBJECT credential may look up its own ID number only"
    return None


def _organisations_only(principal: Principal, acting: str, args: dict[str, Any]) -> str | None:
    kind = args.get("kind")
    if acting in (PUBLIC, SUBJECT) and kind is not None and getattr(kind, "value", kind) == "PERSON":
        return "searching persons is for UNIT, INVESTIGATOR, AUTHORITY or ADMIN; the public register lists " \
               "organisations"
    return None


RULES: dict[str, Rule] = {
    # Top-level fields.
    "Query.viewer": Rule(EVERYONE),
    "Query.organisation": Rule(FILES),
    "Query.node": Rule(FILES),
    "Query.search": Rule(FILES, _organisations_only),
    "Query.person": Rule(READERS | {SUBJECT}, _own_person_only),
    "Query.screen": Rule(READERS),
    "Query.liabilityTrace": Rule(EXPLORERS),
    "Query.neighbourhood": Rule(EXPLORERS),
    "Query.shortestPaths": Rule(EXPLORERS),
    "Query.accessLog": Rule(frozenset({SUBJECT, ADMIN})),
    "Query.securityEvents": Rule(frozenset({ADMIN})),
    # Aggregates only, never a file; a credential with a region sees that region and its parts
    # (api/types/dashboard.py: dashboard_region).
    "Query.dashboard": Rule(frozenset({DASHBOARD, AUTHORITY, ADMIN})),
    # Fields of a file that the public register does not show. Interface fields apply to every implementation.
    "Subject.riskLevel": Rule(READERS | {SELF}),
    "Subject.measures": Rule(READERS | {SELF}),
    "Person.accountableRecords": Rule(READERS | {SELF}),
    "Person.idNumberMasked": Rule(READERS | {SELF}),
    "Person.idNumber": Rule(EXPLORERS),
    "CreditRecord.accountablePersons": Rule(READERS | {SELF}),
    "AccessEvent.purpose": Rule(frozenset({ADMIN})),
    # Credit repair and objections (workflow.md sections 3, 4). Whose records, applications and objections is
    # checked in api/repair.py and api/types/repair.py (FORBIDDEN before any other refusal).
    "Mutation.applyForRepair": Rule(frozenset({SUBJECT, AUTHORITY})),
    "Mutation.decideRepair": Rule(frozenset({AUTHORITY})),
    "Mutation.fileObjection": Rule(frozenset({SUBJECT})),
    "Mutation.resolveObjection": Rule(frozenset({AUTHORITY})),
    "Query.repairApplications": Rule(frozenset({SUBJECT, AUTHORITY, ADMIN})),
    "Query.objections": Rule(frozenset({SUBJECT, AUTHORITY, ADMIN})),
    "CreditRecord.objections": Rule(frozenset({INVESTIGATOR, AUTHORITY, ADMIN, SELF})),
    "CreditRecord.repairApplications": Rule(frozenset({INVESTIGATOR, AUTHORITY, ADMIN, SELF})),
    # The joint-punishment loop (workflow.md sections 1, 2). Whose entry and whose push is checked in api/loop.py
    # (FORBIDDEN before any other refusal); the listing authority's own entries only, for ListEntry.pushes.
    "Mutation.initiateListing": Rule(frozenset({AUTHORITY})),
    "Mutation.removeListing": Rule(frozenset({AUTHORITY})),
    "Mutation.giveFeedback": Rule(frozenset({UNIT})),
    "Query.inbox": Rule(frozenset({UNIT})),
    "Subscription.pushes": Rule(frozenset({UNIT})),
    "ListEntry.pushes": Rule(frozenset({AUTHORITY, INVESTIGATOR, ADMIN})),
}

def who_may(rule: Rule) -> str:
    names: list[str] = [r.value for r in Role if r.value in rule.roles and r.value != SUBJECT]
    if SUBJECT in rule.roles:
        names.append("SUBJECT")
    elif SELF in rule.roles:
        names.append("the subject itself (SUBJECT)")
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def owner_of(obj: Any) -> tuple[str, str] | None:
    """(kind, USCC / pid / ID number) of the subject whose file an object belongs to; None for the root."""
    key = getattr(obj, "key", None)
    if isinstance(key, tuple) and len(key) == 2:
        return key
    row = getattr(obj, "row", None)
    if row is not None and hasattr(row, "subject_kind"):
        return row.subject_kind, row.subject_id
    return None


def acting_role(principal: Principal, obj: Any = None) -> str:
    """The role a request acts in on an object: its own, except a SUBJECT's, which is SELF on its own file and
    PUBLIC on any other."""
    own: str = principal.role.value
    if principal.role is not Role.SUBJECT:
        return own
    owner = owner_of(obj)
    if owner is None:
        return SUBJECT
    return SELF if principal.owns(*owner) else PUBLIC


def _guarded(name: str, rule: Rule, resolve: GraphQLFieldResolver) -> GraphQLFieldResolver:
    field = name.split(".", 1)[1]

    def resolver(root: Any, info: GraphQLResolveInfo[Context], **kwargs: Any) -> Any:
        principal: Principal = info.context.principal
        acting = acting_role(principal, root)
        if acting not in rule.roles:
            raise Forbidden(f"{field} is for {who_may(rule)}; this request is {principal.role.value}"
                            + (" on another subject's file" if principal.role is Role.SUBJECT and acting == PUBLIC
                               else ""))
        if rule.check is not None and (refusal := rule.check(principal, acting, kwargs)):
            raise Forbidden(refusal)
        return resolve(root, info, **kwargs)

    return resolver


def install(schema: GraphQLSchema, logged: dict[str, Callable[[GraphQLFieldResolver], GraphQLFieldResolver]]) -> None:
    """Wrap the resolvers of every guarded field (and, inside the guard, every logged one)."""
    implementations: dict[str, list[str]] = {}
    for type_ in schema.type_map.values():
        if isinstance(type_, GraphQLObjectType):
            for interface in type_.interfaces:
                implementations.setdefault(interface.name, []).append(type_.name)
    names = set(RULES) | set(logged)
    for name in names:
        type_name, field_name = name.split(".", 1)
        for concrete in implementations.get(type_name, [type_name]):
            type_ = schema.type_map[concrete]
            if not isinstance(type_, GraphQLObjectType):
                raise KeyError(f"views: {concrete} is not an object type of the schema")
            field = type_.fields.get(field_name)
            if field is None:
                raise KeyError(f"views: {concrete}.{field_name} is not in the schema")
            resolve = field.resolve or default_field_resolver
            if name in logged:
                resolve = logged[name](resolve)
            if name in RULES:
                resolve = _guarded(name, RULES[name], resolve)
                if field.subscribe is not None:  # a subscription is refused before its stream starts
                    field.subscribe = _guarded(name, RULES[name], field.subscribe)
            field.resolve = resolve


# --- Views of records and list entries ---

ALL_STATUSES = ("ACTIVE", "EXPIRED", "REPAIRED", "REVOKED")
VIEW_STATUSES = {
    "public": ("ACTIVE",),
    # Repaired and revoked records leave the public and shared views (domain.md); expired ones the public view.
    "shared": ("ACTIVE", "EXPIRED"),
    "archive": ALL_STATUSES,
}
ROLE_VIEW = {PUBLIC: "public", DASHBOARD: "public", UNIT: "shared", INVESTIGATOR: "shared", AUTHORITY: "shared",
             ADMIN: "archive", SELF: "archive"}


@dataclass(frozen=True)
class RecordView:
    """The statuses a caller sees of one subject's records, and, for an AUTHORITY, whose records it sees in
    the archive view (those it decided)."""

    statuses: tuple[str, ...]
    archive_authority: str | None = None

    def shows(self, status: str | None, authority_uscc: str | None) -> bool:
        return status is not None and (status in self.statuses
                                       or (self.archive_authority is not None
                                           and authority_uscc == self.archive_authority))


def view_name(principal: Principal, owner: tuple[str, str] | None) -> str:
    acting = SELF if owner is not None and principal.owns(*owner) else principal.role.value
    return ROLE_VIEW.get(acting, "public")


def record_view(principal: Principal, owner: tuple[str, str] | None) -> RecordView:
    view = view_name(principal, owner)
    authority = principal.agency_uscc if principal.role is Role.AUTHORITY else None
    return RecordView(VIEW_STATUSES[view], authority)


def asked_statuses(view: RecordView, asked: list[str] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(statuses to fetch for everyone's records, statuses to fetch for the AUTHORITY's own records): those asked
    (ACTIVE when none are) that the view shows."""
    wanted = asked or ["ACTIVE"]
    shown = tuple(s for s in ALL_STATUSES if s in wanted and s in view.statuses)
    own = tuple(s for s in ALL_STATUSES if s in wanted) if view.archive_authority else ()
    return shown, own


def entry_visible(principal: Principal, row: EntryRow, as_of: date, active_only: bool, active: bool) -> bool:
    """Public: active BLACKLIST and REDLIST entries (KEY_ATTENTION when the setting allows), nothing removed or
    expired, whatever was asked. Shared and archive: every entry listed by the file's date, with its dates."""
    if row.listed_on > as_of:
        return False
    if view_name(principal, (row.subject_kind, row.subject_id)) == "public":
        return active and (row.list_type != "KEY_ATTENTION" or settings.app().key_attention_public)
    return active or not active_only


def search_kind(principal: Principal, kind: str | None) -> str | None:
    """The public register lists organisations: PUBLIC (and a SUBJECT, on others) search those only."""
    return "ORGANISATION" if principal.role in (Role.PUBLIC, Role.SUBJECT) else kind


def check_purpose(purpose: str) -> str:
    purpose = purpose.strip()
    if not purpose:
        raise UserError("purpose: say why the full ID number is needed (it is written to the access log)")
    if len(purpose) > 500:
        raise UserError("purpose: at most 500 characters")
    return purpose


async def maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value
