"""Parse and validation caches bounded in bytes, in place of strawberry's ParserCache/ValidationCache.

Those keep the last N documents whatever their size: 120 distinct 5 MB queries held 1.3 GB. Here only small
documents are kept (clients repeat the same few small ones; a large one is rare and parsing it again is cheap
next to running it), under a total budget, least recently used first out.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

# A parsed document takes about 75 bytes per character of its text (measured on a 18 KB query), so these
# bound the cache at about 40 MB, whatever clients send.
MAX_DOCUMENT_CHARS = 20_000
BUDGET_CHARS = 500_000


class BoundedCache:
    """An LRU map whose entries each have a size (characters of the document) and whose sizes stay under a budget."""

    def __init__(self, max_item: int = MAX_DOCUMENT_CHARS, budget: int = BUDGET_CHARS):
        self.max_item, self.budget, self.size = max_item, budget, 0
        self._entries: OrderedDict[Any, tuple[Any, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Any) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: Any, value: Any, size: int) -> None:
        if size > self.max_item or key in self._entries:
            return
        self._entries[key] = (value, size)
        self.size += size
        while self.size > self.budget:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.size -= dropped


class DocumentCache(SchemaExtension):
    """Skips parsing and validation for a document already seen. Create one `BoundedCache` per schema and pass
    it to each request's instance:

        cache = BoundedCache()
        strawberry.Schema(..., extensions=[lambda: DocumentCache(cache), ...])

    Validation results are keyed by the names of the rules, not the rule classes: our limiters make a new
    class per request (so strawberry's ValidationCache never hit), with the same limits for the schema's life.
    """

    def __init__(self, cache: BoundedCache):
        self.cache = cache

    def _key(self, stage: str) -> tuple[str, str | None, tuple[object, ...]]:
        context = self.execution_context
        options: tuple[object, ...] = tuple(sorted(context.parse_options.items()))
        if stage == "validate":
            options += tuple(sorted(rule.__qualname__ for rule in context.validation_rules))
        return stage, context.query, options

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            context.graphql_document = self.cache.get(self._key("parse"))
        yield
        if context.graphql_document is not None and context.query:
            self.cache.put(self._key("parse"), context.graphql_document, len(context.query))

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query if context.pre_execution_errors is None else None
        if query:
            context.pre_execution_errors = self.cache.get(self._key("validate"))
        yield
        if query and context.pre_execution_errors is not None:
            # The key holds the text, and errors hold the document: counted as much again as the parse.
            self.cache.put(self._key("validate"), context.pre_execution_errors, len(query))
