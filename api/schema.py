"""Assembles the served schema from the type modules and resolvers; no logic of its own."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    MaskErrors, MaxAliasesLimiter, MaxTokensLimiter, ParserCache, QueryDepthLimiter, ValidationCache,
)

import settings
from api.errors import should_mask
from api.extensions import QueryStatsExtension
from api.resolvers import Query


def build_schema() -> strawberry.Schema:
    conf = settings.app()
    return strawberry.Schema(
        query=Query,
        extensions=[
            # Clients send the same few documents over and over: parse and validate each once.
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            # Factories, so that each request gets fresh extension instances.
            lambda: QueryDepthLimiter(max_depth=conf.max_query_depth),
            lambda: MaxAliasesLimiter(max_alias_count=conf.max_aliases),
            lambda: MaxTokensLimiter(max_token_count=conf.max_tokens),
            lambda: MaskErrors(should_mask_error=should_mask, error_message="Internal error; it has been logged."),
            QueryStatsExtension,
        ],
    )
