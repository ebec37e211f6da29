"""The flow map as drawn in Chromium on a phone, a laptop and a projector: on a phone (390 px) the map had a 350 x 212
frame in a 651 px chart, the legend and colour bar took two thirds of the plot area, and "Guangzhou" ran off the right
edge. Browser fixtures come from conftest.py."""

import pytest

from conftest import Watch, wait_charts

# Boxes of the first geo chart: the chart, its plot area, the map's frame, the land drawn, the key below the map, and
# every visible text (map labels apart).
BOXES_JS = """() => {
  const gd = document.querySelector('div.coop-geo-chart.js-plotly-plot');
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const shown = (e) => e.getBoundingClientRect().width > 0 && getComputedStyle(e).display !== 'none';
  const fl = gd._fullLayout;
  const key = ['g.legend', 'g.colorbar'].map((s) => gd.querySelector(s)).filter(Boolean).map(box);
  const labels = new Set(gd.querySelectorAll('g.trace.scattergeo text'));
  return {
    chart: box(gd.querySelector('svg.main-svg')),
    size: fl._size,
    frame: box(fl.geo._subplot.bgRect.node()),
    land: box(gd.querySelector('.geo .layer.land path, .geo path.land')),
    key,
    texts: Array.from(gd.querySelectorAll('svg text')).filter((e) => !labels.has(e) && shown(e)).map((e) => [e.textContent, box(e)]),
    labels: Array.from(labels).filter(shown).map((e) => [e.textContent, box(e)]),
  };
}"""


def inside(b, outer, slack=0.5):
    return (
        b[0] >= outer[0] - slack
        and b[1] >= outer[1] - slack
        and b[2] <= outer[2] + slack
        and b[3] <= outer[3] + slack
    )


def draw(browser, server, size, query):
    ctx = browser.new_context(viewport=dict(zip(("width", "height"), size)), is_mobile=size[0] < 500)
    page = ctx.new_page()
    errors = Watch(page).errors  # followed from its first load, as the idle wait needs
    page.goto(f"{server}/map{query}")
    wait_charts(page)
    page.locator("div.coop-geo-chart").first.scroll_into_view_if_needed()
    return ctx, page, errors


@pytest.mark.parametrize("query", ["", "?donor_country=DEU&recipient_country=ITA,FRA", "?rollup=region"])
def test_phone_map_takes_the_chart_and_its_key_is_compact(server, browser, query):
    ctx, page, errors = draw(browser, server, (390, 844), query)
    try:
        g = page.evaluate(BOXES_JS)
        chart, frame, land, s = g["chart"], g["frame"], g["land"], g["size"]
        cw, ch = chart[2] - chart[0], chart[3] - chart[1]
        fw, fh = frame[2] - frame[0], frame[3] - frame[1]
        plot_h = s["h"]  # the chart less its title and source line
        key_h = sum(b[3] - b[1] for b in g["key"])
        assert fw >= 0.95 * cw, g  # the full width
        assert fh >= 0.5 * plot_h and fh > key_h, g  # most of the plot area: the key took two thirds of it
        # the frame has the extent's shape: the land fills it (the world's frame had empty bands above and below)
        assert land[2] - land[0] >= 0.95 * fw and land[3] - land[1] >= 0.85 * fh, g
        assert all(b[1] >= frame[3] - 1 for b in g["key"]), g  # the key below the map, not over it
        if not query:
            assert ch <= 560, g  # was 651 px for a 212 px frame
        assert errors == []
    finally:
        ctx.close()


@pytest.mark.parametrize(
    "size", [(390, 844), (1366, 768), (1920, 1080)], ids=["phone", "laptop", "projector"]
)
def test_no_text_leaves_the_chart_and_no_label_the_map(server, browser, size):
    ctx, page, errors = draw(browser, server, size, "")
    try:
        g = page.evaluate(BOXES_JS)
        out = [t for t, b in g["texts"] if not inside(b, g["chart"])]
        assert out == [], (out, g["chart"])
        off = [t for t, b in g["labels"] if not inside(b, g["frame"])]
        assert off == [] and len(g["labels"]) >= 4, (off, g["labels"], g["frame"])  # "Guangzhou" ran off
        assert "Guangzhou" in [t for t, _ in g["labels"]]  # turned to the left of its place, not dropped
        assert errors == []
    finally:
        ctx.close()
