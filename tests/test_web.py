"""/explore and /dashboard in a real headless Chromium (Debian's `chromium`, driven by Playwright): the pages load
without console errors, the explorer draws what the API answers and expands a node when it is clicked, its date
control changes the graph, the dashboard shows the API's numbers, and the pages refuse what they should.

Without Chromium these tests fail (they do not skip): `.ci/run` installs it, `apt-get install -y chromium`.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import pytest
import uvicorn

from api.app import create_app
from api.auth import Principal, Role
from api.cursors import node_id
from api.dates import today
from graph import local
from graph.store.driver import Graph
from tests import scenario
from tests.conftest import wipe
from tests.gql import ADMIN, data
from tests.keys import make_key
from tests.scenario import A
from tests.test_dashboard import UNITS, load_world

A_NAME = next(o["name"] for o in scenario.FILES["organisations.csv"] if o["uscc"] == A)
TIMEOUT_MS = 90_000  # two cores shared with Neo4j and the server: a first page load can take a while


def chromium_path() -> str:
    path = os.environ.get("CREDITFILE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is not installed: `apt-get install -y chromium` (.ci/run does it); the browser tests "
                    "need it")
    return path


@contextmanager
def served() -> Iterator[str]:
    """The app under a real uvicorn on a free port, in a thread; its base URL."""
    port = local.free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, loop="asyncio", ws="none",
                                           log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=chromium_path(),
                                                    args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        await chromium.close()


@pytest.fixture(scope="module")
async def world(driver, tmp_path_factory):
    """The scenario and the dashboard's world, loaded once for this module's tests, and the server."""
    graph = Graph(driver)
    folder = tmp_path_factory.mktemp("web")
    await wipe(driver)
    await scenario.load(graph, folder / "scenario")
    dashboard_world = await load_world(graph, folder)
    with served() as base:
        yield graph, dashboard_world, base
    await wipe(driver)


class Page:
    """A browser page that remembers its console errors, uncaught exceptions and every URL it asked for."""

    def __init__(self, page):
        self.page, self.errors, self.urls, self.headers = page, [], [], []
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: (self.urls.append(r.url), self.headers.append(r.headers)))


@pytest.fixture
async def page(browser):
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    yield Page(await context.new_page())
    await context.close()


GRAPH = """query($id: ID!, $depth: Int, $asOf: Date) { neighbourhood(id: $id, depth: $depth, asOf: $asOf, limit: 200) {
  nodes { id } } }"""


INVESTIGATOR = Principal(Role.INVESTIGATOR, credential_id="web-test", agency_name="测试市公安局",
                         agency_uscc=UNITS[0][0])


async def api_nodes(graph, id: str, depth: int, as_of: str, as_=INVESTIGATOR) -> set[str]:
    """What the API answers to the role the page acts for (the shared view hides repaired and revoked records)."""
    found = await data(graph, GRAPH, as_, id=id, depth=depth, asOf=as_of)
    return {n["id"] for n in found["neighbourhood"]["nodes"]}


async def drawn(page: Page) -> set[str]:
    await page.page.wait_for_selector("#graph[data-state=ready]")
    return set(await page.page.evaluate("creditfileExplorer.cy.nodes().map(n => n.id())"))


async def click_node(page: Page, id: str) -> None:
    """A real mouse click where Cytoscape drew the node."""
    x, y = await page.page.evaluate("""(id) => {
        const node = creditfileExplorer.cy.getElementById(id);
        const box = document.getElementById('graph').getBoundingClientRect();
        const at = node.renderedPosition();
        return [box.left + at.x, box.top + at.y]; }""", id)
    await page.page.mouse.click(x, y)


async def test_explorer_draws_expands_and_follows_the_date(world, page) -> None:
    graph, _, base = world
    _, key = await make_key(graph, "INVESTIGATOR", agency_name="测试市公安局", agency_uscc=UNITS[0][0])
    root = node_id("Organisation", A)
    await page.page.goto(f"{base}/explore?uscc={A}#key={key}")
    first = await drawn(page)
    now = today().isoformat()
    assert first == await api_nodes(graph, root, 2, now)
    assert "key=" not in page.page.url  # taken out of the address at once
    await page.page.wait_for_selector("#panel [data-field=risk]")
    assert (await page.page.inner_text("#panel h2")) == A_NAME

    # The date control: before 2023 A's legal representative was 张三 (P1), since then 李四 (P2).
    people = {n["id"]: n["label"] for n in (await data(graph, """query($id: ID!) { neighbourhood(id: $id, depth: 1,
        asOf: "2022-06-01") { nodes { id label } } }""", INVESTIGATOR, id=root))["neighbourhood"]["nodes"]}
    p1 = next(i for i, label in people.items() if label == "张三")
    await page.page.fill("#asof", "2022-06-01")
    await page.page.dispatch_event("#asof", "change")
    await page.page.wait_for_function("document.getElementById('graph-status').textContent.includes('2022-06-01')")
    before = await drawn(page)
    assert before == await api_nodes(graph, root, 2, "2022-06-01")
    assert before != first and p1 in before

    # Click 张三: his own links as of that day are added, and the side panel shows his file.
    await click_node(page, p1)
    await page.page.wait_for_function("(id) => creditfileExplorer.cy.getElementById(id).hasClass('expanded')", arg=p1)
    expanded = await drawn(page)
    assert expanded == before | await api_nodes(graph, p1, 1, "2022-06-01")
    await page.page.wait_for_function("document.querySelector('#panel h2').textContent === '张三'")
    assert page.errors == []


async def test_explorer_search_opens_a_subject(world, page) -> None:
    graph, _, base = world
    _, key = await make_key(graph, "ADMIN")
    await page.page.goto(f"{base}/explore#key={key}")
    await page.page.fill("#search", A_NAME[:4])
    await page.page.click("#search-form button")
    await page.page.click(f"#results button[data-id='{node_id('Organisation', A)}']")
    assert await drawn(page) == await api_nodes(graph, node_id("Organisation", A), 2, today().isoformat(), ADMIN)
    assert page.errors == []


async def read_dashboard(page: Page) -> dict:
    return await page.page.evaluate("""() => {
        const out = {};
        for (const el of document.querySelectorAll('[data-field]')) {
          out[el.dataset.field] = el.tagName === 'TABLE'
            ? [...el.querySelectorAll('tr')].slice(1).map(r => [...r.cells].map(c => c.textContent))
            : el.textContent;
        }
        out.asOf = document.getElementById('asof').value;
        out.from = document.getElementById('from').value;
        out.to = document.getElementById('to').value;
        return out; }""")


def number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(int(value)) if isinstance(value, (int, float)) else str(value)


def expected_view(answer: dict) -> dict:
    """What the page must show for the API's answer."""
    view = {}
    for dim in ("PROVINCE", "CITY", "COUNTY", "LIST_TYPE", "DOMAIN"):
        view[f"activeEntries.{dim}"] = [[b["key"], number(b["label"]), number(b["count"])] for b in answer[dim]]
    view["recordsByMonth"] = [[m["month"], number(m["count"])] for m in answer["recordsByMonth"]]
    p = answer["pushStats"]
    for name in ("total", "answered", "pending", "overdue", "withdrawn", "feedbackRate", "medianDaysToAnswer"):
        view[f"pushStats.{name}"] = number(p[name])
    view["pushStats.byUnit"] = [[u["unit"]["uscc"] or "", u["unit"]["name"], *(number(u[k]) for k in (
        "total", "answered", "pending", "overdue", "feedbackRate"))] for u in p["byUnit"]]
    for name, value in answer["repairStats"].items():
        view[f"repairStats.{name}"] = number(value)
    return view


DASHBOARD = """query($region: String, $asOf: Date, $from: Date!, $to: Date!) {
  dashboard(regionCode: $region, asOf: $asOf) {
    PROVINCE: activeEntries(groupBy: PROVINCE) { key label count }
    CITY: activeEntries(groupBy: CITY) { key label count }
    COUNTY: activeEntries(groupBy: COUNTY) { key label count }
    LIST_TYPE: activeEntries(groupBy: LIST_TYPE) { key label count }
    DOMAIN: activeEntries(groupBy: DOMAIN) { key label count }
    recordsByMonth(from: $from, to: $to) { month count }
    pushStats { total answered pending overdue withdrawn feedbackRate medianDaysToAnswer
      byUnit { unit { name uscc } total answered pending overdue feedbackRate } }
    repairStats(from: $from, to: $to) { applied accepted rejected pending medianDaysToDecide } } }"""


async def test_dashboard_shows_the_apis_numbers(world, page) -> None:
    graph, _, base = world
    _, key = await make_key(graph, "DASHBOARD", region="32")
    await page.page.goto(f"{base}/dashboard#key={key}")
    await page.page.wait_for_selector("#status[data-state=ready]")
    shown = await read_dashboard(page)
    # The picker stays within the key's region: Jiangsu only.
    assert await page.page.eval_on_selector("#province", "s => [s.disabled, s.value]") == [True, "32"]
    variables = {"asOf": shown["asOf"], "from": shown["from"], "to": shown["to"]}
    answer = (await data(graph, DASHBOARD, region="32", **variables))["dashboard"]
    assert answer["COUNTY"], "the world has entries in Jiangsu"
    assert {k: shown[k] for k in expected_view(answer)} == expected_view(answer)

    # Pick 苏州市 and one of its counties, and an earlier day.
    await page.page.select_option("#city", "3205")
    await page.page.select_option("#county", "320505")
    await page.page.fill("#asof", "2024-07-01")
    await page.page.click("#controls button[type=submit]")
    await page.page.wait_for_selector("#status[data-state=ready][data-region='320505']")
    shown = await read_dashboard(page)
    answer = (await data(graph, DASHBOARD, region="320505", **{**variables, "asOf": "2024-07-01"}))["dashboard"]
    assert {k: shown[k] for k in expected_view(answer)} == expected_view(answer)
    assert page.errors == []


async def test_graphiql_loads_without_errors(world, page) -> None:
    _, _, base = world
    await page.page.goto(f"{base}/graphql", wait_until="networkidle")
    await page.page.wait_for_selector(".graphiql-container")
    assert page.errors == []


async def test_no_key_shows_the_sign_in_box_and_signing_in_works(world, page) -> None:
    graph, _, base = world
    _, key = await make_key(graph, "DASHBOARD")
    await page.page.goto(f"{base}/dashboard")
    await page.page.wait_for_selector("#signin:not([hidden])")
    assert "DASHBOARD, AUTHORITY, ADMIN" in await page.page.inner_text("#message")
    await page.page.fill("#key", key)
    await page.page.click("#signin-form button")
    await page.page.wait_for_selector("#status[data-state=ready]")
    assert await page.page.is_hidden("#signin")
    # The key went only in the Authorization header of /graphql requests, never in a URL.
    assert not any(key in url for url in page.urls)
    assert any(h.get("authorization") == f"Bearer {key}" for h in page.headers)
    assert page.errors == []


@pytest.mark.parametrize("path, role, words", [
    ("/explore", "UNIT", "The explorer is for INVESTIGATOR, ADMIN; this key is UNIT"),
    ("/explore", "DASHBOARD", "The explorer is for INVESTIGATOR, ADMIN; this key is DASHBOARD"),
    ("/dashboard", "INVESTIGATOR", "The dashboard is for DASHBOARD, AUTHORITY, ADMIN; this key is INVESTIGATOR"),
])
async def test_roles_that_may_not_use_a_page_are_told_so(world, page, path, role, words) -> None:
    graph, _, base = world
    _, key = await make_key(graph, role, agency_name="测试局", agency_uscc=UNITS[0][0])
    await page.page.goto(f"{base}{path}#key={key}")
    await page.page.wait_for_selector("#message.error")
    assert words in await page.page.inner_text("#message")
    assert await page.page.is_hidden("#app")


async def test_a_bad_key_is_refused_clearly(world, page) -> None:
    _, _, base = world
    await page.page.goto(f"{base}/explore#key=cfk_nope_nope")
    await page.page.wait_for_selector("#message.error")
    assert "The key was refused" in await page.page.inner_text("#message")
    assert await page.page.is_visible("#signin")
    # The refused key is forgotten: a reload asks for a key again.
    await page.page.reload()
    await page.page.wait_for_selector("#signin:not([hidden])")
    assert await page.page.evaluate("sessionStorage.getItem('creditfile.key')") is None
