"""Request limits that depend on the document: the cost bound and PUBLIC's introspection (shared spec access.md,
"Limits"); and `CodedErrors`, which gives every error of a response its `extensions.code`."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

import settings
from api.auth import Role
from graph.errors import INTERNAL, INTERNAL_MESSAGE, ClientError, Forbidden, QueryTooCostly

log = logging.getLogger("creditfile.errors")

def code_of(error: GraphQLError) -> str:
    """The code a GraphQL error carries: its ClientError's, BAD_USER_INPUT for parse and validation errors
    (graphql-core's own messages, already plain words), INTERNAL_SERVER_ERROR for anything else."""
    original = error.original_error
    if original is None:
        return str((error.extensions or {}).get("code") or "BAD_USER_INPUT")
    if isinstance(original, ClientError):
        return original.code
    if error.path is None:  # raised while coercing variables (a scalar's parse_value): the client's input
        return "BAD_USER_INPUT"
    return INTERNAL


PAGE_ARGUMENTS = ("first", "limit")
# screen's page size is the number of codes it is given.
CODE_ARGUMENTS = ("usccs", "idNumbers")


def _value(node: Any, variables: dict[str, Any]) -> Any:
    """An argument's value: a literal, or a variable's (its default when it is not given); None when unknown or
    null (the argument's own default then applies, as it does when the field is resolved)."""
    if isinstance(node, VariableNode):
        value = variables.get(node.name.value)
        return _value(value, variables) if isinstance(value, Node) else value
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, ListValueNode):
        return node.values
    return None


class _Cost:
    """Σ over list fields of the product of the page sizes on the way to them. The cost of a fragment is
    linear in the multiplier above it, so it is computed once per (fragment, type): nested spreads cannot make
    the walk exponential."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any]):
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.memo: dict[str, int] = {}

    def page_size(self, field_def: Any, node: FieldNode) -> int | None:
        given = {arg.name.value: arg.value for arg in node.arguments or ()}
        codes = [name for name in CODE_ARGUMENTS if name in field_def.args]
        if codes:
            total = 0
            for name in codes:
                value = _value(given[name], self.variables) if name in given else None
                total += len(value) if isinstance(value, (list, tuple)) else 0
            return max(total, 1)
        for name in PAGE_ARGUMENTS:
            if name in field_def.args:
                value = _value(given[name], self.variables) if name in given else None
                if value is None:
                    value = field_def.args[name].default_value
                return value if isinstance(value, int) and value > 0 else 1
        return None

    def of(self, selection_set: SelectionSetNode | None, parent: Any) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields = getattr(parent, "fields", None) or {}
                field_def = fields.get(selection.name.value)
                if field_def is None:
                    continue
                size = self.page_size(field_def, selection)
                inner = self.of(selection.selection_set, get_named_type(field_def.type))
                total += (size or 0) + (size or 1) * inner
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                total += self.of(selection.selection_set,
                                 self.schema.type_map.get(condition.name.value) if condition else parent)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in self.memo:
                    self.memo[name] = 0  # a cycle (refused by validation anyway) counts nothing
                    fragment = self.fragments.get(name)
                    if fragment is not None:
                        self.memo[name] = self.of(fragment.selection_set,
                                                  self.schema.type_map.get(fragment.type_condition.name.value))
                total += self.memo[name]
        return total


def query_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
               variables: dict[str, Any] | None) -> int:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)
                  and (operation_name is None or (d.name and d.name.value == operation_name))]
    total = 0
    for operation in operations[:1]:
        # Variables not given take their declared default (an AST value, resolved by `_value`).
        values: dict[str, Any] = {d.variable.name.value: d.default_value for d in operation.variable_definitions or ()
                                  if d.default_value is not None}
        values.update({k: v for k, v in (variables or {}).items() if v is not None})
        walker = _Cost(schema, fragments, values)
        root = schema.get_root_type(operation.operation)
        total += walker.of(operation.selection_set, root)
    return total


def _introspects(node: Any) -> Iterator[bool]:
    for selection in getattr(getattr(node, "selection_set", None), "selections", None) or ():
        if isinstance(selection, FieldNode) and selection.name.value in ("__schema", "__type"):
            yield True
        yield from _introspects(selection)


def asks_introspection(document: DocumentNode) -> bool:
    return any(any(_introspects(d)) for d in document.definitions)


class DocumentLimits(SchemaExtension):
    """Refuses, before execution: a document over the cost bound (QUERY_TOO_COSTLY), and introspection by PUBLIC
    unless CREDITFILE_PUBLIC_INTROSPECTION=1 (FORBIDDEN). Checked on the document itself, after validation, so
    the parse and validation caches cannot carry one caller's permission to another."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        try:
            self.check()
        except ClientError as exc:  # a preset result: strawberry then skips execution, and CodedErrors sees it
            ctx.result = ExecutionResult(data=None, errors=[GraphQLError(str(exc), original_error=exc)])
        yield

    def check(self) -> None:
        ctx = self.execution_context
        document, conf = ctx.graphql_document, settings.app()
        if document is not None:
            principal = getattr(ctx.context, "principal", None)
            if (principal is not None and principal.role is Role.PUBLIC and not conf.public_introspection
                    and asks_introspection(document)):
                raise Forbidden("introspection is for signed-in callers; send an API key in the Authorization header")
            cost = query_cost(ctx.schema._schema, document, ctx.operation_name, ctx.variables)
            if cost > conf.max_cost:
                raise QueryTooCostly(f"the query's cost is {cost:,} (page sizes multiplied along nested lists, "
                                     f"summed), more than {conf.max_cost:,}: ask for smaller pages (first, limit)",
                                     cost=cost, maxCost=conf.max_cost)


SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


class CodedErrors(SchemaExtension):
    """Every error gets `extensions.code`; a defect of ours is logged and answered as INTERNAL_SERVER_ERROR with
    no detail; PUBLIC gets no "did you mean" suggestions while introspection is off for it."""

    _streamed: Any = None  # the last result of a subscription, coded already

    def on_operation(self) -> Iterator[None]:
        yield
        if self.execution_context.result is not self._streamed:
            self.code(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        # Each result of a subscription, before it is sent (on_operation ends only with the stream).
        self.code(result)
        self._streamed = result
        yield

    def code(self, result: Any) -> None:
        if result is None or not result.errors:
            return
        principal = getattr(self.execution_context.context, "principal", None)
        hide_suggestions = (principal is None or principal.role is Role.PUBLIC) and \
            not settings.app().public_introspection
        coded = []
        for error in result.errors:
            code = code_of(error)
            if code == INTERNAL:
                log.error("internal error at %s (operation %s)", ".".join(map(str, error.path or [])) or "-",
                          self.execution_context.operation_name or "-", exc_info=error.original_error)
                error = GraphQLError(INTERNAL_MESSAGE, nodes=error.nodes, path=error.path)
            else:
                extra = getattr(error.original_error, "extensions", None) or {}
                message = SUGGESTION.sub("", error.message) if hide_suggestions else error.message
                error = GraphQLError(message, nodes=error.nodes, path=error.path,
                                     original_error=error.original_error,
                                     extensions={**(error.extensions or {}), **extra})
            error.extensions = {**(error.extensions or {}), "code": code}
            coded.append(error)
        result.errors = coded
