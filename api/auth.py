"""Who is asking: the credential of a request (API key or signed token), turned into a `Principal`, and the
per-credential and per-address rate limits. What a principal may see is decided in api/views.py.

`AuthMiddleware` runs before GraphQL on /graphql: no Authorization header → PUBLIC; a header that does not name
a live credential → HTTP 401 UNAUTHENTICATED (never served as PUBLIC); too many requests → 429 RATE_LIMITED.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import math
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar

import jwt
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

import settings
from graph import audit
from graph.errors import ClientError, RateLimited, Unauthenticated, Unavailable
from graph.identifiers import IdentifierError, parse_uscc
from graph.store.driver import UNAVAILABLE, Graph

log = logging.getLogger("creditfile.auth")


class Role(str, Enum):
    PUBLIC = "PUBLIC"
    UNIT = "UNIT"
    INVESTIGATOR = "INVESTIGATOR"
    AUTHORITY = "AUTHORITY"
    DASHBOARD = "DASHBOARD"
    SUBJECT = "SUBJECT"
    ADMIN = "ADMIN"


# Roles that act for an agency, and so must name one (access.md, "Credentials").
AGENCY_ROLES = (Role.UNIT, Role.AUTHORITY, Role.INVESTIGATOR)


@dataclass(frozen=True)
class Principal:
    role: Role
    credential_id: str | None = None
    name: str | None = None
    agency_name: str | None = None
    agency_uscc: str | None = None
    region: str | None = None
    # SUBJECT only: "ORGANISATION" or "PERSON", the USCC or ID number, and the key the graph uses (USCC or pid).
    subject_kind: str | None = None
    subject_id: str | None = None
    subject_key: str | None = None

    def owns(self, kind: str | None, key: str | None) -> bool:
        """Whether (kind, USCC / pid / ID number) is this SUBJECT credential's own subject."""
        return (self.role is Role.SUBJECT and kind == self.subject_kind and key is not None
                and key in (self.subject_key, self.subject_id))


PUBLIC = Principal(Role.PUBLIC)


def check_combination(role: Role, agency_name: str | None, agency_uscc: str | None, region: str | None,
                      subject: str | None) -> str | None:
    """What is missing or wrong in a credential's attributes, in one line; None when it is fine."""
    if role is Role.PUBLIC:
        return "PUBLIC needs no credential: send no Authorization header"
    if role in AGENCY_ROLES and not (agency_name and agency_uscc):
        return f"a {role.value} credential acts for an agency: give --agency-name and --agency-uscc"
    if agency_uscc:
        try:
            parse_uscc(agency_uscc)
        except IdentifierError as exc:
            return f"--agency-uscc: {exc}"
    if role is Role.SUBJECT and not subject:
        return "a SUBJECT credential reads its own file: give --subject USCC|ID_NUMBER"
    if role is not Role.SUBJECT and subject:
        return f"--subject is for SUBJECT credentials only, not {role.value}"
    if region is not None and (role is not Role.DASHBOARD and role is not Role.AUTHORITY):
        return f"--region bounds dashboards: it is for DASHBOARD or AUTHORITY credentials, not {role.value}"
    if region is not None and not (region.isascii() and region.isdigit() and len(region) in (2, 4, 6)):
        return f"--region: a GB/T 2260 code prefix of 2, 4 or 6 digits, not {region!r}"
    return None


def subject_kind_of(subject: str) -> str:
    """A subject given as USCC (18 characters that parse as one) or as an ID number."""
    try:
        parse_uscc(subject)
        return "ORGANISATION"
    except IdentifierError:
        return "PERSON"


class JwtVerifier:
    """Signed tokens from an identity provider, verified against a JWKS (a file or a URL) with PyJWT."""

    # Asymmetric algorithms only: a token signed with a shared secret ("HS256") or none is never taken.
    ALGORITHMS: ClassVar[list[str]] = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]

    def __init__(self, source: str, issuer: str, audience: str):
        self.issuer, self.audience = issuer, audience
        if source.startswith(("https://", "http://")):
            self._client: jwt.PyJWKClient | None = jwt.PyJWKClient(source, cache_keys=True, lifespan=300)
            self._keys: jwt.PyJWKSet | None = None
        else:
            self._client, self._keys = None, jwt.PyJWKSet.from_json(Path(source).read_text(encoding="utf-8"))

    async def claims(self, token: str) -> dict[str, Any]:
        try:
            if self._client is not None:  # fetches (and caches) the JWKS over the network: off the event loop
                key = (await asyncio.to_thread(self._client.get_signing_key_from_jwt, token)).key
            else:
                kid = jwt.get_unverified_header(token).get("kid")
                assert self._keys is not None
                matching = [k for k in self._keys.keys if kid is None or k.key_id == kid]
                if not matching:
                    raise Unauthenticated("the token's signing key (kid) is not in the configured JWKS")
                key = matching[0].key
            return jwt.decode(token, key, algorithms=self.ALGORITHMS, issuer=self.issuer, audience=self.audience,
                              options={"require": ["exp", "iss", "aud", "sub"]})
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired: sign in again") from None
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthenticated(f"the token is not valid: {exc}") from None


@dataclass
class Authenticator:
    graph: Graph
    jwt_verifier: JwtVerifier | None = None

    @classmethod
    def from_settings(cls, graph: Graph) -> Authenticator:
        conf = settings.app()
        verifier = None
        if conf.jwks:
            verifier = JwtVerifier(conf.jwks, conf.jwt_issuer or "", conf.jwt_audience or "")
        return cls(graph, verifier)

    async def principal(self, authorization: str | None) -> Principal:
        """The principal of an Authorization header value; raises Unauthenticated / Unavailable."""
        if authorization is None:
            return PUBLIC
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("Authorization must be 'Bearer <API key or token>'")
        parts = audit.split_key(token)
        try:
            if parts is not None:
                return await self._api_key(*parts)
            if token.count(".") == 2:
                return await self._jwt(token)
        except UNAVAILABLE:
            raise Unavailable("the credential cannot be checked now: Neo4j does not answer; retry shortly") from None
        raise Unauthenticated("the credential is not an API key of this platform nor a signed token")

    async def _api_key(self, key_id: str, secret: str) -> Principal:
        found = await audit.key_by_id(self.graph, key_id)
        if found is None or not hmac.compare_digest(found[0].secret_hash, audit.secret_hash(secret)):
            raise Unauthenticated("unknown API key")
        key, subject_key, _ = found
        if key.revoked_at:
            raise Unauthenticated(f"API key {key_id} was revoked on {key.revoked_at}")
        if key.role == Role.SUBJECT.value and subject_key is None:
            raise Unauthenticated(f"API key {key_id} is for a subject that is not in the credit file")
        return Principal(Role(key.role), credential_id=key.key_id, name=key.name, agency_name=key.agency_name,
                         agency_uscc=key.agency_uscc, region=key.region, subject_kind=key.subject_kind,
                         subject_id=key.subject_id, subject_key=subject_key)

    async def _jwt(self, token: str) -> Principal:
        if self.jwt_verifier is None:
            raise Unauthenticated("signed tokens are not accepted here (no JWKS configured); use an API key")
        claims = await self.jwt_verifier.claims(token)
        try:
            role = Role(claims.get("role"))
        except ValueError:
            raise Unauthenticated(f"the token's role claim {claims.get('role')!r} is not a role of this platform") \
                from None
        wrong = [name for name in ("name", "agency_name", "agency_uscc", "region", "subject")
                 if claims.get(name) is not None and not isinstance(claims[name], str)]
        if wrong:
            raise Unauthenticated(f"the token's claims {', '.join(wrong)} must be strings")
        subject = claims.get("subject")
        problem = check_combination(role, claims.get("agency_name"), claims.get("agency_uscc"), claims.get("region"),
                                    subject)
        if problem:
            raise Unauthenticated(f"the token's claims do not make a credential: {problem}")
        kind = subject_key = None
        if subject:
            kind = subject_kind_of(subject)
            found = await audit.subject_key(self.graph, kind, subject)
            if found is None:
                raise Unauthenticated("the token's subject is not in the credit file")
            subject_key = found[0]
        return Principal(role, credential_id=f"jwt:{claims['sub']}", name=claims.get("name") or claims["sub"],
                         agency_name=claims.get("agency_name"), agency_uscc=claims.get("agency_uscc"),
                         region=claims.get("region"), subject_kind=kind, subject_id=subject,
                         subject_key=subject_key)


class RateLimiter:
    """Per credential (CREDITFILE_RATE_LIMIT a minute) and, for PUBLIC, per client address
    (CREDITFILE_PUBLIC_RATE_LIMIT), with the `limits` library's moving window. The counts live in this process:
    with several server processes each keeps its own (a shared store would cost a round trip per request)."""

    def __init__(self, per_credential: int, per_address: int):
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._credential = RateLimitItemPerMinute(per_credential)
        self._address = RateLimitItemPerMinute(per_address)

    def check(self, principal: Principal, address: str) -> None:
        item, who = ((self._address, f"address:{address}") if principal.credential_id is None
                     else (self._credential, f"credential:{principal.credential_id}"))
        if not self._limiter.hit(item, who):
            reset = self._limiter.get_window_stats(item, who).reset_time
            wait = max(1, math.ceil(reset - time.time()))
            raise RateLimited(f"more than {item.amount} requests a minute from this "
                              f"{'address' if principal.credential_id is None else 'credential'}; "
                              f"retry in {wait} s", retryAfterSeconds=wait)


def error_body(exc: ClientError) -> bytes:
    return json.dumps({"data": None, "errors": [{"message": str(exc), "extensions": {"code": exc.code,
                                                                                    **exc.extensions}}]},
                      ensure_ascii=False).encode()


class AuthMiddleware:
    """Pure ASGI: sets `scope["state"]["principal"]` for /graphql requests (HTTP and WebSocket upgrade),
    or answers the refusal itself."""

    def __init__(self, app: ASGIApp, path: str = "/graphql"):
        self.app, self.path = app, path
        self._auth: Authenticator | None = None
        self._limiter: RateLimiter | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"].rstrip("/") != self.path:
            return await self.app(scope, receive, send)
        if self._auth is None:
            conf = settings.app()
            self._auth = Authenticator.from_settings(scope["app"].state.graph)
            self._limiter = RateLimiter(conf.rate_limit, conf.public_rate_limit)
        assert self._limiter is not None
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        address = (scope.get("client") or ("unknown", 0))[0]
        try:
            principal = await self._auth.principal(headers.get("authorization"))
            self._limiter.check(principal, address)
        except Unauthenticated as exc:
            # A failed credential counts against the address, so guessing keys is rate-limited too.
            refusal: ClientError = exc
            try:
                self._limiter.check(PUBLIC, address)
            except RateLimited as limited:
                refusal = limited
            return await self._refuse(scope, receive, send, refusal)
        except ClientError as exc:
            return await self._refuse(scope, receive, send, exc)
        scope.setdefault("state", {})["principal"] = principal
        return await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, exc: ClientError) -> None:
        if scope["type"] == "websocket":  # refuse the upgrade; the close code tells the client why
            await send({"type": "websocket.close", "code": 4401 if exc.code == "UNAUTHENTICATED" else 4429})
            return
        headers = [(b"content-type", b"application/json")]
        if exc.code == "UNAUTHENTICATED":
            headers.append((b"www-authenticate", b'Bearer realm="creditfile"'))
        retry = exc.extensions.get("retryAfterSeconds") or (5 if exc.code == "UNAVAILABLE" else None)
        if retry:
            headers.append((b"retry-after", str(retry).encode()))
        body = error_body(exc)
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": exc.http_status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
