"""Real browser: `streamlit run` on a free local port driven by Debian's Chromium through Playwright.

Checks every page draws its charts, a filter change updates chart and URL, a
permalink restores the view in a fresh browser, no request leaves localhost
and no JavaScript error occurs. Screenshots go to tests/artifacts/screens
(the path is printed).
"""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "tests" / "artifacts" / "screens"
PAGES = {"home": "", "map": "map", "sankey": "sankey", "timeline": "timeline", "partnerships": "partnerships",
         "funds": "funds", "explorer": "explorer", "methods": "methods"}
LOCAL = ("http://localhost", "http://127.0.0.1", "ws://localhost", "ws://127.0.0.1", "data:", "blob:", "about:")

from playwright import sync_api as playwright  # noqa: E402  (a missing playwright must fail, not skip)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (see .ci/run)")
    port = free_port()
    env = {**os.environ, "STREAMLIT_SERVER_HEADLESS": "true", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(base + "/_stcore/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + proc.stdout.read().decode()[-2000:])
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                                              "--disable-component-update", "--no-first-run", "--disable-sync"])
        yield b
        b.close()


class Watch:
    def __init__(self, page):
        self.external, self.errors = [], []
        page.on("request", lambda r: None if r.url.startswith(LOCAL) else self.external.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))


def open_page(browser, url):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    w = Watch(page)
    page.goto(url)
    page.wait_for_selector("[data-testid='stSidebar']", timeout=30000)
    return ctx, page, w


def wait_charts(page, n_min=1):
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length >= {n_min}", timeout=30000)
    page.wait_for_timeout(1500)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_offline(server, browser, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx, page, w = open_page(browser, f"{server}/{PAGES[name]}")
    try:
        if name in ("explorer", "methods"):
            page.wait_for_selector("[data-testid='stDataFrame']", timeout=30000)
        else:
            wait_charts(page)
        if name in ("home", "map", "partnerships", "funds"):
            page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
            page.wait_for_function("(document.querySelector('.js-plotly-plot g.layer.countries path')?.getAttribute('d') || '').length > 5000",
                                   timeout=30000)
            assert page.locator(".js-plotly-plot g.frontplot path").count() > 0
        if name == "sankey":
            page.wait_for_function("document.querySelectorAll('.sankey-node').length > 5", timeout=30000)
        if name == "timeline":
            assert page.locator(".js-plotly-plot .bars path").count() > 5
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / f"{name}.png"))
        assert w.external == [], w.external[:5]
        assert w.errors == [], w.errors[:3]
    finally:
        ctx.close()
    print(f"screenshot: {SHOTS / (name + '.png')}")


def test_filter_change_updates_chart_and_url(server, browser):
    ctx, page, w = open_page(browser, f"{server}/map")
    try:
        wait_charts(page)
        before = page.locator(".js-plotly-plot g.frontplot path").count()
        page.get_by_label("Direction").first.click()
        page.get_by_role("option", name="South → South").click()
        page.keyboard.press("Escape")
        page.wait_for_function("location.search.includes('direction=south_south')", timeout=20000)
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot g.frontplot path').length < {before}", timeout=20000)
        assert "South → South" in page.locator(".js-plotly-plot .gtitle").first.text_content()
        assert w.external == [] and w.errors == []
    finally:
        ctx.close()


def test_permalink_restores_view_in_fresh_browser(server, browser):
    url = f"{server}/explorer?direction=north_south&donor_country=DEU"
    ctx, page, w = open_page(browser, url)
    try:
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=30000)
        page.get_by_text("17 flows.").first.wait_for(timeout=20000)
        assert "direction North → South; donor in Germany" in page.content()
        page.get_by_role("link", name="Flow map").click()
        page.wait_for_function("location.pathname.endsWith('/map') && location.search.includes('donor_country=DEU')", timeout=20000)
    finally:
        ctx.close()
