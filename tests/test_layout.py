"""Layout check of every exported chart: no text over other text, no text off the canvas.

Each chart kind x export size x language is rendered to SVG by kaleido (as the download buttons do), the SVG is
drawn in one Chromium page, and every <text> element's box is read with getBoundingClientRect. Each text gets a
role from its plotly class or parent (title, subtitle, legend, axis tick, axis title, source, citation, data
label, ...). The check fails on any overlap between texts of different roles, and on any text leaving the
canvas. Control tests prove it catches the timeline export as it was before issue 14 (a committed fixture SVG).
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import plotly.graph_objects as go
import pytest

from coop_data import aggregate, export, story
from coop_data.figures import sankey
from coop_data.figures.bars import direction_bars
from coop_data.figures.render import SIZES, TEXT_SCALE, export_layout, render
from coop_data.i18n import t

CHROMIUM = "/usr/bin/chromium"
FIXTURES = Path(__file__).parent / "fixtures"
KINDS = ("map", "sankey", "timeline", "bar", "funds", "partnerships", "animated")
LANGS = ("en", "fr", "es")
TOLERANCE = 1.0  # px: glyph boxes of neighbouring lines may touch

MEASURE_JS = """
([svgText, names]) => {
  document.body.innerHTML = svgText;
  const svg = document.body.querySelector('svg');
  const W = +svg.getAttribute('width'), H = +svg.getAttribute('height');
  const o = svg.getBoundingClientRect();
  const role = (el) => {
    const cls = el.getAttribute('class') || '';
    if (el.closest('.colorbar')) return 'colorbar';  // apart from the legend: the bar once sat over its end
    if (el.closest('.legend')) return 'legend';
    if (cls.includes('gtitle-subtitle')) return 'subtitle';
    if (cls.includes('gtitle')) return 'title';
    if (/\\b[xy]\\d*title\\b/.test(cls)) return 'axis title';
    const ann = el.closest('.annotation');
    if (ann) return names[ann.getAttribute('data-index')] || 'annotation';
    if (el.closest('.xtick, .ytick')) return 'axis tick';
    if (el.closest('.updatemenu-container, .slider-container')) return 'control';
    if (cls.includes('node-label')) return 'node label';
    return 'data label';  // bar values, place names on a map
  };
  const out = [];
  for (const el of svg.querySelectorAll('text')) {
    const text = el.textContent.trim();
    const b = el.getBoundingClientRect();
    if (!text || b.width === 0 || b.height === 0) continue;
    out.push({role: role(el), text: text.slice(0, 60),
              x0: b.left - o.left, y0: b.top - o.top, x1: b.right - o.left, y1: b.bottom - o.top});
  }
  for (const el of svg.querySelectorAll('.colorbar rect.cbfill')) {  // the bar itself: no text may sit on it
    const b = el.getBoundingClientRect();
    out.push({role: 'colorbar', text: '(colour bar)', x0: b.left - o.left, y0: b.top - o.top, x1: b.right - o.left, y1: b.bottom - o.top});
  }
  const land = svg.querySelector('.geo .land');  // a map's drawn land: where the map is on the canvas
  const m = land ? land.getBoundingClientRect() : null;
  const map = m ? {x0: m.left - o.left, y0: m.top - o.top, x1: m.right - o.left, y1: m.bottom - o.top} : null;
  return {W, H, boxes: out, map};
}
"""


def problems(measured: dict) -> list[str]:
    """Every overlap between texts of different roles, and every text outside the canvas."""
    W, H, boxes = measured["W"], measured["H"], measured["boxes"]
    out = []
    for b in boxes:
        if b["x0"] < -TOLERANCE or b["y0"] < -TOLERANCE or b["x1"] > W + TOLERANCE or b["y1"] > H + TOLERANCE:
            out.append(
                f"off canvas: {b['role']} {b['text']!r} at ({b['x0']:.0f},{b['y0']:.0f})-({b['x1']:.0f},{b['y1']:.0f})"
            )
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a["role"] == b["role"]:
                continue
            w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            h = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if w > TOLERANCE and h > TOLERANCE:
                out.append(
                    f"overlap: {a['role']} {a['text']!r} and {b['role']} {b['text']!r} ({w:.0f}x{h:.0f} px)"
                )
    return out


def annotation_roles(fig: go.Figure) -> dict[str, str]:
    """data-index of each annotation -> its role (export_layout names its blocks subtitle/source/citation)."""
    return {str(i): a.name or "annotation" for i, a in enumerate(fig.layout.annotations)}


@pytest.fixture(scope="module")
def page():
    """One browser, one page: every SVG of the matrix is drawn into it in turn."""
    import playwright.sync_api as playwright

    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        pg = b.new_page(viewport={"width": 1700, "height": 1800})
        pg.set_content("<html><body style='margin:0'></body></html>")
        yield pg
        b.close()


@pytest.fixture(scope="module")
def kaleido_server():
    """One kaleido Chromium for the whole matrix (0.2-0.5 s a chart instead of 3 s): the one render keeps, with its
    offline settings (local MathJax stub, local world outline)."""
    import kaleido

    from coop_data.figures.render import _offline

    _offline()
    yield
    kaleido.stop_sync_server(silence_warnings=True)


def measure(page, svg: bytes, names: dict[str, str]) -> dict:
    return page.evaluate(MEASURE_JS, [svg.decode("utf-8"), names])


@functools.cache
def figure(kind: str, lang: str) -> go.Figure:
    """Each chart kind as the app builds it, in one language, from the bundled data."""
    from coop_data.load import load_bundle

    b = load_bundle()
    if kind in story.CHARTS:
        title = {
            "map": t("home.map_title", lang),
            "animated": t("nav.timeline", lang),
            "timeline": t("tl.title_M", lang),
            "funds": t("nav.funds", lang),
            "partnerships": t("pa.map_title", lang),
        }[kind]
        fig, _, _ = story.scene_figure(story.Scene(title, "", kind, {}), b, lang=lang)
        if kind == "map":  # the Map page shades countries too (a colour bar in the legend column)
            from coop_data.figures import flow_map

            fig, _ = flow_map(
                b.flows, "flows", title, fig.layout.meta["subtitle"], fig.layout.meta["source"], lang=lang
            )
        return fig
    view = b.flows
    source = t(
        "chart.source", lang, n=view["source_url"].nunique(), m=len(view), data=story.data_label(b, lang)
    )
    measure_txt = t("chart.measure", lang, label=t("measure.flows", lang).lower(), unit=t("unit.flows", lang))
    desc = story.Scene("", "").filter(b.countries).describe(b.countries, lang)
    if kind == "sankey":
        stages = ["donor_level", "aid_kind", "recipient_country"]
        links = aggregate.node_table(view, stages, "flows", top_n=10)
        title = t("measure.flows", lang) + ": " + " → ".join(t(f"stage.{s}", lang) for s in stages)
        return sankey(links, title, f"{desc} {measure_txt}", source, t("unit.flows", lang), lang=lang)
    title = t("home.dir_title", lang)  # Home's "Flows by direction" bars
    return direction_bars(aggregate.by_direction(view), title, f"{desc} {measure_txt}", source, lang=lang)


def citation(lang: str) -> str:
    """A real citation line with a long permalink (the longest unbreakable text of an export)."""
    return export.citation(
        "North → South, Germany → Italy, France; 2020.",
        "http://127.0.0.1:8501/map?direction=north_south&donor_country=DEU&recipient_country=ITA%2CFRA"
        "&from=2020-01&to=2020-12&lang=" + lang,
        dataset="City Solidarity Flows bundled data v0.1.0",
        lang=lang,
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("kind", KINDS)
def test_exported_chart_text_never_overlaps_or_leaves_the_canvas(kind, size, lang, page, kaleido_server):
    fig = figure(kind, lang)
    cite = citation(lang)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kaleido: "kopts ignored if using a server"
        svg = render(fig, "svg", cite=cite, size=size, lang=lang)
    laid = export_layout(fig, *SIZES[size], cite, lang, TEXT_SCALE[size])
    m = measure(page, svg, annotation_roles(laid))
    assert (m["W"], m["H"]) == SIZES[size]
    roles = {b["role"] for b in m["boxes"]}
    # The check sees what it must: the title, the source line and the citation are drawn in every export.
    assert {"title", "source", "citation"} <= roles, roles
    assert problems(m) == []
    if kind == "map":  # the colour bar has its own place
        assert "colorbar" in roles and "colorbar title" in roles or size == "a4", roles
    if m[
        "map"
    ]:  # a world map leaves no empty band (issue 14: A4 portrait); the band under it holds a short table
        assert empty_band(m) < 0.15 * m["H"], (empty_band(m), m["map"])
        if size == "a4":
            assert "table" in roles, roles


def empty_band(measured: dict) -> float:
    """The tallest horizontal band of the canvas with neither text, colour bar nor map in it (px)."""
    spans = sorted(
        [(b["y0"], b["y1"]) for b in measured["boxes"]] + [(measured["map"]["y0"], measured["map"]["y1"])]
    )
    gap, reach = spans[0][0], spans[0][1]
    for y0, y1 in spans[1:]:
        gap, reach = max(gap, y0 - reach), max(reach, y1)
    return max(gap, measured["H"] - reach)


def test_layout_check_catches_the_timeline_export_before_issue_14(page):
    """Control: the Timeline PNG/SVG as exported before (fixture made by the old render): citation printed over
    the legend. Its two annotations were the source line and the citation."""
    svg = (FIXTURES / "timeline_export_before_issue14.svg").read_bytes()
    found = problems(measure(page, svg, {"0": "source", "1": "citation"}))
    assert any("overlap: " in p and "citation" in p and "legend" in p for p in found), found


def test_layout_check_catches_text_off_the_canvas_and_the_old_margins(page, kaleido_server):
    """Control: the on-screen timeline figure, not laid out again, at social size, with its source line forced
    below the canvas (as the old margins put it) and its title past the right edge: both are reported."""
    import plotly.io as pio

    fig = go.Figure(figure("timeline", "en"))
    fig.update_layout(title=dict(x=0.9))
    fig.update_annotations(selector=dict(name="source"), yshift=-1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        svg = pio.to_image(fig, format="svg", width=1200, height=675)
    found = problems(measure(page, svg, {"0": "source"}))
    assert any(p.startswith("off canvas: title") for p in found), found
    assert any(p.startswith("off canvas: source") for p in found), found


def test_long_permalink_wraps_inside_the_canvas_and_figures_can_choose_their_legend_side():
    """The citation's URL has no spaces: it is cut where it must. A figure may ask for its export legend's side."""
    from coop_data.figures.common import text_width, wrap_px

    url = "http://127.0.0.1:8501/map?" + "&".join(f"p{i}=value{i}" for i in range(40))
    lines = wrap_px("Cite this view: " + url, 11, 400)
    assert len(lines) > 3 and all(text_width(x, 11) <= 400 for x in lines) and "".join(lines[1:]) in url
    fig = figure("timeline", "en")
    assert export_layout(fig, 1200, 800).layout.legend.orientation == "h"  # cartesian: below the plot
    right = go.Figure(fig)
    right.update_layout(meta={**fig.layout.meta, "export_legend": "right"})
    laid = export_layout(right, 1200, 800)
    assert laid.layout.legend.orientation == "v" and laid.layout.margin.r > 150


def test_a_zoomed_view_is_the_extent_of_the_map_and_of_its_export():
    """The URL's `view` (written by the browser on a zoom or pan) is the drawn extent, on screen and in the export;
    the names are chosen among the places in that view; a malformed view is refused."""
    from coop_data.figures import flow_map
    from coop_data.figures.flowmap import parse_view, view_text
    from coop_data.load import load_bundle

    assert parse_view("-47.6,70.95,28.6,69.09") == ((-47.6, 70.95), (28.6, 69.09))
    assert parse_view(view_text(((120.0, 200.5), (-10.0, 50.0)))) == ((120.0, 200.5), (-10.0, 50.0))
    for bad in ("", "1,2,zz", "1,2,3", "10,5,0,20", "0,10,50,40", "0,10,-95,0", "0,0.1,0,0.1", "nan,1,2,3"):
        assert parse_view(bad) is None, bad
    b = load_bundle()
    europe = ((-12.0, 30.0), (35.0, 60.0))
    fig, note = flow_map(b.flows, "flows", "t", "s", "src", view=europe, view_key="view")
    assert note["extent"] == europe and fig.layout.meta["url_view"] == "view"
    assert "Cologne" in note["labels"] and not {"Harbin", "Wuhan", "Manaus"} & set(note["labels"]), note[
        "labels"
    ]
    laid = export_layout(fig, *SIZES["a4"], "cite", "en", TEXT_SCALE["a4"])
    assert (
        tuple(laid.layout.geo.lonaxis.range) == europe[0]
        and tuple(laid.layout.geo.lataxis.range) == europe[1]
    )
    # the export's list of the busiest places ranks the places in view only (it listed Manaus and Guangzhou)
    ranked = " ".join(fig.layout.meta["export_table"][1:])
    assert "Cologne" in ranked and not {"Manaus", "Guangzhou", "Wuhan"} & set(ranked.split()), ranked
    world, wnote = flow_map(b.flows, "flows", "t", "s", "src")
    assert (
        "url_view" not in world.layout.meta and "Harbin" in wnote["labels"]
    )  # the fitted world map as before
    assert "Wuhan" in " ".join(world.layout.meta["export_table"])


def test_a_measure_says_its_unit_once_and_maps_never_scroll_zoom():
    """ "Measure: number of flows (flows)" said the unit twice; a wheel over a map zoomed it, not the page."""
    from coop_data.figures.common import geo_config, measure_words

    assert measure_words("number of flows", t("unit.flows", "en")) == "Measure: number of flows."
    assert measure_words("nombre de flux", t("unit.flows", "fr"), "fr") == "Mesure : nombre de flux."
    assert measure_words("donations", "EUR") == "Measure: donations (EUR)."
    assert geo_config()["scrollZoom"] is False


def test_the_readme_shows_the_docs_screenshots_small_and_made_by_the_script():
    """docs/ holds the screenshots tools/docs_screens.py writes; each is shown in the README and under 300 KB."""
    import io

    from PIL import Image

    root = Path(__file__).parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    script = (root / "tools" / "docs_screens.py").read_text(encoding="utf-8")
    for name in ("map.png", "sankey.png", "timeline-export.png", "phone-map.png"):
        path = root / "docs" / name
        assert f"](docs/{name})" in readme and f'"{name}"' in script, name
        assert 10_000 < path.stat().st_size < 300_000, (name, path.stat().st_size)
        assert Image.open(io.BytesIO(path.read_bytes())).width >= 390, name
