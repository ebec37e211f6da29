"""The README's screenshots, made again from the running app: the flow map, the Sankey, a timeline export and the map
on a phone, written to docs/ as small palette PNGs (under 300 KB each).

    python tools/docs_screens.py [OUTDIR]      # default: docs/

Starts the app on a free loopback port, shoots the pages with playwright and Debian's Chromium, writes the timeline
export with the library (the PNG the Timeline page's download button gives), and stops the server. Nothing leaves
the machine: the app and its map geometry are served locally.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
MAX_BYTES = 300_000
LAPTOP, PHONE = (1280, 800), (390, 844)
# (file, page, viewport, what to shoot): the element shot is the chart a reader looks at.
SHOTS = (
    ("map.png", "/map?donor_country=DEU&recipient_country=ITA,FRA", LAPTOP, ".coop-geo-chart"),
    ("sankey.png", "/sankey", LAPTOP, ".js-plotly-plot"),
    ("phone-map.png", "/map", PHONE, None),
)
CHART_JS = (
    "sel => { const e = document.querySelector(sel); return !!(e && e._fullLayout && e.querySelector('.main-svg'))"
    " && !document.querySelector('[data-testid=stStatusWidget]'); }"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def small_png(png: bytes, path: Path) -> int:
    """The image as a 256-colour palette PNG (screens of flat colours keep their look at a fraction of the size)."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    colours = 256
    while True:
        buf = io.BytesIO()
        img.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(buf, format="PNG", optimize=True)
        if buf.tell() <= MAX_BYTES or colours <= 32:
            break
        colours //= 2
    path.write_bytes(buf.getvalue())
    return buf.tell()


def start_app(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("the app did not start")


def shoot(base: str, out: Path) -> list[tuple[str, int]]:
    from playwright.sync_api import sync_playwright

    done = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, path, (w, h), sel in SHOTS:
            ctx = browser.new_context(viewport={"width": w, "height": h}, is_mobile=w < 500)
            page = ctx.new_page()
            page.goto(base + path)
            page.wait_for_function(CHART_JS, arg=sel or ".coop-geo-chart", timeout=120_000)
            page.wait_for_timeout(800)  # plotly's last transition (labels placed after the draw)
            if sel:
                png = page.locator(sel).first.screenshot()
            else:
                page.evaluate("document.querySelector('.coop-geo-chart').scrollIntoView({block: 'center'})")
                page.wait_for_timeout(300)
                png = page.screenshot()
            done.append((name, small_png(png, out / name)))
            ctx.close()
        browser.close()
    return done


def timeline_export(out: Path) -> tuple[str, int]:
    """The Timeline page's PNG download at article size, made by the library as the page makes it."""
    from coop_data import aggregate, export, story
    from coop_data.figures import timeline_chart
    from coop_data.figures.render import render
    from coop_data.i18n import t
    from coop_data.load import load_bundle

    b = load_bundle()
    tl = aggregate.timeline(b.flows, "M")
    data = story.data_label(b, "en")
    source = t("chart.source", n=b.flows["source_url"].nunique(), m=len(b.flows), data=data)
    fig = timeline_chart(tl, t("tl.title_M"), t("tl.sub_M"), source)
    cite = export.citation(t("flt.all") + ".", "http://127.0.0.1:8501/timeline", dataset=data)
    png = render(fig, "png", cite=cite, size="article")
    return "timeline-export.png", small_png(png, out / "timeline-export.png")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = start_app(port)
    try:
        done = shoot(f"http://127.0.0.1:{port}", out)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    done.append(timeline_export(out))
    for name, size in done:
        print(f"{out / name}: {size // 1000} KB")
    too_big = [n for n, s in done if s > MAX_BYTES]
    if too_big:
        raise SystemExit(f"over {MAX_BYTES // 1000} KB: {', '.join(too_big)}")


if __name__ == "__main__":
    os.environ.setdefault("COOP_I18N_STRICT", "0")
    main()
