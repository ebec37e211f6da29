"""Shared test set-ups: the bundled data, the browser tests' Streamlit server and Chromium, and page helpers.

Browser fixtures are module-scoped: each browser test module gets its own server and browser.
"""

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from playwright import sync_api as playwright  # a missing playwright must fail, not skip

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DOSSIER = ROOT.parent / "shared" / "research"
# Imported datasets made by tests go to a throwaway database, never to the app's var/ folder.
os.environ["COOP_I18N_STRICT"] = "1"  # a missing translation fails the tests instead of falling back quietly
os.environ["COOP_DATA_STORE"] = str(Path(tempfile.mkdtemp(prefix="coop-store-")) / "store.sqlite")


@pytest.fixture(scope="session")
def bundle():
    from coop_data import load_bundle

    return load_bundle()


@pytest.fixture(scope="session")
def flows(bundle):
    return bundle.flows


def by_id(flows, rid):
    return flows[flows["record_id"] == rid].iloc[0]


# --- Files to import, made here ----------------------------------------------------------------------------------
# Columns of the import tests' own-format files: each side's city and country, or its name, level, city and country.
PLACE_COLUMNS = [f"{side}_{f}" for side in ("donor", "recipient") for f in ("city", "country_iso3")]
ACTOR_COLUMNS = [
    f"{side}_{f}" for side in ("donor", "recipient") for f in ("name", "level", "city", "country_iso3")
]

HEADER = [
    "Date",
    "Ville donatrice",
    "Pays donateur",
    "Ville bénéficiaire",
    "Pays bénéficiaire",
    "Type d'aide",
    "Quantité",
    "Unité",
    "Montant (€)",
    "Source",
]
# Shapes of a French newsroom sheet; the places are real, the rows are test fixtures (labelled SYNTHETIC in the source column).
NEWSROOM = [
    [
        "12/03/2020",
        "Strasbourg",
        "France",
        "Córdoba",
        "Espagne",
        "Masques",
        "10.000",
        "masques",
        "",
        "https://example.org/synthetic-1",
    ],
    [
        "31/02/2020",
        "Lyon",
        "FRA",
        "Milan",
        "ITA",
        "cash",
        "",
        "",
        "50.000,50",
        "https://example.org/synthetic-2",
    ],
    [
        "mars 2020",
        "Bordeaux",
        "FR",
        "Frankfurt",
        "Allemagne",
        "ppe",
        "5",
        "cartons",
        "1.234,5",
        "https://example.org/synthetic-3",
    ],
    [
        "2020-04",
        "Nantes",
        "FRA",
        "Valencia",
        "",
        "respirateurs",
        "3",
        "respirateurs",
        "",
        "https://example.org/synthetic-4",
    ],
    [
        "15 avril 2020",
        "Lille",
        "FRA",
        "Narnia",
        "ITA",
        '=HYPERLINK("http://x")',
        "",
        "",
        "",
        "https://example.org/synthetic-5",
    ],
]


def csv_bytes(header, rows, sep=";", encoding="cp1252", bom=True) -> bytes:
    text = "\r\n".join(sep.join(r) for r in [header, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def cell_problem_file(dated: bool = False) -> tuple[list[str], list[list[str]]]:
    """A flows file in our own columns: one good row (real places, a synthetic source URL), then one row per rule
    broken, rows 3 to 10 as a spreadsheet numbers them. `dated` adds a date column and rows 11 to 14 with bad or
    incomplete dates and quantities."""
    header = [
        "record_id",
        *ACTOR_COLUMNS,
        "aid_kind",
        "quantity",
        "quantity_unit",
        "amount",
        "currency",
        "source_url",
    ]
    good = [
        "T-1",
        "Hamburg",
        "city",
        "Hamburg",
        "DEU",
        "Bergamo",
        "city",
        "Bergamo",
        "ITA",
        "masks",
        "100",
        "masks",
    ]
    good += ["", "", "https://example.org/s"]
    tail = ["2020-04"] if dated else []  # the cells after source_url
    good += tail
    rows = [
        good,
        ["T-2", "", "city", "", "DEU", *good[5:]],  # missing donor
        ["T-3", *good[1:8], "XXX", *good[9:]],  # unknown country code
        ["T-4", *good[1:10], "-5", "masks", "", "", *good[14:]],  # negative quantity
        ["T-5", *good[1:12], "12000", "EU", *good[14:]],  # currency not ISO 4217
        ["T-6", *good[1:12], "about 5000", "EUR", *good[14:]],  # text in an amount
        ["T-1", *good[1:]],  # duplicate id
        ["T-8", *good[1:9], "hugs", *good[10:]],  # unknown aid kind
        ["T-9", *good[1:14], "not a url", *tail],  # bad source
    ]
    if dated:
        header.append("date")
        rows += [
            ["T-10", *good[1:15], "31/02/2020"],
            ["T-11", *good[1:15], "someday"],
            ["T-12", *good[1:10], "5", "", "", "", *good[-2:]],
            ["T-13", *good[1:12], "5", "", *good[-2:]],
        ]
    return header, rows


# --- Browser tests: `streamlit run` on a free local port, driven by Debian's Chromium through Playwright -----
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "tests" / "artifacts" / "screens"
LOCAL = (
    "http://localhost",
    "http://127.0.0.1",
    "ws://localhost",
    "ws://127.0.0.1",
    "data:",
    "blob:",
    "about:",
)


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
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
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
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
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


@contextlib.contextmanager
def opened(browser, url):
    """`open_page`, its browser context closed afterwards: `with opened(browser, url) as (page, watch):`."""
    ctx, page, w = open_page(browser, url)
    try:
        yield page, w
    finally:
        ctx.close()


DRAWN_JS = (
    "n => { const p = Array.from(document.querySelectorAll('.js-plotly-plot'));"
    " return p.length >= n && p.every(gd => gd._fullLayout && gd.querySelector('.main-svg')); }"
)


def wait_charts(page, n_min=1):
    """Every chart on the page laid out by plotly, and the script run over."""
    page.wait_for_function(DRAWN_JS, arg=n_min, timeout=30000)
    idle(page)


# True once Streamlit's running indicator has been absent for a quiet spell of 300 ms of page time (it appears a
# moment after a run starts, so "absent now" alone can be seen before the run it should wait for).
IDLE_JS = """() => {
  const busy = document.querySelector('[data-testid="stStatusWidget"]');
  const now = performance.now();
  if (busy || window.__coopQuietSince === undefined) { window.__coopQuietSince = busy ? undefined : now; return false; }
  return now - window.__coopQuietSince > 300;
}"""


def idle(page) -> None:
    """Wait until the script run is over, so widgets are not re-rendered under the mouse."""
    page.evaluate("() => { window.__coopQuietSince = undefined; }")
    page.wait_for_function(IDLE_JS, timeout=30000, polling=50)


def choose(page, label_text: str, option: "re.Pattern") -> None:
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label_text).first
    for _ in range(3):
        idle(page)
        box.scroll_into_view_if_needed()
        box.get_by_role("button", name="Open").click()
        try:
            page.get_by_role("option", name=option).first.click(timeout=5000)
            return
        except playwright.TimeoutError:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {option.pattern} in '{label_text}'")
