"""Benchmark: prints a table of speed, size and memory figures, and writes JSON.

    python bench/run.py [--quick] [--json PATH]

Synthetic flows (made here by code, every name prefixed "SYNTHETIC") between
real gazetteer places are used for sizes 1k … 1M; they never reach the app's
bundled data. --quick stops at 100k.

End to end (`bench_end_to_end`): a SYNTHETIC CSV on disk is imported by `python -m coop_data import` in a child
process (read -> map columns -> normalise -> check -> place -> store, timed as the wall time of the child), then a
fresh child opens it with `datasets.open_bundle` and touches what every page needs (filter, headline, directions,
timeline, actors, sources); peak memory is each child's own VmHWM. `--only-e2e --ab OLD_CHECKOUT` runs only these,
the old checkout's code and this one interleaved, and records old/new ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
# SYNTHETIC benchmark datasets go to a throwaway store, never to the app's var/ folder.
os.environ["COOP_DATA_STORE"] = str(Path(tempfile.mkdtemp(prefix="coop-bench-")) / "bench.sqlite")

import streamlit.logger  # noqa: E402

streamlit.logger.set_log_level("error")  # AppTest outside `streamlit run` warns on every element otherwise
from coop_data import aggregate, filters, places  # noqa: E402
from coop_data.figures import flow_map, sankey  # noqa: E402
from coop_data.load import enrich, load_bundle  # noqa: E402
from coop_data.vocab import AID_KINDS  # noqa: E402

FIGS: list[dict] = []


# --quick repeats less (medians of 3 instead of 5 for the browser and bundled page runs, 2 rounds of 10 sessions
# instead of 5) and leaves out the ten real browsers and the framework-floor pages: the full run has them all.
REPEAT = {"browser": 5, "pages": 5, "big_pages": 3, "rounds": 5, "floors": True, "ten_browsers": True}
QUICK_REPEAT = {"browser": 3, "pages": 3, "big_pages": 2, "rounds": 2, "floors": False, "ten_browsers": False}


@contextlib.contextmanager
def section(name: str):
    """How long each part of the benchmark takes (stderr), to keep --quick under 3 minutes."""
    t = time.perf_counter()
    yield
    print(f"  [{name}: {time.perf_counter() - t:.0f} s]", file=sys.stderr)


def record(name, size, value, unit, target=None, better="lower"):
    ok = None if target is None else (value <= target if better == "lower" else value >= target)
    FIGS.append(
        {
            "name": name,
            "size": size,
            "value": round(float(value), 4),
            "unit": unit,
            "target": target,
            "ok": ok,
        }
    )
    t = "" if target is None else f"{'≤' if better == 'lower' else '≥'} {target}"
    flag = "" if ok is None else ("ok" if ok else "MISSED")
    print(f"{name:<44} {str(size):>9} {value:>12.3f} {unit:<6} {t:<10} {flag}", flush=True)


def timed(fn, repeat=3):
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def synthetic(n: int, n_places: int, seed: int = 1):
    """SYNTHETIC flows between real places (largest n_places of the gazetteer)."""
    rng = np.random.default_rng(seed)
    g = places.gazetteer()
    pl = (
        g[g["primary"]].sort_values("population", ascending=False).drop_duplicates("geonameid").head(n_places)
    )
    iso2to3 = {v: k for k, v in places.iso3_to_iso2().items()}
    pl = pl.assign(iso3=pl["cc"].astype(str).map(iso2to3)).dropna(subset=["iso3"]).reset_index(drop=True)
    a = rng.integers(0, len(pl), n)
    b = (a + rng.integers(1, len(pl), n)) % len(pl)
    days = rng.integers(0, 730, n)
    date = (pd.Timestamp("2020-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    flows = pd.DataFrame(
        {
            "record_id": [f"SYN-{i:07d}" for i in range(n)],
            "date": date,
            "date_precision": "day",
            "donor_name": "SYNTHETIC " + pl["name"].values[a],
            "donor_level": "city",
            "donor_city": pl["name"].values[a],
            "donor_country_iso3": pl["iso3"].values[a],
            "recipient_name": "SYNTHETIC " + pl["name"].values[b],
            "recipient_level": "city",
            "recipient_city": pl["name"].values[b],
            "recipient_country_iso3": pl["iso3"].values[b],
            "aid_kind": rng.choice(AID_KINDS, n),
            "items": "",
            "quantity": rng.integers(1, 100000, n).astype(float),
            "quantity_unit": "masks",
            "amount": np.where(rng.random(n) < 0.2, rng.integers(1000, 100000, n), np.nan).astype(float),
            "currency": "EUR",
            "amount_qualifier": "exact",
            "channel_network": "",
            "relationship_stated": "",
            "summary": "SYNTHETIC",
            "source_url": "https://example.org/synthetic",
            "source_publisher": "SYNTHETIC",
            "source_date": "",
            "status": "delivered",
            "status_basis": "synthetic",
            "is_aggregate": False,
            "parent_id": "",
            "parent_basis": "",
            "fund_id": "",
            "source_id": "S-synthetic",
            "slice": "user",
        }
    )
    ids = pl["geonameid"].astype(str).radd("A-SYN-")
    flows["donor_actor_id"] = ids.values[a]
    flows["recipient_actor_id"] = ids.values[b]
    actors = pd.DataFrame(
        {
            "actor_id": ids,
            "name": "SYNTHETIC " + pl["name"],
            "level": "city",
            "city": pl["name"],
            "country_iso3": pl["iso3"],
            "latitude": pl["lat"],
            "longitude": pl["lon"],
            "placement": "city",
        }
    )
    return flows, actors


def naive_map(flows: pd.DataFrame):
    """The usual approach: one plotly trace per flow line."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for r in flows.itertuples():
        fig.add_trace(
            go.Scattergeo(
                lat=[r.donor_lat, r.recipient_lat], lon=[r.donor_lon, r.recipient_lon], mode="lines"
            )
        )
    return fig


def bench_size(n: int, n_places: int, b):
    flows, actors = synthetic(n, n_places)
    f, t = timed(lambda: enrich(flows, actors, b.countries, b.fx_rates), repeat=1)
    record("load + enrich (synthetic)", n, t, "s")
    flt = filters.Filter(date_from="2020-03", date_to="2020-12", aid_kind=("masks", "ppe", "cash"))
    (v, t) = timed(lambda: flt.apply(f))
    record("filter", n, t, "s")
    _, t = timed(lambda: (aggregate.headline(v), aggregate.by_direction(v), aggregate.timeline(v)))
    record("aggregate (headline, directions, timeline)", n, t, "s")
    (fig, _), t = timed(lambda: flow_map(v, "flows", "t", "s", "src", max_arcs=400), repeat=3)
    record("flow map build (≤400 arcs)", n, t, "s")
    size_mb = len(fig.to_json()) / 1e6
    record("flow map spec size", n, size_mb, "MB", 1.0)
    links, t = timed(
        lambda: aggregate.node_table(v, ["donor_region", "direction", "recipient_region"], "flows")
    )
    fig2 = sankey(links, "t", "s", "src", "flows")
    record("sankey spec size", n, len(fig2.to_json()) / 1e6, "MB", 1.0)
    if n == 10_000:
        sub = f
        _, t_naive = timed(lambda: naive_map(sub), repeat=1)
        _, t_fast = timed(lambda: flow_map(sub, "flows", "t", "s", "src", max_arcs=n))
        record("naive map build, 1 trace/flow", len(sub), t_naive, "s")
        record("batched map build, all arcs", len(sub), t_fast, "s")
        # No target since session 8: the batched build now also makes the place markers and hover points the
        # naive one has not, so the ratio no longer compares like with like (it went from 14x to 5x by that alone).
        record("speed-up vs naive map (lines only vs whole map)", len(sub), t_naive / t_fast, "x")


def bench_import(n: int):
    flows, _ = synthetic(n, 20_000, seed=2)
    names, iso = flows["donor_city"], flows["donor_country_iso3"]
    from coop_data.interchange import INTERCHANGE
    from coop_data.validate import check

    def run():
        rep = check(flows.astype(str).replace("nan", ""), INTERCHANGE)
        res = places.resolve(names, iso)
        return rep, res

    (_, res), t = timed(run, repeat=1)
    record("import: validate + place resolution", n, t, "s", 5 if n <= 10_000 else 30)
    record("import: share of places resolved", n, float((res["n_candidates"] > 0).mean()), "ratio")


def bench_naive_gazetteer():
    names = pd.Series(["Cologne", "Wuhan", "Milan", "Frankfurt am Main", "Oita"] * 200)
    iso = pd.Series(["DEU", "CHN", "ITA", "DEU", "JPN"] * 200)
    _, t_fast = timed(lambda: places.resolve(names, iso))
    g = places.gazetteer()

    def naive():
        return [
            g[(g["key"] == places.norm(a)) & (g["cc"] == places.iso3_to_iso2()[c])].head(1)
            for a, c in zip(names[:50], iso[:50])
        ]

    _, t_naive = timed(naive, repeat=1)
    record("gazetteer: row-by-row lookup, per name", 50, t_naive / 50, "s")
    record("gazetteer: vectorised lookup, per name", len(names), t_fast / len(names), "s")


# End to end, as a user waits ---------------------------------------------------------------------------------
# The CLI import of a SYNTHETIC CSV on disk (read -> map columns -> normalise -> check -> place -> store) and the
# first open of the stored dataset, each in a fresh child process; peak memory is the child's own VmHWM.
OPEN_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from coop_data import aggregate, datasets, filters
t1 = time.perf_counter()
b, ds = datasets.open_bundle(sys.argv[1], "imported")
ready = (len(b.actors), len(b.sources), b.flows["donor_lat"].notna().sum(), b.flows["direction"].cat.categories)
t2 = time.perf_counter()
v = filters.Filter().apply(b.flows)
pages = (aggregate.headline(v), aggregate.by_direction(v), aggregate.timeline(v))
t3 = time.perf_counter()
print(json.dumps({"libraries_s": t1 - t0, "open_s": t2 - t1, "pages_s": t3 - t2, "flows": len(b.flows)}))
"""


CSV_FOLDER = Path(tempfile.gettempdir()) / "coop-bench-csv"


def synthetic_csv(n: int, folder: Path) -> Path:
    """A SYNTHETIC flows CSV in the interchange layout (every name prefixed SYNTHETIC), written once per size."""
    from coop_data.interchange import INTERCHANGE

    path = folder / f"synthetic_flows_{n}.csv"
    folder.mkdir(exist_ok=True)
    if not path.exists():
        flows, _ = synthetic(n, min(50_000, max(1_000, n // 2)), seed=4)
        skip = {"status_basis", "is_aggregate", "parent_id", "parent_basis", "fund_id", "source_id"}
        cols = [f.name for f in INTERCHANGE.fields if f.name in flows.columns and f.name not in skip]
        flows = flows.assign(
            quantity=flows["quantity"].astype("Int64"), amount=flows["amount"].astype("Int64")
        )
        flows[[c for c in cols if not c.endswith("actor_id")]].to_csv(path, index=False)
    return path


# A child's own peak memory: VmHWM, read by the child as it exits. The rusage of a waited child (ru_maxrss) also
# counts the benchmark process it was forked from (Linux keeps the larger of the two across exec), which made
# every child look as large as this process once the 1M tables were built here.
PEAK_AT_EXIT = """
import atexit, os, runpy, sys
def _peak():
    with open("/proc/self/status") as f:
        kb = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
    with open(os.environ["COOP_BENCH_PEAK"], "w") as out:
        out.write(kb)
atexit.register(_peak)
sys.argv = sys.argv[1:]
if sys.argv[0] == "-c":
    sys.argv = sys.argv[1:]
    exec(compile(sys.argv[0], "<bench child>", "exec"), {"__name__": "__main__"})
else:
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""


def child(args: list[str], cwd: Path, env: dict) -> tuple[float, float, int, str]:
    """Run `python -m MODULE …` or `python -c CODE …` as a child; (wall seconds, its peak RSS MB, exit code, stdout)."""
    peak = Path(tempfile.mkstemp(prefix="coop-bench-peak-")[1])
    args = [args[0], "-c", PEAK_AT_EXIT, *(args[2:] if args[1] == "-m" else args[1:])]
    t = time.perf_counter()
    p = subprocess.run(args, cwd=cwd, env={**env, "COOP_BENCH_PEAK": str(peak)}, capture_output=True)
    wall = time.perf_counter() - t
    kb = peak.read_text().strip()
    peak.unlink()
    return wall, int(kb) / 1024 if kb else float("nan"), p.returncode, p.stdout.decode("utf-8", "replace")


# Imports timed per size: a 3 s figure on a shared two-core machine swings by a few tenths from run to run, so
# the figure at 100k is the median of three whole imports (each into a clean store); 1M is imported once.
IMPORT_RUNS = {100_000: 3}


def end_to_end(n: int, csv: Path, code: Path = ROOT, label: str = "") -> dict:
    """CLI import of `csv` then a fresh-process open, with the code in folder `code` (A/B against another checkout).
    The import's wall time is the median of `IMPORT_RUNS` runs, its peak memory the largest of them."""
    tag = f" [{label}]" if label else ""
    runs = []
    for _ in range(IMPORT_RUNS.get(n, 1)):
        store = Path(tempfile.mkdtemp(prefix="coop-bench-e2e-")) / "e2e.sqlite"
        env = {**os.environ, "COOP_DATA_STORE": str(store), "PYTHONPATH": str(code)}
        runs.append(
            child(
                [sys.executable, "-m", "coop_data", "import", str(csv), "--json", "--name", f"SYNTHETIC {n}"],
                code,
                env,
            )
        )
        if runs[-1][2] != 0:
            break
    wall, rss, rc, out = runs[-1]
    res = {"import_s": wall, "import_mb": rss, "import_rc": rc}
    if rc != 0:
        record(f"CLI import, whole (refused: exit {rc}){tag}", n, wall, "s")
        return res
    ds_id = json.loads(out)["dataset"]
    walls = sorted(r[0] for r in runs)
    wall, rss = walls[len(walls) // 2], max(r[1] for r in runs)
    res.update(import_s=wall, import_mb=rss)
    what = f"median of {len(runs)}" if len(runs) > 1 else "one run"
    if len(runs) > 1:
        print(f"  CLI import runs at {n:,}: " + ", ".join(f"{w:.2f} s" for w in walls))
    record(f"CLI import, whole, wall ({what}){tag}", n, wall, "s", 3 if n <= 100_000 else 30)
    record(f"CLI import, peak memory (largest){tag}", n, rss, "MB", 600 if n <= 100_000 else 2500)
    for attempt in ("first", "second"):
        wall, rss, rc, out = child([sys.executable, "-c", OPEN_CHILD, ds_id], code, env)
        got = json.loads(out.strip().splitlines()[-1]) if rc == 0 else {}
        if attempt == "first":
            record(
                f"fresh-process open: open_bundle{tag}",
                n,
                got.get("open_s", float("nan")),
                "s",
                0.5 if n <= 100_000 else 3,
            )
            record(f"fresh-process open: then filter+headline+timeline{tag}", n, got.get("pages_s", 0), "s")
            record(f"fresh-process open: python + library imports{tag}", n, got.get("libraries_s", 0), "s")
            record(f"fresh-process open: whole child, wall{tag}", n, wall, "s")
            record(f"fresh-process open: peak memory{tag}", n, rss, "MB", 600 if n <= 100_000 else 2500)
            res.update(open_s=got.get("open_s"), open_wall_s=wall, open_mb=rss)
        else:
            record(
                f"fresh-process open again (parts now stored){tag}", n, got.get("open_s", float("nan")), "s"
            )
            res.update(open2_s=got.get("open_s"))
    return res


def bench_end_to_end(sizes, other: Path | None = None, rounds: int = 1) -> None:
    """Each size: the whole CLI import and a fresh open; with `other`, old and new code interleaved (A/B)."""
    CSV_FOLDER.mkdir(exist_ok=True)
    for n in sizes:
        csv = synthetic_csv(n, CSV_FOLDER)
        record("SYNTHETIC CSV file size", n, csv.stat().st_size / 2**20, "MB")
        for _ in range(rounds):
            if other is None:
                end_to_end(n, csv)
                continue
            old = end_to_end(n, csv, other, "A: " + other.name)
            new = end_to_end(n, csv, ROOT, "B: " + ROOT.name)
            for k in ("import_s", "import_mb", "open_s", "open_mb"):
                if old.get(k) and new.get(k) and old.get("import_rc") == 0:
                    record(f"A/B ratio old/new {k}", n, old[k] / new[k], "x")


APP_PAGES = (
    "home",
    "map",
    "sankey",
    "timeline",
    "partnerships",
    "funds",
    "explorer",
    "story",
    "import",
    "methods",
)


def synthetic_dataset(n: int) -> str:
    """Store n SYNTHETIC flows as an imported dataset (bypassing the upload limit) and return its id."""
    from coop_data import datasets
    from coop_data.interchange import INTERCHANGE
    from coop_data.store import Dataset, Store

    flows, _ = synthetic(n, min(50_000, max(1_000, n // 2)), seed=3)
    cols = [f.name for f in INTERCHANGE.fields if f.name in flows.columns]
    rows = flows[cols].astype(str).replace({"nan": ""})
    ds = Dataset(
        kind="flows",
        name=f"SYNTHETIC benchmark data ({n:,} flows)",
        rows=rows,
        set_aside=rows.head(0),
        original=b"synthetic",
    )
    ds.parts = datasets.built_parts(ds)  # as an import stores it: the built tables with the rows
    ds_id, _ = Store().save(ds)
    return ds_id


def _chart_bytes(at) -> int:
    """Bytes of every chart spec a page run sends: st.plotly_chart figures and the geo-chart component's data."""
    total, stack = 0, [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if getattr(node, "type", "") == "plotly_chart":
            total += len(proto.spec)
        elif getattr(proto, "component_name", "") == "coop_geo_chart":
            total += len(proto.json)
    return total


def bench_app(size="bundled", dataset: str = "", pages=APP_PAGES, repeat=None):
    """Warm full script runs of every page (AppTest, median); the first run (cold for this size) is reported too."""
    from streamlit.testing.v1 import AppTest

    target = {"bundled": 0.25}.get(size, 1.0 if size == 100_000 else 3.0 if size == 1_000_000 else None)
    repeat = repeat or REPEAT["pages" if size == "bundled" else "big_pages"]
    for page in pages:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
        if dataset:
            at.query_params["dataset"] = dataset
        t = time.perf_counter()
        at.run()
        if page != "home":
            at.switch_page(f"app_pages/{page}.py").run()
        first = time.perf_counter() - t
        if at.exception:
            print(f"  {page}: exception {at.exception[0].value[:200]}")
        if page == pages[0] and size != "bundled":
            record("page run, first (loads and caches the data)", size, first, "s")
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t)
        record(f"page run warm (AppTest) {page}", size, statistics.median(times), "s", target)
        record(f"chart specs the page sends {page}", size, _chart_bytes(at) / 1e6, "MB", 1.0)


def bench_browser(big: dict[int, str]):
    """Cold load, filter change, server memory and ten concurrent sessions in headless Chromium."""
    import browser

    server = browser.Server()
    try:
        single = browser.single_user(server, repeat=REPEAT["browser"])
        record("browser: cold load /map to arcs drawn", "bundled", single["load"], "s", 2.5)
        record("browser: filter change to chart updated", "bundled", single["change"], "s", 0.8)
        record(
            "browser: load /map again, caches warm (new tab)",
            "bundled",
            browser.cached_loads(server, "/map"),
            "s",
        )
        rss, peak = server.rss_mb()
        record("server memory (RSS) after these loads", "bundled", rss, "MB", 400)
        # Ten sessions at once, the target figure: one real browser and nine protocol-level sessions (bench/wsclient.py)
        # change filters at the same moment, five rounds with filters not seen before; the browser's click-to-chart time.
        mixed = browser.concurrent_mixed(server, 10, rounds=REPEAT["rounds"])
        record(
            "10 sessions at once: browser's filter change",
            "bundled",
            statistics.median(mixed["browser"]),
            "s",
        )
        record(
            "10 sessions: browser's change / single-user",
            "bundled",
            statistics.median(mixed["browser"]) / single["change"],
            "x",
            3.0,
        )
        record(
            "10 sessions: server run of the 9 others (median)",
            "bundled",
            statistics.median(mixed["protocol"]),
            "s",
        )
        record(
            "10 sessions: sessions showing their own filter",
            "bundled",
            mixed["correct"] / mixed["sessions"] * 100,
            "%",
            100,
            better="higher",
        )
        # The same with ten real Chromium renderers on this machine's 2 cores: mostly measures the renderers competing.
        if REPEAT["ten_browsers"]:  # not in --quick
            cpu0, t0 = server.cpu_seconds(), time.perf_counter()
            res = browser.concurrent(server, 10)
            cpu, wall = server.cpu_seconds() - cpu0, time.perf_counter() - t0
            times = [t for t, _ in res]
            record("10 browsers on 2 cores: server CPU over run", "bundled", cpu, "s")
            record("10 browsers on 2 cores: wall time of run", "bundled", wall, "s")
            record("10 browsers on 2 cores: median change", "bundled", statistics.median(times), "s")
            record(
                "10 browsers on 2 cores: median / single",
                "bundled",
                statistics.median(times) / single["change"],
                "x",
            )
            record(
                "10 browsers: sessions showing their own filter",
                "bundled",
                sum(ok for _, ok in res),
                "of 10",
                10,
                better="higher",
            )
        rss, peak = server.rss_mb()
        record("server memory (peak RSS) after 10 sessions", "bundled", peak, "MB", 400)
    finally:
        server.stop()
    if REPEAT["floors"]:  # not in --quick
        _floors(browser)
    bench_big_browser(big, single["load"])


def _floors(browser) -> None:
    floor = browser.floor_server()
    try:
        record("browser: cold load, one-chart Streamlit page", "floor", browser.cold_loads(floor, "/"), "s")
    finally:
        floor.stop()
    floor = browser.floor_server(figure="map")
    try:
        record(
            "browser: cold load, the map figure alone on a page", "floor", browser.cold_loads(floor, "/"), "s"
        )
    finally:
        floor.stop()


def bench_big_browser(big: dict[int, str], bundled_load: float) -> None:
    """Per size: the first map of a stored dataset in a server that never opened it (against the bundled cold load),
    and the page import of the SYNTHETIC CSV of that size."""
    import browser

    for n, ds_id in big.items():
        server = browser.Server()
        try:
            # "Server running": a bundled load first, so that the dataset's first map is compared with the bundled
            # cold load on equal terms (that median is mostly of a warm server process; a brand-new process also
            # imports the libraries and reads the bundled data on its first page, dataset or not).
            t = time.perf_counter()
            browser.single_user(server, repeat=1)
            record("browser: new server's first bundled map (warm-up)", n, time.perf_counter() - t, "s")
            t = time.perf_counter()
            first = browser.single_user(server, repeat=1, query=f"?dataset={ds_id}")
            record("browser: first open of the map (loads the data)", n, time.perf_counter() - t, "s")
            record("browser: first map of the dataset, cold load", n, first["load"], "s")
            record(
                "browser: that first map / bundled cold load",
                n,
                first["load"] / bundled_load,
                "x",
                1.5 if n <= 100_000 else 3,
            )
            rss, peak = server.rss_mb()
            record(
                "server memory (peak RSS) with this dataset", n, peak, "MB", 2500 if n >= 1_000_000 else None
            )
            # The import page with the SYNTHETIC CSV of this size: the check report within 8 s at 100k, with a
            # progress bar; above the upload limits (1M), a refusal that states the limit.
            up = browser.page_import(server, synthetic_csv(n, CSV_FOLDER))
            if up["refused"]:
                print(f"  refused: {up['refused'][:200]}")
                # Stated only by the app's own refusal (its size and row limits), not by Streamlit's "or smaller".
                from coop_data import interchange

                mb, rows = f"{interchange.MAX_BYTES // 2**20} MB", f"{interchange.MAX_ROWS:,}"
                states = mb in up["refused"] and rows in up["refused"]
                record("browser: page import refused, limit stated", n, float(states), "yes", 1, "higher")
                record("browser: page import, upload to refusal shown", n, up["seconds"], "s")
            else:
                record("browser: page import, upload to check report", n, up["seconds"], "s", 8)
                record(
                    "browser: page import showed a progress bar", n, float(up["progress"]), "yes", 1, "higher"
                )
        finally:
            server.stop()


def bench_deck(b) -> None:
    """A 10-scene PowerPoint deck: the shipped story's scenes plus repeats of its first ones (real data, no
    synthetic rows), built as the story page builds it. The page starts the renderer when it opens, so the
    renderer is started first; its cold start is reported on its own."""
    from coop_data import story
    from coop_data.figures import render

    scenes = story.shipped(b)
    ten = (scenes * (10 // len(scenes) + 1))[:10]
    t = time.perf_counter()
    render.warm()
    render.render(story.scene_figure(scenes[-2], b)[0], "png", width=320, height=180)
    record("story: image renderer start (once per process)", "bundled", time.perf_counter() - t, "s")
    name = f"story: 10-scene deck (pptx; {len(scenes)} shipped + {10 - len(scenes)} repeats)"
    t = time.perf_counter()
    data = story.to_pptx(ten, b, "Benchmark deck")
    record(name, "bundled", time.perf_counter() - t, "s", 15)
    record("story: 10-scene deck file size", "bundled", len(data) / 1e6, "MB")


def _write_json(path: str) -> None:
    """The figures as JSON (the folder made if missing: bench/out/ is not in the repository)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps({"figures": FIGS}, indent=1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", dest="json_path")
    ap.add_argument(
        "--only-e2e",
        action="store_true",
        help="only the end-to-end CLI import and fresh-process open figures",
    )
    ap.add_argument(
        "--ab", metavar="OLD_CHECKOUT", help="with --only-e2e: interleave runs of another checkout's code"
    )
    ap.add_argument("--rounds", type=int, default=1, help="A/B rounds per size")
    ap.add_argument(
        "--sizes", help="with --only-e2e: comma-separated sizes (default 100000 and, without --quick, 1M)"
    )
    ap.add_argument(
        "--only-browser-big",
        action="store_true",
        help="only the bundled cold load and the 100k (and, without --quick, 1M) browser figures",
    )
    args = ap.parse_args(argv)
    if args.quick:
        REPEAT.update(QUICK_REPEAT)
    sizes_e2e = [100_000] + ([] if args.quick else [1_000_000])
    if args.sizes:
        sizes_e2e = [int(x) for x in args.sizes.split(",")]
    if args.only_browser_big:
        import browser

        print(f"{'figure':<44} {'size':>9} {'value':>12} {'unit':<6} {'target':<10}")
        server = browser.Server()
        try:
            bundled = browser.single_user(server, repeat=REPEAT["browser"])["load"]
        finally:
            server.stop()
        record("browser: cold load /map to arcs drawn", "bundled", bundled, "s", 2.5)
        bench_big_browser({n: synthetic_dataset(n) for n in sizes_e2e}, bundled)
        if args.json_path:
            _write_json(args.json_path)
        return
    if args.only_e2e:
        print(f"{'figure':<44} {'size':>9} {'value':>12} {'unit':<6} {'target':<10}")
        bench_end_to_end(sizes_e2e, Path(args.ab).resolve() if args.ab else None, args.rounds)
        if args.json_path:
            _write_json(args.json_path)
        return
    print(f"{'figure':<44} {'size':>9} {'value':>12} {'unit':<6} {'target':<10}")
    t0 = time.perf_counter()
    b = load_bundle()
    record("bundled data load + enrich (cold)", "bundled", time.perf_counter() - t0, "s")
    with section("gazetteer and deck"):
        places.gazetteer()
        bench_naive_gazetteer()
        bench_deck(b)
    sizes = [1_000, 10_000, 100_000] + ([] if args.quick else [1_000_000])
    with section("library sizes and import"):
        for n in sizes:
            bench_size(n, min(50_000, max(1_000, n // 2)), b)
        for n in (10_000, 100_000):
            bench_import(n)
    with section("end to end"):
        bench_end_to_end(sizes_e2e)
    with section("page runs"):
        bench_app()
        big = {}
        for n in [100_000] + ([] if args.quick else [1_000_000]):
            big[n] = synthetic_dataset(n)
            bench_app(n, big[n])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    record("peak memory of this benchmark process", max(sizes), peak, "MB")
    with section("browser"):
        bench_browser(big)
    if not args.quick:  # the replica set's load test alone: python bench/load.py
        import load

        load.measure(sessions=50, seconds=45.0, record=record)
    if args.json_path:
        _write_json(args.json_path)
        print(f"wrote {args.json_path}")


if __name__ == "__main__":
    main()
