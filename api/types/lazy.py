"""The types that other type modules name before they can import them, each declared once as a strawberry lazy
type: strawberry imports the defining module when it builds the schema, not when the naming module loads.

The credit file's types refer to each other in circles (a subject has records and entries, a record and an entry
have a subject; a record has objections, an objection has a target record), so a module on such a circle
annotates with these aliases, and where a resolver builds an object of a type further along the circle it
imports that type inside the resolver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, TypeAlias

import strawberry

if TYPE_CHECKING:
    from api.types.holdings import RoleHolding, Shareholding
    from api.types.list_entry import ListEntry
    from api.types.pagination import AccountabilityConnection, CreditRecordConnection
    from api.types.push import Push
    from api.types.repair import Objection, RepairApplication

LazyRoleHolding: TypeAlias = Annotated["RoleHolding", strawberry.lazy("api.types.holdings")]
LazyShareholding: TypeAlias = Annotated["Shareholding", strawberry.lazy("api.types.holdings")]
LazyListEntry: TypeAlias = Annotated["ListEntry", strawberry.lazy("api.types.list_entry")]
LazyPush: TypeAlias = Annotated["Push", strawberry.lazy("api.types.push")]
LazyObjection: TypeAlias = Annotated["Objection", strawberry.lazy("api.types.repair")]
LazyRepairApplication: TypeAlias = Annotated["RepairApplication", strawberry.lazy("api.types.repair")]
LazyCreditRecordConnection: TypeAlias = Annotated["CreditRecordConnection", strawberry.lazy("api.types.pagination")]
LazyAccountabilityConnection: TypeAlias = Annotated["AccountabilityConnection",
                                                    strawberry.lazy("api.types.pagination")]
