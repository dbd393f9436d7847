"""The types that other type modules name before they can import them, each declared once as a strawberry lazy
type: strawberry imports the defining module when it builds the schema, not when the naming module loads.

The types of one circle live in one module (api/types/subject.py: subjects and the links between them;
api/types/credit_file.py: records, entries, pushes, repair applications and objections); the two modules name
each other (a subject has records and entries, a record and an entry have a subject), and so do the
connections of api/types/pagination.py: those names are declared here, once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, TypeAlias

import strawberry

if TYPE_CHECKING:
    from api.types.credit_file import ListEntry
    from api.types.pagination import AccountabilityConnection, CreditRecordConnection

LazyListEntry: TypeAlias = Annotated["ListEntry", strawberry.lazy("api.types.credit_file")]
LazyCreditRecordConnection: TypeAlias = Annotated["CreditRecordConnection", strawberry.lazy("api.types.pagination")]
LazyAccountabilityConnection: TypeAlias = Annotated["AccountabilityConnection",
                                                    strawberry.lazy("api.types.pagination")]
