"""Load test of the replica set, on loopback only: protocol-level Streamlit sessions (bench/wsclient.py) spread by
nginx over two replicas that share one PostgreSQL store (tools/replicas.py).

    python bench/load.py [--sessions 50] [--seconds 30]

Each session opens the map, then changes the direction filter (and the month, so caches are cold at first) again and
again until its time is up; a session that sees another's filter in its chart titles counts as a leak. The single-user
figure is one session doing the same alone. Also: a dataset stored through replica A's store opened by its link on
replica B. Every request goes to 127.0.0.1; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from browser import WS_FILTERS  # noqa: E402
from wsclient import Session  # noqa: E402

from tools.replicas import ReplicaSet  # noqa: E402

# Start months after which every direction of WS_FILTERS still has flows to draw (later, "Network → South" has none).
MONTHS = [f"2020-{m:02d}" for m in range(1, 6)]
MAX_CHANGES = 60  # per session: the run is bounded in count as well as in time


def _pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))] if v else float("nan")


async def _session(url: str, i: int, seconds: float, out: dict) -> None:
    """One person: open the map, then change filters for `seconds`; record times, errors and leaks."""
    code, want = WS_FILTERS[i % len(WS_FILTERS)]
    others = [lab for _, lab in WS_FILTERS if lab != want]
    try:
        async with Session(url) as s:
            out["replica"].append(s.ws.response.headers.get("X-Coop-Replica", "?"))
            await asyncio.wait_for(s.run("map"), timeout=300)
            until = time.monotonic() + seconds
            for k in range(MAX_CHANGES):
                if time.monotonic() >= until:
                    break
                dt, titles = await asyncio.wait_for(
                    s.run("map", f"direction={code}&from={MONTHS[(i + k) % len(MONTHS)]}"), timeout=120
                )
                out["times"].append(dt)
                out["own"] += want in titles
                out["leaks"] += any(o in titles for o in others)
    except Exception as err:
        out["errors"].append(f"session {i}: {type(err).__name__}: {err}"[:200])


async def _run(url: str, n: int, seconds: float) -> dict:
    out = {"times": [], "errors": [], "leaks": 0, "own": 0, "replica": []}
    await asyncio.gather(*(_session(url, i, seconds, out) for i in range(n)))
    return out


def stored_on_a_opened_on_b(rs: ReplicaSet) -> tuple[bool, float]:
    """SYNTHETIC flows stored in the shared store (as replica A does on import), opened by link on replica B."""
    from run import synthetic

    from coop_data import pipeline
    from coop_data.interchange import INTERCHANGE
    from coop_data.store import Store

    flows, _ = synthetic(200, 100, seed=5)
    cols = [f.name for f in INTERCHANGE.fields if f.name in flows.columns]
    data = flows[cols].astype(str).replace({"nan": ""}).to_csv(index=False).encode()
    ds_id, _, _ = pipeline.import_bytes(
        "synthetic.csv", data, Store(rs.store), owner="bench", name="SYNTHETIC load-test dataset"
    )

    async def go():
        async with Session(rs.replicas["b"], keep_text=True) as s:
            return await s.run("explorer", f"dataset={ds_id}")

    dt, text = asyncio.run(go())
    return "SYNTHETIC load-test dataset" in text.replace("\\", ""), dt  # Markdown escapes its hyphen


def measure(sessions: int = 50, seconds: float = 30.0, record=None) -> dict:
    record = record or (lambda *a, **k: print(*a))
    with ReplicaSet(2) as rs:
        single = asyncio.run(_run(rs.url, 1, min(seconds, 15.0)))
        many = asyncio.run(_run(rs.url, sessions, seconds))
        ok, open_b = stored_on_a_opened_on_b(rs)
    p50_1 = statistics.median(single["times"])
    record("replicas: one user's filter change (p50)", "1 session", p50_1, "s")
    record(f"replicas: {sessions} sessions, change p50", sessions, _pct(many["times"], 0.5), "s")
    record(f"replicas: {sessions} sessions, change p95", sessions, _pct(many["times"], 0.95), "s")
    record(f"replicas: {sessions} sessions, p50 / one user", sessions, _pct(many["times"], 0.5) / p50_1, "x")
    record(f"replicas: {sessions} sessions, interactions", sessions, len(many["times"]), "runs")
    record(f"replicas: {sessions} sessions, errors", sessions, len(many["errors"]), "", 0)
    record(f"replicas: {sessions} sessions, saw another's filter", sessions, many["leaks"], "", 0)
    own = many["own"] / max(1, len(many["times"])) * 100
    record(
        f"replicas: {sessions} sessions, showed their own filter", sessions, own, "%", 100, better="higher"
    )
    spread = {r: many["replica"].count(r) for r in sorted(set(many["replica"]))}
    record(
        "replicas: sessions on the busier replica",
        sessions,
        max(spread.values()) / sum(spread.values()) * 100,
        "%",
    )
    record("replicas: stored via A, opened by link on B", "1 dataset", open_b, "s")
    record("replicas: that dataset found on B", "1 dataset", float(ok), "of 1", 1, better="higher")
    for e in many["errors"][:5]:
        print("  error:", e)
    return {"single": single, "many": many, "spread": spread}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    a = ap.parse_args()
    from run import record as rec

    measure(a.sessions, a.seconds, rec)
