"""The exported pages as a reader meets them: real headless Chromium, file:// URLs, no network.

Needs Debian ``chromium`` and the pinned ``playwright`` (``.ci/setup-browser.sh``).
Without them the tests are skipped locally and fail under CI (``CI=true``), so a
missing install step cannot pass unnoticed.
"""

from __future__ import annotations

import os

import pytest

from kg.export.html import write
from kg.export.html_data import hospital_slug, node_id
from kg.vocab import EntityType

import html_fixtures as fx  # tests/ is on sys.path (conftest.py lives there)

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def _missing() -> str | None:
    if sync_playwright is None:
        return "playwright is not installed (run .ci/setup-browser.sh)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is not installed (run .ci/setup-browser.sh)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Page:
    """A page opened offline, with its console errors and any attempted network request."""

    def __init__(self, browser, url: str, width: int = 1400, height: int = 900):
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height}, offline=True)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)

    def _route(self, route):
        # Only the page's own files may load; anything else is recorded and refused.
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def wait_ready(self):
        self.page.wait_for_function("() => window.kgView && window.kgView.ready", timeout=60000)

    def eval(self, js: str, arg=None):
        return self.page.evaluate(js, arg)

    def click_node(self, nid: str):
        """Click the node where vis-network drew it (canvas position -> page position)."""
        x, y = self.eval(
            """(id) => { const n = window.kgView.network;
                   const p = n.canvasToDOM(n.getPositions([id])[id]);
                   const r = document.querySelector('#kg-graph canvas').getBoundingClientRect();
                   return [r.left + p.x, r.top + p.y]; }""",
            nid,
        )
        self.page.mouse.click(x, y)

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    graph = fx.small_graph()
    write(graph, out)
    return out, graph


@pytest.fixture
def overview(browser, site):
    out, _ = site
    page = Page(browser, (out / "graph.html").as_uri())
    page.wait_ready()
    yield page
    page.close()


def test_pages_overview_renders_every_node_offline(overview, site):
    _, graph = site
    assert overview.eval("window.kgView.nodes.length") == len(graph)
    assert overview.eval("window.kgView.edges.length") == len(graph.edges())
    assert overview.eval("window.kgView.nodeView.length") == len(graph)
    assert overview.eval("window.kgView.network.physics.options.enabled") is False
    assert overview.errors == [] and overview.requests == []
    # the canvas really has ink on it
    assert overview.eval("document.querySelector('#kg-graph canvas').toDataURL().length") > 5000


def test_pages_search_by_alias_focuses_the_node(overview, site):
    _, graph = site
    beiyi = next(n for n in graph.nodes(EntityType.HOSPITAL) if "北医三院" in n.aliases)
    overview.page.fill("#kg-search", "北医三院")
    overview.page.press("#kg-search", "Enter")
    assert overview.eval("window.kgView.network.getSelectedNodes()") == [node_id(beiyi.key)]
    assert overview.page.text_content("#kg-panel h2") == "北京大学第三医院"
    overview.page.fill("#kg-search", "没有这个")
    overview.page.press("#kg-search", "Enter")
    assert "Not found" in overview.page.text_content("#kg-status")


def test_pages_click_opens_panel_with_evidence(overview, site):
    _, graph = site
    honor = graph.nodes(EntityType.HONOR)[0]
    assert overview.page.is_hidden("#kg-panel")
    overview.click_node(node_id(honor.key))
    overview.page.wait_for_selector("#kg-panel:not([hidden])")
    assert overview.page.get_attribute("#kg-panel", "data-node") == node_id(honor.key)
    text = overview.page.text_content("#kg-panel")
    assert fx.EVIDENCE_SENTENCE in text
    assert f"000_beiyi.txt [20\u2013{20 + len(fx.EVIDENCE_SENTENCE)})" in text
    assert "机关党支部" in text and "2021" in text and "国家级" in text


def test_pages_injected_label_stays_text(overview):
    overview.page.fill("#kg-search", fx.EVIL)
    overview.page.press("#kg-search", "Enter")
    assert overview.page.text_content("#kg-panel h2") == fx.EVIL
    assert overview.eval("window.__pwned") is None
    assert overview.eval("document.querySelectorAll('img').length") == 0
    assert overview.eval("document.querySelectorAll('script').length") == 3
    assert overview.errors == []


def test_pages_filters_by_class_relation_and_document(overview, site):
    _, graph = site
    total = len(graph)
    overview.page.click("#kg-class-filter label:has-text('Leader') input")
    assert overview.eval("window.kgView.nodeView.length") == total - 1
    overview.page.click("#kg-rel-filter label:has-text('implements') input")
    assert overview.eval("window.kgView.edgeView.length") == len(graph.edges()) - 3
    overview.page.select_option("#kg-doc-filter", label="001_zhongyi<b>.txt")
    in_doc2 = sum(1 for n in graph.nodes() if n.type is not EntityType.LEADER and len(n.documents) and
                  graph.documents()[1].doc_id in n.documents)
    assert overview.eval("window.kgView.nodeView.length") == in_doc2
    # searching a node hidden by a filter brings it back
    overview.page.fill("#kg-search", "金昌晓")
    overview.page.press("#kg-search", "Enter")
    assert overview.eval("window.kgView.nodeView.length") == total


def test_pages_hospital_page_shows_its_neighbourhood(browser, site):
    out, graph = site
    beiyi = next(n for n in graph.nodes(EntityType.HOSPITAL) if "北医三院" in n.aliases)
    page = Page(browser, (out / "hospitals" / f"{hospital_slug(beiyi.key)}.html").as_uri())
    try:
        page.wait_ready()
        # 1 hop: leader, honor, two mechanisms, metric; 2 hops: the other hospital and its metric? no:
        # the other hospital (via the shared mechanism) is 2 hops; its metric would be 3.
        ids = set(page.eval("window.kgView.nodes.getIds()"))
        labels = {n.label for n in graph.nodes() if node_id(n.key) in ids}
        assert labels == {"北京大学第三医院", "金昌晓", "全国先进基层党组织", "党建+业务双融合", fx.EVIL, "门诊量", "北京中医医院"}
        assert page.eval("window.kgView.network.getSelectedNodes()") == [node_id(beiyi.key)]
        assert page.page.text_content("#kg-panel h2") == "北京大学第三医院"
        assert page.errors == [] and page.requests == [] and page.eval("window.__pwned") is None
    finally:
        page.close()


def test_pages_index_lists_hospitals_and_links_work(browser, site):
    out, graph = site
    page = Page(browser, (out / "index.html").as_uri())
    try:
        links = page.page.locator("table.kg-index tbody a")
        assert links.count() == len(graph.nodes(EntityType.HOSPITAL))
        assert sorted(links.all_text_contents()) == sorted(n.label for n in graph.nodes(EntityType.HOSPITAL))
        links.first.click()
        page.wait_ready()
        assert page.eval("window.kgView.data.mode") == "hospital"
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


def test_pages_large_graph_overview_settles_and_says_so(browser, tmp_path):
    write(fx.large_graph(hospitals=60, per_hospital=12), tmp_path)
    page = Page(browser, (tmp_path / "graph.html").as_uri())
    try:
        page.wait_ready()
        assert page.eval("window.kgView.nodes.length") == 65
        assert page.eval("window.kgView.network.physics.options.enabled") is False
        assert page.page.is_visible("#kg-note")
        assert "总览只显示医院和机制" in page.page.text_content("#kg-note")
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


def test_pages_empty_graph_loads_cleanly(browser, tmp_path):
    from kg.graph import KnowledgeGraph

    write(KnowledgeGraph(), tmp_path)
    page = Page(browser, (tmp_path / "graph.html").as_uri())
    try:
        page.wait_ready()
        assert page.eval("window.kgView.nodes.length") == 0
        assert page.errors == [] and page.requests == []
    finally:
        page.close()
