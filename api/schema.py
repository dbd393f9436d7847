"""Assembles the served schema from the type modules and resolvers; no logic of its own."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

import settings
from api import views
from api.accesslog import LOGGED, AccessLogExtension
from api.dates import Date
from api.document_cache import BoundedCache, DocumentCache
from api.extensions import QueryStatsExtension
from api.limits import CodedErrors, DocumentLimits
from api.logs import OperationForLog
from api.mutations import Mutation, Subscription
from api.resolvers import Query


def build_schema() -> strawberry.Schema:
    conf = settings.app()
    documents = BoundedCache()
    schema = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # The strict Date scalar (YYYY-MM-DD only), under the contract's name.
        scalar_overrides={date: Date},
        extensions=[
            # First, so that it sees every error of the others (their exits run in reverse order).
            CodedErrors,
            # Clients send the same few documents over and over: parse and validate each once (small ones only,
            # under a byte budget: strawberry's caches kept 256 documents of any size).
            lambda: DocumentCache(documents),
            OperationForLog,  # the operation's name and type in the request's log line
            # Factories, so that each request gets fresh extension instances.
            lambda: QueryDepthLimiter(max_depth=conf.max_query_depth),
            lambda: MaxAliasesLimiter(max_alias_count=conf.max_aliases),
            lambda: MaxTokensLimiter(max_token_count=conf.max_tokens),
            DocumentLimits,
            QueryStatsExtension,
            # Its on_execute exits first (reverse order): the answer is complete, its reads are logged before it leaves.
            AccessLogExtension,
        ],
    )
    views.install(schema._schema, LOGGED)  # the one permission layer (api/views.py) and the access log
    return schema
