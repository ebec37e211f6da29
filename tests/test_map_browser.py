"""The flow map as a person uses it, in Chromium: every named place answers hover and click with its own panel,
a filtered map fits its places (Europe, not the world), and a phone shows a full-width map.

Server and browser fixtures come from conftest.py (one streamlit per module).
"""

import re
import zipfile

import pytest

from conftest import SHOTS, act, click, download, idle, open_page, track, wait_charts
from coop_data.figures.flowmap import place_markers

# Five places the issue names (Padua and Wuhan gave no tooltip, Cologne opened Luxembourg, Seoul and Shanghai were
# two stacked markers each), and others across the map: dense eastern China, Korea, Japan, Europe, the Middle East.
SWEEP = [
    "Padua",
    "Wuhan",
    "Cologne",
    "Seoul",
    "Shanghai",
    "Hangzhou",
    "Harbin",
    "Guangzhou",
    "Beijing",
    "Chongqing",
    "Barcelona",
    "Gwangju",
    "Mannheim",
    "Nantes",
    "Wakayama",
    "Beirut",
    "Chengdu",
    "Weihai",
    "Jeju",
    "Xi'an",
    "Shenzhen",
    "Oita",
]

# Where a person would aim at a place: inside its circle, as far as possible from the markers that would take the
# hover there.
AIM_JS = """(name, kind = 'place') => {
  const gd = document.querySelector('.js-plotly-plot');
  const geo = gd._fullData.filter(t => t.type === 'scattergeo');
  const k = geo.findIndex(t => t.customdata && t.customdata.length && Array.isArray(t.customdata[0]) && t.customdata[0].length === 4);
  const tr = geo[k];
  const j = tr.customdata.findIndex(c => c[0] === name && c[2] === kind);
  if (j < 0) return null;
  const pts = Array.from(document.querySelectorAll('.js-plotly-plot g.trace.scattergeo')[k].querySelectorAll('path.point'));
  const at = pts.findIndex(e => e.__data__ && e.__data__.lonlat[0] === tr.lon[j] && e.__data__.lonlat[1] === tr.lat[j]);
  const circle = e => { const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2, r: r.width / 2}; };
  const me = circle(pts[at]);
  // plotly's hover takes the point with the smallest (distance - radius): avoid the markers drawn over this one and
  // the smaller ones under it, which win the hover inside their own circle
  const above = pts.map((e, i) => [i, circle(e)]).filter(([i, c]) => i !== at && c.r > 0 && (i > at || c.r <= me.r))
    .map(([i, c]) => c);
  let best = null;
  for (let dy = -me.r + 1; dy <= me.r - 1; dy += 0.5) for (let dx = -me.r + 1; dx <= me.r - 1; dx += 0.5) {
    if (Math.hypot(dx, dy) > me.r - 1) continue;
    const x = me.x + dx, y = me.y + dy;
    const clear = Math.min(99, ...above.map(c => Math.hypot(c.x - x, c.y - y) - c.r));
    const score = clear - 0.01 * Math.hypot(dx, dy);
    if (!best || score > best.score) best = {x, y, score, clear};
  }
  return {...best, r: me.r, country: tr.customdata[j][1]};
}"""


# Zoom in on a place as the zoom button and a drag do: a larger scale, the place in the centre.
ZOOM_ON_JS = """(name) => {
  const gd = document.querySelector('.js-plotly-plot');
  const tr = gd._fullData.find(t => t.type === 'scattergeo' && t.customdata && t.customdata.length
    && Array.isArray(t.customdata[0]) && t.customdata[0].length === 4);
  const j = tr.customdata.findIndex(c => c[0] === name && c[2] === 'place');
  const s = gd._fullLayout.geo.projection.scale;
  return window.Plotly.relayout(gd, {'geo.center.lon': tr.lon[j], 'geo.center.lat': tr.lat[j],
    'geo.projection.scale': s * 1.6}).then(() => true);
}"""


def aim_at(page, name: str) -> dict | None:
    """Where to aim at a place once its marker is drawn with a size (during a redraw it has none for a moment, and
    an aim read then had no point inside it); None when the map has no marker of that place."""
    if page.evaluate(AIM_JS, name) is None:
        return None
    return page.wait_for_function(
        f"(n) => {{ const a = ({AIM_JS})(n); return a && a.clear !== undefined ? a : null; }}", arg=name
    ).json_value()


def test_hover_and_click_every_named_place_opens_its_panel(server, browser, bundle):
    names = dict(zip(bundle.countries["iso3"], bundle.countries["name"]))
    markers = place_markers(bundle.flows)
    for name in SWEEP:  # one marker per place: placement variants merged
        assert (markers["label"] == name).sum() == 1, name
    ctx, page, w = open_page(browser, f"{server}/map")
    try:
        wait_charts(page)
        idle(page)
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        # a wheel over the map scrolls the page: no scroll-zoom (zoom stays on the buttons and a drag)
        assert page.evaluate("document.querySelector('.js-plotly-plot')._context.scrollZoom") is False
        label = page.locator(".hoverlayer .hovertext")
        failures = []
        zoomed = []
        for name in SWEEP:
            aim = aim_at(page, name)
            assert aim is not None, f"{name}: no marker"
            for _ in range(8):  # covered by its neighbours at this scale: zoom in on it, as a person would
                if aim["clear"] > 1:
                    break
                before = page.url
                page.evaluate(ZOOM_ON_JS, name)  # the wheel no longer zooms (it scrolls the page)
                page.wait_for_function(  # near the whole world (scale < 2) the URL keeps no view
                    "(u) => location.href !== u || document.querySelector('.js-plotly-plot')"
                    "._fullLayout.geo.projection.scale < 2",
                    arg=before,
                    timeout=10000,
                )
                idle(page)  # the zoom went into the URL and the run that draws its extent is over
                aim = aim_at(page, name)  # the redrawn marker with its size again
            if aim["clear"] <= 1:
                failures.append(f"{name}: hidden under other markers even zoomed in ({aim})")
                continue
            shown = False
            for _ in range(
                2
            ):  # a redraw after a zoom can drop the first hover: a person moves the mouse again
                page.mouse.move(aim["x"] - 25, aim["y"] - 25)
                page.mouse.move(aim["x"], aim["y"], steps=6)
                try:
                    page.wait_for_function(
                        "(n) => Array.from(document.querySelectorAll('.hoverlayer .hovertext')).some(e => e.textContent.startsWith(n + ' (') || e.textContent.startsWith(n + ' / '))",
                        arg=name,
                        timeout=5000,
                    )
                    shown = True
                    break
                except Exception:
                    idle(page)
                    aim = aim_at(page, name)
            if not shown:
                failures.append(
                    f"{name}: hover shows {label.first.text_content() if label.count() else 'nothing'!r}"
                )
                continue
            heading = f"{name} ({names[aim['country']]})"  # or 'Wuhan / Hubei … (China)': a shared marker
            opened = False
            for _ in range(2):  # a click that lands during a rerun's redraw is lost: a person clicks again
                page.mouse.click(aim["x"], aim["y"])
                try:
                    page.wait_for_function(
                        "([n, c]) => Array.from(document.querySelectorAll('h3')).some(h => {"
                        " const s = h.textContent.trim(); return (s.startsWith(n + ' (') || s.startsWith(n + ' / '))"
                        " && s.endsWith('(' + c + ')'); })",
                        arg=[name, names[aim["country"]]],
                        timeout=20000,
                    )
                    opened = True
                    break
                except Exception:
                    idle(page)
                    aim = aim_at(page, name) or aim
            if not opened:
                failures.append(f"{name}: click did not open '{heading}'")
            idle(page)
            if (
                page.evaluate("document.querySelector('.js-plotly-plot')._fullLayout.geo.projection.scale")
                != 1
            ):
                zoomed.append(name)
                page.goto(f"{server}/map")  # back to the whole map for the next place
                wait_charts(page)
                idle(page)
                page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        assert failures == [], failures
        print("places that needed a zoom:", zoomed)
        # plotly's hover takes the smaller marker under the cursor: on the whole world map a large place inside a
        # dense cluster (Cologne among the Rhine and Benelux towns) answers only through a gap or after a zoom, as a
        # person would zoom; most of the named places answer at once
        assert len(zoomed) <= len(SWEEP) // 2, zoomed
        assert w.external == [] and w.errors == []
    finally:
        ctx.close()


GEO_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const g = gd._fullLayout.geo, frame = g._subplot.bgRect.node().getBoundingClientRect();
  const legend = document.querySelector('.js-plotly-plot g.legend');
  return {lon: g.lonaxis.range, lat: g.lataxis.range, frame: frame.toJSON(),
          legend: legend ? legend.getBoundingClientRect().toJSON() : null};
}"""


def test_germany_to_italy_and_france_is_a_map_of_europe(server, browser):
    ctx, page, w = open_page(browser, f"{server}/map?donor_country=DEU&recipient_country=ITA,FRA")
    try:
        wait_charts(page)
        geo = page.evaluate(GEO_JS)
        (lon0, lon1), (lat0, lat1) = geo["lon"], geo["lat"]
        assert -30 <= lon0 < 6 and 16 < lon1 <= 45 and lon1 - lon0 < 80, (
            geo
        )  # Paris to Berlin and Naples, not the world
        assert 30 <= lat0 < 40 and 54 < lat1 <= 72, geo
        # the drawn projection agrees: Berlin and Rome are inside the frame and far apart on screen
        xy = page.evaluate(
            "(pts) => { const gd = document.querySelector('.js-plotly-plot'), s = gd._fullLayout.geo._subplot;"
            " return pts.map(p => s.projection(p)); }",
            [[13.4, 52.5], [12.5, 41.9]],
        )
        assert abs(xy[0][1] - xy[1][1]) > 120, xy  # 10.6° of latitude span more than 120 px: zoomed in
        labels = page.evaluate(
            "Array.from(document.querySelectorAll('.js-plotly-plot g.trace.scattergeo text')).filter(e => e.style.display !== 'none').map(e => e.textContent)"
        )
        assert "Cologne" in labels and len(labels) >= 4, labels  # the largest places are named
        assert w.errors == []
    finally:
        ctx.close()


@pytest.mark.parametrize("query", ["", "?donor_country=DEU&recipient_country=ITA,FRA"])
def test_phone_shows_a_full_width_map_with_the_legend_below(server, browser, query):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = ctx.new_page()
    track(page)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{server}/map{query}")
        wait_charts(page)
        geo = page.evaluate(GEO_JS)
        assert geo["frame"]["width"] >= 300, geo  # was an 80 px thumbnail beside a full-size legend
        assert geo["legend"]["y"] >= geo["frame"]["y"] + geo["frame"]["height"] - 1, (
            geo
        )  # legend below the map
        assert geo["legend"]["x"] >= 0 and geo["legend"]["x"] + geo["legend"]["width"] <= 390, (
            geo
        )  # not cut off
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".js-plotly-plot").first.screenshot(
            path=str(SHOTS / f"map-phone{'-eu' if query else ''}.png")
        )
        assert errors == []
    finally:
        ctx.close()


MARKS_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const t = gd._fullData.find(t => Array.isArray(t.customdata) && Array.isArray(t.customdata[0]) && t.customdata[0].length === 4);
  const names = gd._fullData.find(t => t.mode === 'text');
  const bar = gd._fullData.find(t => t.type === 'choropleth');
  return {kinds: [...new Set(t.customdata.map(c => c[2]))], names: names ? Array.from(names.text) : [],
          bar: bar ? bar.colorbar.title.text : ''};
}"""


def test_map_controls_survive_a_reload(server, browser):
    """Measure, shading, roll-up and names come from the link; a changed control goes into the URL and a reload
    shows the same chart (filters.CONTROLS['map'] through coop_ui.control)."""
    ctx, page, w = open_page(browser, f"{server}/map?rollup=country&labels=3&shade=received&map_measure=eur")
    try:
        wait_charts(page)
        idle(page)
        m = page.evaluate(MARKS_JS)
        assert m["kinds"] == ["country"] and 1 <= len(m["names"]) <= 3 and "China" in m["names"], m
        assert "EUR" in m["bar"] and "received" in m["bar"], m
        click(page, page.get_by_text("UN region", exact=True))
        page.wait_for_function("location.search.includes('rollup=region')", timeout=20000)
        idle(page)
        assert "map_measure=eur" in page.url and "labels=3" in page.url and "shade=received" in page.url
        page.reload()
        wait_charts(page)
        idle(page)
        page.wait_for_function(
            "() => { const gd = document.querySelector('.js-plotly-plot'); return gd && gd._fullData &&"
            " gd._fullData.some(t => Array.isArray(t.customdata) && t.customdata.length && t.customdata[0][2] === 'region'); }",
            timeout=20000,
        )
        m = page.evaluate(MARKS_JS)
        assert m["kinds"] == ["region"] and "Asia" in m["names"] and "EUR" in m["bar"], m
        assert page.locator("[data-testid='stException']").count() == 0 and w.errors == []
    finally:
        ctx.close()


def test_unknown_map_controls_in_a_link_are_named(server, browser):
    ctx, page, w = open_page(browser, f"{server}/map?rollup=planet&labels=99")
    try:
        page.get_by_text("'planet'").first.wait_for(timeout=30000)
        page.get_by_text("'99'").first.wait_for(timeout=30000)
        wait_charts(page)
        assert set(page.evaluate(MARKS_JS)["kinds"]) == {"place", "country_point"}  # the default roll-up
        assert "rollup=planet" not in page.url
    finally:
        ctx.close()


@pytest.mark.parametrize("rollup,name", [("country", "Italy"), ("region", "Europe")])
def test_click_a_rolled_up_unit_opens_its_panel(server, browser, rollup, name):
    ctx, page, w = open_page(browser, f"{server}/map?rollup={rollup}")
    try:
        wait_charts(page)
        idle(page)
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        aim = page.evaluate(f"(n) => ({AIM_JS})(n, '{rollup}')", name)
        assert aim and aim["clear"] > 1, aim
        page.mouse.move(aim["x"] - 25, aim["y"] - 25)
        page.mouse.move(aim["x"], aim["y"], steps=6)
        page.wait_for_function(
            "(n) => Array.from(document.querySelectorAll('.hoverlayer .hovertext')).some(e => e.textContent.startsWith(n + ' (') || e.textContent.startsWith(n + ' / '))",
            arg=name,
            timeout=5000,
        )
        act(page, lambda: page.mouse.click(aim["x"], aim["y"]), f"click on {name}")
        page.get_by_role("heading", name=name, exact=True).wait_for(timeout=20000)
        page.get_by_text(re.compile(r"\d+ flows? out")).first.wait_for(timeout=20000)
        assert page.locator("[data-testid='stException']").count() == 0 and w.errors == []
    finally:
        ctx.close()


def test_chart_numbers_download_is_the_table_behind_the_map(server, browser, bundle, tmp_path):
    """The numbers' file is built when its button is clicked (not on every run): it holds the map's arcs of the view
    and roll-up in the link, largest first, as the library computes them."""
    from coop_data import export, filters
    from coop_data.figures.flowmap import map_numbers, map_table

    ctx, page, w = open_page(browser, f"{server}/map?direction=north_south&rollup=country")
    try:
        wait_charts(page)
        dl = download(
            page, page.locator("[data-testid='stDownloadButton']").filter(has_text="Chart numbers").first
        )
        path = tmp_path / "numbers.csv"
        dl.save_as(path)
        view = filters.Filter(direction=("north_south",)).apply(bundle.flows)
        table = map_numbers(map_table(view, "flows", bundle.countries, "country"), "flows")
        assert path.read_bytes() == export.neutralise(table).to_csv(index=False).encode("utf-8")
        assert dl.suggested_filename.startswith("city-solidarity-flows_map-numbers_north-south")
        # beside it, the same CSV with what it is: the filter in words and the chart's source line in a README
        dz = download(
            page,
            page.locator("[data-testid='stDownloadButton']")
            .filter(has_text="Chart numbers + citation")
            .first,
        )
        z = zipfile.ZipFile(dz.path())
        name = dz.suggested_filename[: -len(".zip")]
        assert z.read(f"{name}.csv") == path.read_bytes()
        readme = z.read("README.md").decode()
        assert filters.Filter(direction=("north_south",)).describe(bundle.countries, "en") in readme
        assert "## Sources" in readme and "pages cited by" in readme
        assert w.errors == []
    finally:
        ctx.close()
