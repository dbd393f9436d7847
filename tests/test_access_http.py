"""Credentials over HTTP (shared spec access.md): API keys and signed tokens turned into a principal, 401 for
anything else, the rate limits (429), the body limit (413), the log outage (503); `creditfile keys` and a
revocation seen at once by two server processes. What a principal may see: tests/test_access.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from neo4j.exceptions import ServiceUnavailable
from starlette.testclient import TestClient

import settings
from api.app import create_app
from graph import audit
from graph.identifiers import make_uscc
from graph.local import free_port
from tests.keys import bearer, make_key

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtual environment's scripts: creditfile, uvicorn's python
VIEWER = "{ viewer { role name agency { name uscc } regionCode subject { name } } }"
AGENCY, AGENCY_USCC = "测试市财政局", make_uscc("1", "1", "320500", "10000003")  # invented
ORG = make_uscc("9", "1", "320500", "40000001")


@contextmanager
def app_settings(**env: str) -> Iterator[None]:
    """CREDITFILE_ settings from the environment for the block, the settings cache cleared around it."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    settings.app.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        settings.app.cache_clear()


def started(**env: str) -> Iterator[TestClient]:
    """A served app for a whole module whose guards read `env`: they read their settings on their first request,
    made here, after which the environment is restored for the other tests."""
    with ExitStack() as stack:
        with app_settings(**env):
            # A defect answers 500 here, as a server would, instead of raising into the test.
            client = stack.enter_context(TestClient(create_app(), raise_server_exceptions=False))
            assert client.post("/graphql", json={"query": "{ __typename }"}).status_code == 200
        yield client


@pytest.fixture(scope="module")
def client(neo4j_uri) -> Iterator[TestClient]:
    # Refused credentials count against the client's address (PUBLIC's limit): lifted for this module's many.
    yield from started(CREDITFILE_PUBLIC_RATE_LIMIT="100000")


def post(client: TestClient, query: str = VIEWER, headers: dict | None = None, **variables):
    return client.post("/graphql", json={"query": query, "variables": variables}, headers=headers or {})


def assert_unauthenticated(response, words: str | None = None) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer"), response.headers
    body = response.json()
    assert not body.get("data"), body  # never served as PUBLIC
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"], body
    if words:
        assert words in body["errors"][0]["message"], body


async def new_org(graph, uscc: str = ORG, name: str = "测试苏州工贸有限公司") -> None:
    await graph.driver.execute_query("CREATE (:Organisation {uscc: $uscc, name: $name, usccChecksumValid: true})",
                                     uscc=uscc, name=name)


# --- Who is asking ---

def test_no_header_is_public(client) -> None:
    response = post(client)
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"role": "PUBLIC", "name": None, "agency": None,
                                                   "regionCode": None, "subject": None}}}


@pytest.mark.parametrize("authorization", [
    "Bearer", "Bearer   ", "Basic x", "Basic dXNlcjpwYXNz", "Bearer cfk_x_y", "Bearer cfk__y", "Bearer cfk_x_",
    "Bearer cfk_0123456789ab_" + "A" * 43, "Bearer not-a-token", "Bearer a.b.c", "Token cfk_x_y", "",
])
def test_a_malformed_or_unknown_credential_is_401(client, authorization) -> None:
    assert_unauthenticated(post(client, headers={"Authorization": authorization}))


async def test_a_key_is_its_role_and_agency(client, graph) -> None:
    _, unit = await make_key(graph, "UNIT", agency_name=AGENCY, agency_uscc=AGENCY_USCC)
    assert post(client, headers=bearer(unit)).json()["data"]["viewer"] == {
        "role": "UNIT", "name": "test UNIT", "agency": {"name": AGENCY, "uscc": AGENCY_USCC}, "regionCode": None,
        "subject": None}
    _, dashboard = await make_key(graph, "DASHBOARD", region="3205")
    assert post(client, headers=bearer(dashboard)).json()["data"]["viewer"]["regionCode"] == "3205"
    await new_org(graph)
    _, subject = await make_key(graph, "SUBJECT", subject_kind="ORGANISATION", subject_id=ORG)
    viewer = post(client, headers=bearer(subject)).json()["data"]["viewer"]
    assert (viewer["role"], viewer["subject"]) == ("SUBJECT", {"name": "测试苏州工贸有限公司"})


async def test_a_key_with_a_wrong_secret_is_401(client, graph) -> None:
    key_id, key = await make_key(graph, "ADMIN")
    assert post(client, headers=bearer(key)).status_code == 200
    assert_unauthenticated(post(client, headers=bearer(f"cfk_{key_id}_{'B' * 43}")))
    assert_unauthenticated(post(client, headers=bearer(key[:-1])))


async def test_a_revoked_key_is_401_from_the_next_request(client, graph) -> None:
    key_id, key = await make_key(graph, "UNIT", agency_name=AGENCY, agency_uscc=AGENCY_USCC)
    assert post(client, headers=bearer(key)).json()["data"]["viewer"]["role"] == "UNIT"
    assert await audit.revoke_key(graph, key_id, datetime.now(UTC))
    assert_unauthenticated(post(client, headers=bearer(key)), "revoked")


async def test_a_subject_key_whose_subject_was_deleted_is_401(client, graph) -> None:
    await new_org(graph)
    _, key = await make_key(graph, "SUBJECT", subject_kind="ORGANISATION", subject_id=ORG)
    assert post(client, headers=bearer(key)).json()["data"]["viewer"]["role"] == "SUBJECT"
    await graph.driver.execute_query("MATCH (o:Organisation {uscc: $uscc}) DETACH DELETE o", uscc=ORG)
    assert_unauthenticated(post(client, headers=bearer(key)))


async def test_a_credential_that_cannot_be_checked_is_503_not_public(client, graph, monkeypatch) -> None:
    _, key = await make_key(graph, "ADMIN")

    async def down(*args, **kwargs):
        raise ServiceUnavailable("Neo4j is down (test)")

    monkeypatch.setattr(audit, "key_by_id", down)
    response = post(client, headers=bearer(key))
    assert response.status_code == 503, response.text
    assert response.headers.get("retry-after")
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAVAILABLE"]


# --- Limits ---

@pytest.fixture
def limited(neo4j_uri) -> Iterator[TestClient]:
    """5 requests a minute per credential and per address (for this test only, its own app and counts)."""
    with app_settings(CREDITFILE_RATE_LIMIT="5", CREDITFILE_PUBLIC_RATE_LIMIT="5"), \
            TestClient(create_app()) as client:
        yield client


def assert_rate_limited(response) -> None:
    assert response.status_code == 429, response.text
    assert int(response.headers["retry-after"]) >= 1
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["RATE_LIMITED"]


async def test_the_sixth_request_of_a_credential_in_a_minute_is_429(limited, graph) -> None:
    _, key = await make_key(graph, "ADMIN")
    _, other = await make_key(graph, "ADMIN")
    for _ in range(5):
        assert post(limited, headers=bearer(key)).status_code == 200
    assert_rate_limited(post(limited, headers=bearer(key)))
    assert post(limited, headers=bearer(other)).status_code == 200  # per credential


async def test_the_public_limit_is_per_address(limited, graph) -> None:
    for _ in range(5):
        assert post(limited).status_code == 200
    assert_rate_limited(post(limited))
    # Another address is counted apart; a credential from the same address has its own count.
    other = TestClient(limited.app, client=("192.0.2.7", 40000))
    assert post(other).json()["data"]["viewer"]["role"] == "PUBLIC"
    _, key = await make_key(graph, "ADMIN")
    assert post(limited, headers=bearer(key)).status_code == 200


def test_refused_credentials_count_against_the_address(limited) -> None:
    for _ in range(5):
        assert post(limited, headers={"Authorization": "Bearer cfk_x_y"}).status_code == 401
    assert_rate_limited(post(limited, headers={"Authorization": "Bearer cfk_x_y"}))


def test_a_body_over_1_mb_is_413(client) -> None:
    body = json.dumps({"query": "{ viewer { role } }", "variables": {"pad": "x" * 1_100_000}}).encode()
    response = client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413, response.text

    def chunks():  # no Content-Length: refused as the bytes arrive
        for start in range(0, len(body), 64_000):
            yield body[start:start + 64_000]

    response = client.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    # Just under the limit is served.
    small = json.dumps({"query": "{ viewer { role } }", "variables": {"pad": "x" * 1_000_000}}).encode()
    assert client.post("/graphql", content=small, headers={"Content-Type": "application/json"}).status_code == 200


async def test_an_answer_whose_reads_cannot_be_logged_is_503(client, graph, monkeypatch) -> None:
    await new_org(graph)
    _, key = await make_key(graph, "UNIT", agency_name=AGENCY, agency_uscc=AGENCY_USCC)

    async def down(*args, **kwargs):
        raise ServiceUnavailable("the access log is down (test)")

    monkeypatch.setattr(audit, "write_log", down)
    monkeypatch.setattr(audit.Journal, "_settle", down)  # the early-begun log transaction fails at commit too
    response = post(client, "query($u: String!) { organisation(uscc: $u) { name } }", bearer(key), u=ORG)
    assert response.status_code == 503, response.text
    assert response.headers.get("retry-after")
    body = response.json()
    assert not body.get("data") and "测试苏州工贸" not in response.text
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAVAILABLE"]


# --- Signed tokens ---

ISSUER, AUDIENCE, KID = "https://idp.test.invalid/realms/creditfile", "creditfile-api", "test-key-1"


@dataclass(frozen=True)
class IdP:
    key: rsa.RSAPrivateKey
    public_pem: bytes
    jwks: Path

    def token(self, key: rsa.RSAPrivateKey | None = None, kid: str = KID, drop: tuple[str, ...] = (),
              **claims) -> str:
        now = datetime.now(UTC)
        payload = {"iss": ISSUER, "aud": AUDIENCE, "sub": "zhang.wei@idp.test.invalid", "iat": now,
                   "exp": now + timedelta(minutes=5), "role": "UNIT", "agency_name": AGENCY,
                   "agency_uscc": AGENCY_USCC, "name": "张伟 (测试)", **claims}
        for name in drop:
            payload.pop(name)
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture(scope="module")
def idp(tmp_path_factory) -> IdP:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    path = tmp_path_factory.mktemp("idp") / "jwks.json"
    path.write_text(json.dumps({"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}), encoding="utf-8")
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return IdP(key, pem, path)


@pytest.fixture(scope="module")
def jwt_client(neo4j_uri, idp) -> Iterator[TestClient]:
    yield from started(CREDITFILE_JWKS=str(idp.jwks), CREDITFILE_JWT_ISSUER=ISSUER, CREDITFILE_JWT_AUDIENCE=AUDIENCE,
                       CREDITFILE_PUBLIC_RATE_LIMIT="100000")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def forged(header: dict, payload: dict, secret: bytes | None) -> str:
    """A token put together by hand, as an attacker would: HS256 keyed with the public key, or no signature."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload, default=int).encode())}"
    signature = b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()) if secret else ""
    return f"{signing_input}.{signature}"


def test_a_valid_token_is_its_role_and_agency(jwt_client, idp) -> None:
    response = post(jwt_client, headers=bearer(idp.token()))
    assert response.status_code == 200, response.text
    viewer = response.json()["data"]["viewer"]
    assert (viewer["role"], viewer["agency"], viewer["name"]) == (
        "UNIT", {"name": AGENCY, "uscc": AGENCY_USCC}, "张伟 (测试)")


def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def by_hand(idp: IdP, alg: str) -> str:
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": int(time.time()) + 300, "role": "ADMIN"}
    return forged({"alg": alg, "typ": "JWT", "kid": KID}, claims, idp.public_pem if alg == "HS256" else None)


REFUSED_TOKENS = {
    "expired": lambda idp: idp.token(exp=datetime.now(UTC) - timedelta(seconds=30)),
    "wrong issuer": lambda idp: idp.token(iss="https://other-idp.test.invalid"),
    "wrong audience": lambda idp: idp.token(aud="someone-else"),
    "wrong signature": lambda idp: idp.token(key=other_key()),
    "HS256 keyed with the public key": lambda idp: by_hand(idp, "HS256"),
    "alg none": lambda idp: by_hand(idp, "none"),
    "unknown kid": lambda idp: idp.token(kid="test-key-2"),
    "role not a role": lambda idp: idp.token(role="SUPERUSER"),
    "role PUBLIC": lambda idp: idp.token(role="PUBLIC"),
    "UNIT without agency": lambda idp: idp.token(drop=("agency_name", "agency_uscc")),
    "no expiry": lambda idp: idp.token(drop=("exp",)),
    "no subject": lambda idp: idp.token(drop=("sub",)),
    "agency_uscc not a string": lambda idp: idp.token(agency_uscc=91320500),
    "region not a string": lambda idp: idp.token(role="DASHBOARD", region=3205, drop=("agency_name", "agency_uscc")),
    "SUBJECT not in the file": lambda idp: idp.token(role="SUBJECT", subject=make_uscc("9", "1", "320500", "49999999"),
                                                     drop=("agency_name", "agency_uscc")),
}


@pytest.mark.parametrize("case", REFUSED_TOKENS)
def test_a_token_that_does_not_make_a_credential_is_401(jwt_client, idp, case) -> None:
    assert_unauthenticated(post(jwt_client, headers=bearer(REFUSED_TOKENS[case](idp))))


async def test_a_subject_token_reads_as_its_subject(jwt_client, idp, graph) -> None:
    await new_org(graph)
    token = idp.token(role="SUBJECT", subject=ORG, drop=("agency_name", "agency_uscc"))
    viewer = post(jwt_client, headers=bearer(token)).json()["data"]["viewer"]
    assert (viewer["role"], viewer["subject"]) == ("SUBJECT", {"name": "测试苏州工贸有限公司"})


def test_api_keys_still_work_beside_tokens(jwt_client) -> None:
    assert_unauthenticated(post(jwt_client, headers={"Authorization": "Bearer cfk_x_y"}))
    assert post(jwt_client).json()["data"]["viewer"]["role"] == "PUBLIC"


# --- The keys CLI, and two server processes ---

def keys(neo4j_uri: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEO4J_URI": neo4j_uri}
    env.pop("COLUMNS", None)  # as in a script or a pipe
    return subprocess.run([str(BIN / "creditfile"), "keys", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=180)


def created(result: subprocess.CompletedProcess) -> tuple[str, str]:
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    key_id, key = lines[0].strip(), lines[-1].strip()
    assert re.fullmatch(r"[0-9a-f]{6,32}", key_id), lines
    assert re.fullmatch(rf"cfk_{key_id}_[A-Za-z0-9_-]{{20,}}", key), lines  # the key alone on the line
    return key_id, key


async def test_keys_create_prints_the_id_first_and_the_key_alone_last_and_stores_a_hash(neo4j_uri, graph) -> None:
    key_id, key = created(keys(neo4j_uri, "create", "--role", "UNIT", "--name", "测试 采购系统",
                               "--agency-name", AGENCY, "--agency-uscc", AGENCY_USCC))
    rows, _, _ = await graph.driver.execute_query("MATCH (k:ApiKey {keyId: $id}) RETURN k {.*} AS k", id=key_id)
    [stored] = [r["k"] for r in rows]
    secret = key.split("_", 2)[2]
    assert stored["secretHash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(value) or key in str(value) for value in stored.values())
    assert (stored["role"], stored["agencyName"], stored["agencyUscc"]) == ("UNIT", AGENCY, AGENCY_USCC)

    listed = keys(neo4j_uri, "list")
    assert listed.returncode == 0, listed.stderr
    everything = listed.stdout + listed.stderr
    assert key_id in everything and "测试 采购系统" in everything
    assert secret not in everything and stored["secretHash"] not in everything and "cfk_" not in everything


@pytest.mark.parametrize("args, words", [
    (("--role", "UNIT", "--name", "x"), "agency"),
    (("--role", "INVESTIGATOR", "--name", "x", "--agency-name", AGENCY), "agency"),
    (("--role", "SUBJECT", "--name", "x", "--subject", make_uscc("9", "1", "320500", "49999998")), "subject"),
    (("--role", "DASHBOARD", "--name", "x", "--region", "abc"), "region"),
])
def test_keys_create_refuses_a_bad_combination_in_one_line(neo4j_uri, graph, args, words) -> None:
    result = keys(neo4j_uri, "create", *args)
    assert result.returncode != 0
    assert "cfk_" not in result.stdout and not result.stdout.strip(), result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert words in lines[0].lower(), lines


@dataclass
class Server:
    port: int
    process: subprocess.Popen

    def post(self, key: str, query: str = VIEWER) -> tuple[int, dict]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/graphql",
                                         data=json.dumps({"query": query}).encode(),
                                         headers={"Content-Type": "application/json", **bearer(key)})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as refused:
            return refused.code, json.load(refused)


@contextmanager
def servers(neo4j_uri: str, count: int) -> Iterator[list[Server]]:
    env = {**os.environ, "NEO4J_URI": neo4j_uri}
    started_ = []
    try:
        for _ in range(count):
            port = free_port()
            process = subprocess.Popen([str(BIN / "python"), "-m", "uvicorn", "api.app:create_app", "--factory",
                                        "--port", str(port), "--log-level", "warning"], cwd=REPO, env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            started_.append(Server(port, process))
        deadline = time.monotonic() + 120
        for server in started_:
            while True:
                assert server.process.poll() is None, f"uvicorn on {server.port} exited"
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/readyz", timeout=5) as ready:
                        if ready.status == 200:
                            break
                except OSError:
                    pass
                assert time.monotonic() < deadline, f"uvicorn on {server.port} not ready"
                time.sleep(0.3)
        yield started_
    finally:
        for server in started_:
            server.process.terminate()
        for server in started_:
            try:
                server.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


async def test_a_key_revoked_by_the_cli_is_refused_at_once_by_every_server_process(neo4j_uri, graph) -> None:
    key_id, key = created(keys(neo4j_uri, "create", "--role", "ADMIN", "--name", "测试 两个进程"))
    with servers(neo4j_uri, 2) as (one, two):
        for server in (one, two):
            status, body = server.post(key)
            assert (status, body["data"]["viewer"]["role"]) == (200, "ADMIN"), body
        revoked = keys(neo4j_uri, "revoke", key_id)
        assert revoked.returncode == 0, revoked.stderr
        assert key_id in revoked.stdout
        for server in (one, two):
            status, body = server.post(key)
            assert status == 401, body
            assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
    assert keys(neo4j_uri, "revoke", "no-such-key").returncode != 0
