"""Charts as a person uses them in Chromium (issue 14 leftovers): a zoom on the map is what the export and the
permalink show; the Sankey on a phone; the map's source line on a phone.

Server and browser fixtures come from test_browser.py (one streamlit per module).
"""

import contextlib
import re

from playwright import sync_api as playwright

from conftest import SHOTS, click, download, idle, open_page, track, wait_charts

ZOOM_JS = """() => window.Plotly.relayout(document.querySelector('.coop-geo-chart'),
  {'geo.projection.scale': 4, 'geo.center.lon': 10, 'geo.center.lat': 48})"""
RANGE_JS = "() => document.querySelector('.coop-geo-chart').layout.geo.lonaxis.range"
SCALE_JS = "() => document.querySelector('.coop-geo-chart')._fullLayout.geo.projection.scale"
LABELS_JS = (
    "() => Array.from(document.querySelectorAll('.coop-geo-chart g.trace.scattergeo text'))"
    ".filter(e => e.style.display !== 'none').map(e => e.textContent)"
)


def open_at(browser, url: str, size: tuple[int, int]):
    """A page at that viewport (a phone below 500 px wide), opened at url."""
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, is_mobile=size[0] < 500)
    page = ctx.new_page()
    track(page)
    page.goto(url)
    return ctx, page


def test_a_zoom_on_the_map_goes_into_the_url_the_export_and_the_permalink(server, browser):
    """Zoomed to Europe on screen, the SVG export was still the whole world (issue 14: exports ignored any zoom)."""
    ctx, page, w = open_page(browser, f"{server}/map")
    try:
        wait_charts(page)
        world = page.evaluate(RANGE_JS)
        assert world == [-180, 180], world
        page.evaluate(ZOOM_JS)  # what a scroll-zoom and a drag do: plotly_relayout of the geo
        page.wait_for_function("location.search.includes('view=')", timeout=30000)
        page.get_by_text("Zoomed view: longitude").wait_for(
            timeout=60000
        )  # the server drew the zoomed extent
        idle(page)
        view = re.search(r"view=([^&]+)", page.url).group(1).replace("%2C", ",")
        lon0, lon1, lat0, lat1 = (float(x) for x in view.split(","))
        assert -60 < lon0 < 10 < lon1 < 80 and 20 < lat0 < 48 < lat1 < 80, (
            view
        )  # Europe and around, not the world
        # the screen keeps the reader's own zoom (no jump), now named for it: places in view only
        assert page.evaluate(SCALE_JS) == 4
        # the component redraws its names after the run that computed them is over: wait for it, then assert
        with contextlib.suppress(playwright.TimeoutError):
            page.wait_for_function(f"!({LABELS_JS})().includes('Harbin')", timeout=30000)
        labels = page.evaluate(LABELS_JS)
        assert "Cologne" in labels and "Harbin" not in labels, labels
        # the permalink under the downloads carries the view
        link = page.locator("a[href*='view=']").first
        link.wait_for(timeout=30000)
        assert "/map?" in link.get_attribute("href")
        # the SVG export shows the same part of the world: European names, none of China's
        svg = open(
            download(page, page.get_by_role("button", name="SVG", exact=True).first).path(), encoding="utf-8"
        ).read()
        names = re.findall(r'class="textpoint"[^>]*>.*?<text[^>]*>([^<]+)</text>', svg)
        texts = set(re.findall(r">([^<>]+)</text>", svg))
        assert "Cologne" in texts and "Harbin" not in texts, (names, sorted(texts)[:40])
        words = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
        assert "Zoomed view." in words, "the export's subtitle names the zoom"
        # back to the whole map: the view leaves the URL
        click(page, page.get_by_role("button", name="Whole map"))
        page.wait_for_function("!location.search.includes('view=')", timeout=30000)
        page.wait_for_function(f"({RANGE_JS})()[0] === -180 && ({SCALE_JS})() === 1", timeout=60000)
        assert w.errors == [] and w.external == []
    finally:
        ctx.close()


def test_a_malformed_view_is_dropped_with_a_warning(server, browser):
    ctx, page, w = open_page(browser, f"{server}/map?view=1,2,zz")
    try:
        page.get_by_text("Ignored the map view '1,2,zz'").wait_for(timeout=60000)
        wait_charts(page)
        assert page.evaluate(RANGE_JS) == [-180, 180]
    finally:
        ctx.close()


TEXTS_JS = """(sel) => Array.from(document.querySelectorAll(sel + ' text')).filter(e => e.textContent.trim() &&
  e.getBoundingClientRect().width > 0 && e.style.display !== 'none' && !e.closest('.scattergeo'))
  .map(e => { const r = e.getBoundingClientRect(), c = e.closest('.main-svg').getBoundingClientRect();
              return {text: e.textContent, x0: r.left, x1: r.right, above: c.top - r.top}; })"""


def test_on_a_phone_the_maps_title_and_source_line_wrap_inside_the_screen(server, browser):
    """The source line ran off the right edge at 390 px ("… (links in the table and")."""
    ctx, page = open_at(browser, f"{server}/map?lang=fr", (390, 844))
    try:
        page.wait_for_function(
            "document.querySelector('.coop-geo-chart') && document.querySelector('.coop-geo-chart')._fullLayout",
            timeout=90000,
        )
        idle(page)
        texts = page.evaluate(TEXTS_JS, ".coop-geo-chart")
        assert any(x["text"].startswith("Sources") for x in texts), texts
        out = [
            x for x in texts if x["x0"] < 0 or x["x1"] > 390 or x["above"] > 1
        ]  # the title's top was cut too
        assert out == [], out
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".coop-geo-chart").screenshot(path=str(SHOTS / "map-phone-source.png"))
    finally:
        ctx.close()


def test_the_colour_bar_sits_beside_the_map_clear_of_the_legend(server, browser):
    """On a laptop the colour bar sat over the end of the legend's rows (French names are longer)."""
    ctx, page = open_at(browser, f"{server}/map?lang=fr", (1280, 720))
    try:
        page.wait_for_function("document.querySelector('.coop-geo-chart .colorbar')", timeout=90000)
        idle(page)
        boxes = page.evaluate(
            "() => ['.coop-geo-chart .colorbar', '.coop-geo-chart g.legend'].map(s =>"
            " document.querySelector(s).getBoundingClientRect().toJSON())"
        )
        bar, legend = boxes
        assert bar["bottom"] <= legend["top"] + 1, boxes  # the bar's band ends where the legend's begins
    finally:
        ctx.close()


SANKEY_JS = """() => {
  const box = document.querySelector('.st-key-sankey_box');
  const rect = (e) => e.getBoundingClientRect().toJSON();
  const labels = Array.from(document.querySelectorAll('.js-plotly-plot .node-label')).filter(e => e.textContent.trim()).map(rect);
  const legend = document.querySelector('.js-plotly-plot g.legend');
  const hint = document.querySelector('.coop-swipe');
  return {scroll: box.scrollWidth, client: box.clientWidth, page: document.documentElement.scrollWidth,
          chart: rect(document.querySelector('.js-plotly-plot')), labels, legend: legend ? rect(legend) : null,
          hint: hint ? hint.getBoundingClientRect().height : 0};
}"""


def _overlap(a, b) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1
    )


def test_the_sankey_on_a_phone_keeps_its_labels_apart_and_scrolls_sideways(server, browser):
    """At 390 px the node labels overlapped and the colour key covered the right column: the diagram now keeps a
    laptop's width in a box the reader swipes, with a hint saying so; the page itself does not scroll sideways."""
    ctx, page = open_at(browser, f"{server}/sankey", (390, 844))
    try:
        page.wait_for_function("document.querySelector('.js-plotly-plot .node-label')", timeout=90000)
        idle(page)
        m = page.evaluate(SANKEY_JS)
        assert m["client"] <= 390 < 800 <= m["scroll"] and m["page"] <= 390, m
        assert m["chart"]["width"] >= 800 and m["hint"] > 0, m
        labels = m["labels"]
        clashes = [(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :] if _overlap(a, b)]
        assert len(labels) >= 10 and clashes == [], clashes
        assert not any(_overlap(m["legend"], x) for x in labels), m["legend"]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "sankey-phone.png"))
    finally:
        ctx.close()
    ctx, page, w = open_page(browser, f"{server}/sankey")  # a laptop: no hint, no sideways box
    try:
        page.wait_for_function("document.querySelector('.js-plotly-plot .node-label')", timeout=90000)
        m = page.evaluate(SANKEY_JS)
        assert m["hint"] == 0 and m["scroll"] <= m["client"] + 1, m
    finally:
        ctx.close()


def test_the_scheme_comparison_names_every_direction_apart_on_a_laptop(server, browser):
    """At 1366 x 768 the x labels ran into each other ("China → partnerPartner → China")."""
    ctx, page = open_at(browser, f"{server}/answers", (1366, 768))
    try:
        question = "What does the North/South scheme change?"
        click(page, page.get_by_text(question, exact=True))
        page.get_by_role("heading", name=question).wait_for(timeout=60000)
        page.wait_for_function("document.querySelector('.js-plotly-plot .xtick text')", timeout=60000)
        idle(page)
        boxes = page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot .xtick text, .js-plotly-plot .annotation'))"
            ".map(e => ({text: e.textContent, ...e.getBoundingClientRect().toJSON()}))"
        )
        assert len(boxes) >= 8, boxes
        clashes = [
            (a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if _overlap(a, b)
        ]
        assert clashes == [], clashes
    finally:
        ctx.close()


# Every text of one on-screen chart (found by its title), with its role, and the chart's own box.
CHART_TEXTS_JS = """(title) => {
  const plot = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .find(p => (p.querySelector('.g-gtitle') || {}).textContent?.startsWith(title));
  if (!plot || !plot._fullLayout) return null;
  const role = (el) => {
    if (el.closest('.legend')) return 'legend';
    if (el.closest('.g-gtitle')) return 'title';
    if ((el.getAttribute('class') || '').match(/\\b[xy]\\d*title\\b/)) return 'axis title';
    const ann = el.closest('.annotation');
    if (ann) return el.textContent.startsWith('Sources') ? 'source' : 'annotation';
    if (el.closest('.xtick, .ytick')) return 'axis tick';
    return 'data label';
  };
  const c = plot.querySelector('.main-svg').getBoundingClientRect();
  const boxes = Array.from(plot.querySelectorAll('.main-svg text')).filter(e => e.textContent.trim())
    .map(e => ({role: role(e), text: e.textContent.slice(0, 40), ...e.getBoundingClientRect().toJSON()}))
    .filter(b => b.width > 0 && b.height > 0);
  return {chart: c.toJSON(), boxes, plot: plot.querySelector('.nsewdrag').getBoundingClientRect().toJSON()};
}"""


def text_problems(m: dict, screen_w: int) -> list[str]:
    """Texts of different roles that overlap, and texts outside the chart or the screen (1 px tolerance)."""
    c, boxes, out = m["chart"], m["boxes"], []
    for b in boxes:
        if b["left"] < c["left"] - 1 or b["right"] > min(c["right"], screen_w) + 1 or b["top"] < c["top"] - 1:
            out.append(f"outside: {b['role']} {b['text']!r} ({b['left']:.0f}-{b['right']:.0f})")
        if b["bottom"] > c["bottom"] + 1:
            out.append(f"below the chart: {b['role']} {b['text']!r}")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            w = min(a["right"], b["right"]) - max(a["left"], b["left"])
            h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if a["role"] != b["role"] and w > 1 and h > 1:
                out.append(f"overlap: {a['role']} {a['text']!r} / {b['role']} {b['text']!r}")
    return out


def test_the_timeline_and_home_bars_keep_their_texts_apart_and_inside_on_a_phone_and_a_projector(
    server, browser
):
    """At 390 px the timeline's legend sat on the month labels and the source line on "Domestic (one country)";
    Home's source line crossed the bars' axis and ran off the screen, the longest bar's "225" read "2"."""
    for size in ((390, 844), (1920, 1080)):
        for path, title, value in (
            ("/timeline", "Flows per month", None),
            ("/", "Flows by direction", "225"),
        ):
            ctx, page = open_at(browser, server + path, size)
            try:
                page.wait_for_function(f"({CHART_TEXTS_JS})({title!r}) !== null", timeout=90000)
                idle(page)
                m = page.evaluate(CHART_TEXTS_JS, title)
                roles = {b["role"] for b in m["boxes"]}
                assert {"title", "source", "axis tick"} <= roles, roles
                assert text_problems(m, size[0]) == [], (size, path, text_problems(m, size[0]))
                if value:  # the whole count beside the longest bar
                    assert value in [b["text"] for b in m["boxes"] if b["role"] == "data label"], m["boxes"]
                else:  # the bars use the height: more than half of the chart, no empty band above the source
                    assert m["plot"]["height"] > 0.5 * m["chart"]["height"] or size[0] < 500, m
                    src = min(b["top"] for b in m["boxes"] if b["role"] == "source")
                    assert src - m["plot"]["bottom"] < 60, (src, m["plot"])
                    assert any(b["role"] == "legend" for b in m["boxes"])
                SHOTS.mkdir(parents=True, exist_ok=True)
                name = f"onscreen-{path.strip('/') or 'home'}-{size[0]}.png"
                page.locator(".js-plotly-plot", has_text=title).first.screenshot(path=str(SHOTS / name))
            finally:
                ctx.close()
