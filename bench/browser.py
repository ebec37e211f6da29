"""Real-browser figures: a `streamlit run` server on a free port driven by Debian's Chromium.

Cold page load to the first chart drawn, filter change to the chart updated,
server memory (resident set of the server process), and ten sessions changing
filters at the same time.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Direction options with drawable flows in the bundled data, cycled over the sessions of the concurrency run.
DIRECTIONS = [
    "China → partner",
    "Partner → China",
    "North → North",
    "North → South",
    "Network → South",
    "South → South",
]
ARCS = ".js-plotly-plot g.frontplot path"


class Server:
    def __init__(self, env: dict | None = None, script: str = "dashboard.py", cwd: Path = ROOT):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
            ],
            cwd=cwd,
            env={**os.environ, **(env or {}), "STREAMLIT_SERVER_HEADLESS": "true"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(120):
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=1).status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("streamlit did not start")

    def rss_mb(self) -> tuple[float, float]:
        """(current, peak) resident memory of the server process, MB."""
        st = Path(f"/proc/{self.proc.pid}/status").read_text()
        kb = {
            k: int(v.split()[0])
            for k, v in (
                line.split(":", 1) for line in st.splitlines() if line.startswith(("VmRSS", "VmHWM"))
            )
        }
        return kb["VmRSS"] / 1024, kb["VmHWM"] / 1024

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def _title_has(label: str) -> str:
    return f"Array.from(document.querySelectorAll('.js-plotly-plot .gtitle')).some(e => e.textContent.includes({label!r}))"


def floor_server(figure: str = "") -> Server:
    """bench/floor_app.py run as its own app: Streamlit serves static/ and reads .streamlit/ next to the script it runs.
    figure="map" draws the app's default flow map instead of a one-line chart."""
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="coop-floor-"))
    (d / "app.py").write_text((ROOT / "bench" / "floor_app.py").read_text())
    for name in ("static", ".streamlit"):
        (d / name).symlink_to(ROOT / name)
    return Server(script="app.py", cwd=d, env={"COOP_FLOOR_FIGURE": figure, "PYTHONPATH": str(ROOT)})


# The page notes the moment the first arc is laid out, at the animation frame that paints it. Playwright's
# wait_for_selector cannot time this: it polls with a back-off of 0, 20, 50, 100, 100 ms, then every 500 ms, so a
# load measured with it lands on a 0.5 s grid (an arc drawn at 2.14 s was reported at 2.48 s; tests/test_browser.py).
_DRAWN_MARK = """(() => {
  const look = () => {
    const a = document.querySelector(__ARCS__);
    const r = a && a.getBoundingClientRect();
    if (r && (r.width > 0 || r.height > 0)) { window.__coopDrawn = performance.now(); return; }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();""".replace("__ARCS__", repr(ARCS))


def _new_context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(_DRAWN_MARK)
    return ctx


def _time_to_arcs(page, url: str) -> float:
    """Seconds from just before navigating to url until the frame that paints the first arc."""
    t0 = time.time()
    page.goto(url)
    page.wait_for_function("window.__coopDrawn !== undefined", timeout=120000, polling="raf")
    drawn, origin = page.evaluate("[window.__coopDrawn, performance.timeOrigin]")
    return max(0.0, origin / 1000 - t0) + drawn / 1000


def cold_loads(server: Server, path: str, repeat: int = 5) -> float:
    """Median time from a new browser context's navigation to the first arc drawn."""
    from playwright.sync_api import sync_playwright

    loads = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(repeat):
            ctx, _page, seconds = _cold_open(b, f"{server.url}{path}")
            loads.append(seconds)
            ctx.close()
        b.close()
    return statistics.median(loads)


def cached_loads(server: Server, path: str, repeat: int = 5) -> float:
    """Median load to the first arc in a new tab of a browser that has opened the app once (HTTP and code caches warm):
    a returning visitor, or a presenter's second link."""
    from playwright.sync_api import sync_playwright

    loads = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = _new_context(b)
        for i in range(repeat + 1):
            page = ctx.new_page()
            seconds = _time_to_arcs(page, f"{server.url}{path}")
            if i:
                loads.append(seconds)
            page.close()
        b.close()
    return statistics.median(loads)


def _cold_open(browser, url: str):
    """A new browser context (empty cache) opens url; returns (context, page, seconds until the first arc is drawn)."""
    ctx = _new_context(browser)
    page = ctx.new_page()
    return ctx, page, _time_to_arcs(page, url)


def _open_options(page, label: str):
    """Open the Direction list and return the option; a click that lands during a rerun closes the list, so retry."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(4):
        page.get_by_label("Direction").first.click()
        opt = page.get_by_role("option", name=label).first
        try:
            opt.wait_for(timeout=5000)
            return opt
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
    raise RuntimeError(f"the Direction list never showed '{label}'")


def single_user(server: Server, repeat: int = 5, query: str = "") -> dict[str, float]:
    """Median cold load (new browser context → arcs drawn) and filter change (option picked → chart title updated)."""
    from playwright.sync_api import sync_playwright

    loads, changes = [], []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for i in range(repeat):
            ctx, page, seconds = _cold_open(b, f"{server.url}/map{query}")
            loads.append(seconds)
            page.wait_for_function(
                "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120000
            )
            label = DIRECTIONS[i % 5]
            opt = _open_options(page, label)
            t = time.perf_counter()
            opt.click()
            page.wait_for_function(_title_has(label), timeout=120000)
            changes.append(time.perf_counter() - t)
            ctx.close()
        b.close()
    return {"load": statistics.median(loads), "change": statistics.median(changes)}


async def _map_with_option(browser, url: str, label: str):
    """A new tab on the map at `url`, loaded and idle, with the Direction list open on option `label`."""
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await ctx.new_page()
    await page.goto(url)
    await page.wait_for_selector(ARCS, timeout=180000)
    await page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=180000
    )
    await page.get_by_label("Direction").first.click()
    opt = page.get_by_role("option", name=label).first
    await opt.wait_for(timeout=60000)
    return ctx, page, opt


async def _session(browser, url: str, label: str, barrier: asyncio.Barrier) -> tuple[float, bool]:
    ctx, page, opt = await _map_with_option(browser, url, label)
    await asyncio.wait_for(barrier.wait(), 300)  # every session loaded: all click at the same moment
    t = time.perf_counter()
    await opt.click()
    await page.wait_for_function(_title_has(label), timeout=180000)
    dt = time.perf_counter() - t
    # Correct means: this session's chart and URL show this session's filter, not another session's.
    titles = " ".join(await page.locator(".js-plotly-plot .gtitle").all_text_contents())
    others = {d for d in DIRECTIONS if d != label}
    ok = label in titles and not any(o in titles for o in others) and "direction=" in page.url
    await ctx.close()
    return dt, ok


async def _concurrent(server: Server, n: int, query: str) -> list[tuple[float, bool]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        barrier = asyncio.Barrier(n)
        labels = [DIRECTIONS[i % len(DIRECTIONS)] for i in range(n)]
        out = await asyncio.gather(*(_session(b, f"{server.url}/map{query}", lab, barrier) for lab in labels))
        await b.close()
        return out


def concurrent(server: Server, n: int = 10, query: str = "") -> list[tuple[float, bool]]:
    """n sessions open the map, then all pick a different direction at the same moment."""
    return asyncio.run(_concurrent(server, n, query))


# Filters the protocol-level sessions apply: each a direction (as in the URL) and the label its chart title then shows.
WS_FILTERS = [
    ("china_to_partner", "China → partner"),
    ("partner_to_china", "Partner → China"),
    ("north_north", "North → North"),
    ("north_south", "North → South"),
    ("network_to_south", "Network → South"),
    ("south_south", "South → South"),
]


async def _mixed_round(
    server: Server, browser, n_protocol: int, label: str, months: str
) -> tuple[float, list[tuple[float, bool]]]:
    from wsclient import Session

    ctx, page, opt = await _map_with_option(browser, f"{server.url}/map", label)
    sessions = [Session(server.url) for _ in range(n_protocol)]
    for s in sessions:
        await s.__aenter__()
        await s.run("map")

    async def browser_change() -> float:
        t = time.perf_counter()
        await opt.click()
        await page.wait_for_function(_title_has(label), timeout=180000)
        return time.perf_counter() - t

    async def protocol_change(i: int, s) -> tuple[float, bool]:
        code, want = WS_FILTERS[i % len(WS_FILTERS)]
        dt, titles = await s.run("map", f"direction={code}&from={months}")
        others = [lab for _, lab in WS_FILTERS if lab != want]
        return dt, want in titles and not any(o in titles for o in others)

    results = await asyncio.gather(browser_change(), *(protocol_change(i, s) for i, s in enumerate(sessions)))
    for s in sessions:
        await s.__aexit__(None, None, None)
    await ctx.close()
    return results[0], list(results[1:])


def concurrent_mixed(server: Server, n: int = 10, rounds: int = 5) -> dict:
    """One real browser and n-1 protocol-level sessions change filters at the same moment; the browser's
    click-to-chart time is the per-interaction figure. Every round uses filters not seen before (no warm cache)."""
    from playwright.async_api import async_playwright

    async def go():
        async with async_playwright() as p:
            b = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            out = []
            for r in range(rounds):
                out.append(await _mixed_round(server, b, n - 1, DIRECTIONS[r % 5], f"2020-{r + 2:02d}"))
            await b.close()
            return out

    res = asyncio.run(go())
    return {
        "browser": [b for b, _ in res],
        "protocol": [t for _, ps in res for t, _ in ps],
        "correct": sum(ok for _, ps in res for _, ok in ps),
        "sessions": sum(len(ps) for _, ps in res),
    }


# Whether the page showed a progress bar at any moment: noted by the page itself, as the bar may come and go between
# two checks from here.
_PROGRESS_SEEN = """
window.__coopProgress = false;
new MutationObserver(() => {
  if (document.querySelector('[data-testid="stProgress"]')) window.__coopProgress = true;
}).observe(document.documentElement, {childList: true, subtree: true});
"""


def page_import(server: Server, csv: Path, timeout_s: float = 600) -> dict:
    """Upload `csv` on the import page in a new browser: seconds until the check report (or a refusal) is shown,
    whether a progress bar was shown meanwhile, and the refusal's text if the file was refused."""
    from playwright.sync_api import sync_playwright

    report, alert = "4. Check report", "[data-testid='stAlert']"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = b.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.goto(f"{server.url}/import")
        upload = page.locator("[data-testid='stFileUploaderDropzoneInput']")
        upload.wait_for(state="attached", timeout=120000)
        page.evaluate(_PROGRESS_SEEN)
        t = time.perf_counter()
        upload.set_input_files(str(csv))
        # The report; the app's refusal (an alert); or the uploader's own ("File must be 200.0MB or smaller.").
        too_large = "or smaller."
        page.wait_for_function(
            f"document.body.innerText.includes({report!r}) || !!document.querySelector({alert!r})"
            f" || document.body.innerText.includes({too_large!r})",
            timeout=timeout_s * 1000,
        )
        seconds = time.perf_counter() - t
        refused = ""
        if not page.get_by_text(report).count():
            refused = (
                page.locator(alert).first.inner_text()
                if page.locator(alert).count()
                else page.get_by_text(too_large).first.inner_text()
            )
        out = {"seconds": seconds, "progress": page.evaluate("window.__coopProgress"), "refused": refused}
        ctx.close()
        b.close()
    return out
