"""Arrowheads point the way their flow goes, as Chromium draws them: in the app (the geo-only plotly.js bundle the
app serves) and in the standalone HTML export (plotly.py's full bundle).

Each arrowhead's direction is read from the triangle plotly draws (its apex: the corner opposite the longest side)
and compared with the on-screen direction of its arc's last stretch, read from the drawn line itself."""

from __future__ import annotations

import math
import re

import plotly.io as pio
import pytest

from coop_data import story
from coop_data.figures.render import TOPOJSON_DIR, render

ROOT_JS = TOPOJSON_DIR.parent / "js" / "plotly-geo.min.js"

READ = """(idx) => {
  const g = Array.from(document.querySelectorAll("g.trace.scattergeo"));
  return idx.map(([line, head]) => [
    g[line].querySelector("path.js-line").getAttribute("d"),
    g[head].querySelector("path.point").getAttribute("d"),
  ]);
}"""


def _numbers(d: str) -> list[tuple[float, float]]:
    v = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", d)]
    return list(zip(v[0::2], v[1::2]))


def _apex(d: str) -> float:
    """Direction (degrees clockwise from up) of a triangle marker's apex, seen from the marker's centre."""
    pts = _numbers(d)[:3]
    k = max(range(3), key=lambda i: math.dist(pts[(i + 1) % 3], pts[(i + 2) % 3]))
    x, y = pts[k]
    return math.degrees(math.atan2(x, -y)) % 360


def _last_stretch(d: str) -> float:
    (x1, y1), (x2, y2) = _numbers(d)[-2:]
    return math.degrees(math.atan2(x2 - x1, y1 - y2)) % 360


def _pairs(fig) -> list[tuple[int, int]]:
    """(line trace, arrowhead trace) of each direction drawn: one arc each in this figure."""
    lines = {tr.name: i for i, tr in enumerate(fig.data) if tr.mode == "lines"}
    return [(lines[tr.name.removesuffix(" ▲")], i) for i, tr in enumerate(fig.data) if tr.name.endswith(" ▲")]


@pytest.fixture(scope="module")
def two_ways(bundle):
    """Wuhan -> Oita and Oita -> Wuhan: the shipped reciprocity scene, where an arrow once pointed the wrong way."""
    fig, _, _ = story.scene_figure(story.Scene("t", "c", "map", {"city": "Oita"}, "flows"), bundle)
    assert len(_pairs(fig)) == 2
    return fig


def _app_page(fig) -> str:
    assets = (TOPOJSON_DIR / "world_110m.json").read_text(encoding="utf-8")
    div = pio.to_html(fig, include_plotlyjs=False, full_html=False)
    js = ROOT_JS.read_text(encoding="utf-8")
    return (
        f"<html><head><script>window.PlotlyGeoAssets={{topojson:{{'world_110m':{assets}}}}};</script>"
        f"<script>{js}</script></head><body>{div}</body></html>"
    )


@pytest.mark.parametrize("where", ["app bundle", "HTML export"])
def test_every_arrowhead_points_along_its_arc_towards_the_recipient(browser, two_ways, tmp_path, where):
    page_html = _app_page(two_ways) if where == "app bundle" else render(two_ways, "html").decode("utf-8")
    path = tmp_path / "map.html"
    path.write_text(page_html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("g.trace.scattergeo path.point", state="attached")
        drawn = page.evaluate(READ, [list(p) for p in _pairs(two_ways)])
    finally:
        page.close()
    turns = []
    for line_d, head_d in drawn:
        off = abs((_apex(head_d) - _last_stretch(line_d) + 180) % 360 - 180)
        turns.append(round(off))
    assert max(turns) <= 15, turns  # the two arrows point opposite ways, each along its own arc
    assert abs((_apex(drawn[0][1]) - _apex(drawn[1][1]) + 180) % 360 - 180) > 120
