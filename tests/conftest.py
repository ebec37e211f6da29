"""Shared test set-ups: the bundled data, the browser tests' Streamlit server and Chromium, and page helpers.

Browser fixtures are module-scoped: each browser test module gets its own server and browser.
"""

import collections
import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright import sync_api as playwright  # a missing playwright must fail, not skip
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

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
    # A file, not a pipe nobody reads: a full pipe would stop the server at its next log line.
    log = tempfile.NamedTemporaryFile(prefix="coop-streamlit-", suffix=".log", delete=False)
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
        stdout=log,
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
        pytest.fail("streamlit did not start: " + Path(log.name).read_text(errors="replace")[-2000:])
    yield base
    proc.terminate()
    proc.wait(10)
    log.close()
    os.unlink(log.name)


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
        track(page)


def decoded(cls, payload):
    """One frame of Streamlit's socket as its protobuf message and kind (a text frame carries none)."""
    msg = cls.FromString(payload) if isinstance(payload, bytes) else cls()
    return msg, msg.WhichOneof("type")


class Runs:
    """The app's script runs as its websocket tells them: Streamlit's running indicator never shows in this app
    (checked while a 5 s run was on), so a page cannot say when a run is over, but the protocol does.

    Counts what the page sent (reruns it asked for, deferred-download requests) so an action can tell whether the
    app ever heard of it; keeps the last messages to say what happened when a wait fails."""

    def __init__(self):
        self.log: collections.deque[str] = collections.deque(maxlen=30)
        self.reset()

    def reset(self) -> None:
        self.connected = False
        self.running = False
        self.pending = False  # a rerun asked for that has not started yet
        self.rerun_next = False  # the last run stopped early for a rerun: another one is coming
        self.asked = 0  # reruns the page asked for
        self.ops: dict[str, str] = {}  # deferred-download request id -> "pending", "ok" or the server's error
        self.last = time.monotonic()

    def socket(self, ws) -> None:
        if not ws.url.endswith("/_stcore/stream"):
            return
        self.reset()  # a new page load: a new session
        self.note("connected")
        self.connected = True
        ws.on("framesent", self.sent)
        ws.on("framereceived", self.received)
        ws.on("close", lambda _ws: setattr(self, "connected", False))

    def note(self, text: str) -> None:
        self.last = time.monotonic()
        self.log.append(f"{self.last:.2f} {text}")

    def sent(self, payload) -> None:
        msg, kind = decoded(BackMsg, payload)
        if kind == "rerun_script":
            self.asked += 1
            self.pending = True
            widgets = msg.rerun_script.widget_states.widgets
            triggers = [
                w.json_trigger_value or "trigger"
                for w in widgets
                if "trigger" in (w.WhichOneof("value") or "")
            ]
            self.note(f"sent rerun {msg.rerun_script.query_string} {triggers}")
        elif kind == "backend_operation_request":
            self.ops[msg.backend_operation_request.request_id] = "pending"
            self.note("sent download request")
        elif kind != "app_heartbeat":
            self.note(f"sent {kind}")

    def received(self, payload) -> None:
        msg, kind = decoded(ForwardMsg, payload)
        if kind == "session_status_changed":
            self.running = msg.session_status_changed.script_is_running
            if self.running:
                self.pending = self.rerun_next = False
            self.note(f"running={self.running}")
        elif kind == "script_finished":
            self.rerun_next = msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN
            self.note(f"finished {ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)}")
        elif kind == "backend_operation_response":
            op = msg.backend_operation_response
            self.ops[op.request_id] = op.error_msg or "ok"
            self.note(f"download response {op.error_msg or 'ok'}")
        elif kind == "new_session":
            # a run begins; one that replaces a run cut short by a newer rerun request says only this
            self.running, self.pending, self.rerun_next = True, False, False
            self.note(kind)
        elif kind in ("page_info_changed", "page_not_found"):
            self.note(kind)
        elif kind != "heartbeat_ack":
            self.last = time.monotonic()

    def quiet(self, seconds: float) -> bool:
        """No run on, none asked for or coming, and nothing said either way for `seconds`."""
        busy = not self.connected or self.running or self.pending or self.rerun_next
        return not busy and time.monotonic() - self.last >= seconds

    def story(self) -> str:
        return "app messages (monotonic s): " + " | ".join(self.log)


RUNS: "weakref.WeakKeyDictionary[playwright.Page, Runs]" = weakref.WeakKeyDictionary()


def track(page) -> Runs:
    """Follow the page's script runs; call before the page's first `goto` (a socket opened earlier is not seen)."""
    if page not in RUNS:
        RUNS[page] = Runs()
        page.on("websocket", RUNS[page].socket)
    return RUNS[page]


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


# A map is drawn only once its outline has loaded: until then its geo subplot has no background (bgRect), no
# countries and no arcs, though the chart is already laid out.
DRAWN_JS = (
    "n => { const p = Array.from(document.querySelectorAll('.js-plotly-plot'));"
    " return p.length >= n && p.every(gd => gd._fullLayout && gd.querySelector('.main-svg') &&"
    " ((gd._fullLayout._subplots || {}).geo || []).every(g => gd._fullLayout[g]?._subplot?.bgRect)); }"
)


def wait_charts(page, n_min=1):
    """Every chart on the page drawn by plotly (maps with their outline), and the script run over."""
    page.wait_for_function(DRAWN_JS, arg=n_min, timeout=30000)
    idle(page)


QUIET = 0.3  # seconds with no message after a run: a chart's component may still ask for its own rerun


def idle(page, timeout: float = 90) -> None:
    """Wait until no script run is on, asked for or coming, and the page shows no element of an older run, so a
    click or key lands on the widgets the reader sees and the app hears of it."""
    runs = RUNS.get(page)
    assert runs is not None, (
        "idle() needs a page followed from its first load: make it with open_page or Watch"
    )
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if runs.quiet(QUIET) and not page.locator("[data-stale='true']").count():
            return
        page.wait_for_timeout(50)  # lets playwright deliver the socket's messages
    raise AssertionError(f"the app did not go idle in {timeout:.0f} s; " + runs.story())


def act(page, do: Callable[[], None], what: str, heard: float = 10) -> None:
    """Do something that makes the app rerun (a click, a key, a choice) once the app is idle. If the page did not
    ask for a rerun within `heard` seconds the event was lost (it landed on an element a run was replacing, or on
    a listener being remounted): wait for idle and do it once more. Whether the rerun had the expected effect is
    the caller's assertion."""
    runs = RUNS[page]
    for attempt in (1, 2):
        idle(page)
        before = runs.asked
        do()
        end = time.monotonic() + heard
        while time.monotonic() < end:
            if runs.asked > before:
                return
            page.wait_for_timeout(50)
        idle(page)
        if runs.asked > before:
            return
        if attempt == 1:
            print(f"RETRY {what}: no rerun asked; " + runs.story())
    raise AssertionError(f"{what}: the app never heard of it (no rerun asked, twice); " + runs.story())


def press(page, key: str) -> None:
    """A key that makes the app rerun (a presenter's clicker, Enter on a focused button), pressed once the app is
    idle and pressed again if it was lost."""
    act(page, lambda: page.keyboard.press(key), f"key {key}")


def click(page, target) -> None:
    """Click a locator that makes the app rerun, once the app is idle; again if the click was lost."""
    act(page, target.click, f"click on {target}")


def until(page, js: str, what: str, timeout: float = 60) -> None:
    """`page.wait_for_function(js)`, failing with what the app's socket said meanwhile."""
    try:
        page.wait_for_function(js, timeout=timeout * 1000)
    except playwright.TimeoutError:
        raise AssertionError(f"{what}: not after {timeout:.0f} s; " + RUNS[page].story()) from None


def download(page, button, timeout: float = 180) -> "playwright.Download":
    """Click a download button once the app is idle and return the download. A click that produced nothing (no
    file request heard, or the server no longer knew the button's file after a rerun replaced it) is clicked once
    more after the app went idle; a file the server made that never arrived is a failure."""
    runs = RUNS[page]
    got: list = []

    def on_download(d) -> None:
        got.append(d)

    page.on("download", on_download)
    try:
        for attempt in (1, 2):
            idle(page)
            button.scroll_into_view_if_needed()
            asked = set(runs.ops)
            button.click()
            start, end = time.monotonic(), time.monotonic() + timeout
            while not got and time.monotonic() < end:
                page.wait_for_timeout(100)
                mine = [runs.ops[k] for k in runs.ops if k not in asked]
                failed = any(v not in ("pending", "ok") for v in mine)
                unheard = not mine and time.monotonic() - start > 10 and runs.quiet(2)
                if failed or unheard:  # nothing is coming from this click
                    if attempt == 1:
                        print(f"RETRY download {button}: {mine or 'no file request'}; " + runs.story())
                    break
            if got:
                return got[0]
        raise AssertionError(f"no download from {button}, clicked twice; " + runs.story())
    finally:
        page.remove_listener("download", on_download)


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
