"""Errors a client can act on. Their messages reach the client; every other exception is masked."""

from __future__ import annotations

from graphql import GraphQLError


class UserError(Exception):
    """Bad input: the message says what to fix."""


def should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None:  # a validation or parse error from graphql-core: already plain words
        return False
    return not isinstance(original, UserError)
