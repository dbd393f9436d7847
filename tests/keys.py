"""API keys for tests that go through HTTP: made in the test's graph exactly as `creditfile keys create` makes them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from graph import audit
from graph.store.driver import Graph


async def make_key(graph: Graph, role: str = "ADMIN", *, agency_name: str | None = None,
                   agency_uscc: str | None = None, region: str | None = None, subject_kind: str | None = None,
                   subject_id: str | None = None) -> tuple[str, str]:
    """(key id, the key)."""
    return await audit.create_key(graph, role=role, name=f"test {role}", agency_name=agency_name,
                                  agency_uscc=agency_uscc, region=region, subject_kind=subject_kind,
                                  subject_id=subject_id, now=datetime.now(ZoneInfo("Asia/Shanghai")))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
