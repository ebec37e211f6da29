"""Chart exports rendered on the server (PNG/SVG via kaleido and the system Chromium, standalone HTML)
and the generated text alternatives of maps and Sankeys."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from coop_data import aggregate, alttext, i18n
from coop_data.figures import flow_map
from coop_data.figures.render import render

RENDER_SCRIPT = """
import json, sys
sys.path.insert(0, {root!r})
from coop_data.load import load_bundle
from coop_data.figures import flow_map
from coop_data.figures.render import render
import plotly.io as pio
b = load_bundle()
fig, _ = flow_map(b.flows, "flows", "Who helped whom", "All flows.", "Sources: bundled")
png = render(fig, "png", cite="CITE-LINE", alt="ALT-TEXT")
svg = render(fig, "svg", cite="CITE-LINE", alt="ALT-TEXT")
open(sys.argv[1] + ".png", "wb").write(png)
open(sys.argv[1] + ".svg", "wb").write(svg)
print(json.dumps({{"topojson": pio.defaults.topojson}}))
"""


def _network_cut() -> list[str]:
    """A command prefix that runs a process with no network at all (a new, empty network namespace)."""
    ok = subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    return ["unshare", "-n"] if ok else []


def test_geo_chart_png_and_svg_render_with_the_network_cut(tmp_path):
    script = tmp_path / "render.py"
    script.write_text(RENDER_SCRIPT.format(root=str(ROOT)))
    prefix = _network_cut()
    r = subprocess.run(
        [*prefix, sys.executable, str(script), str(tmp_path / "map")],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    topo = json.loads(r.stdout.strip().splitlines()[-1])["topojson"]
    assert topo.startswith("file://") and topo.rstrip("/").endswith(
        "static/geo"
    )  # the app's own outline, never a CDN
    png = (tmp_path / "map.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 100_000
    svg = (tmp_path / "map.svg").read_text()
    outline = re.search(r'<g class="layer countries">.*?<path[^>]*? d="([^"]+)"', svg, re.S)
    assert outline and len(outline.group(1)) > 5000  # country borders drawn offline
    assert svg.count('class="choroplethlocation"') > 10  # shaded countries need the same outline
    assert (
        "<desc>ALT-TEXT Cite this view: CITE-LINE</desc>" in svg
        and svg.count("Cite this view: CITE-LINE") == 2
    )  # <desc> and drawn
    from PIL import Image

    assert Image.open(tmp_path / "map.png").text == {"Description": "ALT-TEXT", "Comment": "CITE-LINE"}
    print(
        "rendered with network cut" if prefix else "rendered (unshare unavailable: local topojson asserted)"
    )


def test_html_export_is_standalone_with_citation_and_text(bundle):
    fig, _ = flow_map(bundle.flows, "flows", "Who <b>helped</b>", "All flows.", "Sources: bundled")
    page = render(fig, "html", cite="CITE <x>", alt="ALT & TEXT").decode()
    assert (
        '<script src="http' not in page and "<script charset" not in page.split("PlotlyGeoAssets")[0]
    )  # plotly.js inlined
    assert (
        'window.PlotlyGeoAssets={topojson:{\'world_110m\':{"type":"Topology"' in page
    )  # outline inside the page
    assert "<p>ALT &amp; TEXT</p>" in page and "Cite this view: CITE &lt;x&gt;" in page


def test_map_text_alternative_uses_the_library_numbers(bundle):
    f = bundle.flows
    text = alttext.flows_summary(f, "flows")
    counted = int((~f["overlaps_details"]).sum())
    assert text.startswith(f"The map shows {counted} flows ({len(f)} records;")
    share = (~f["overlaps_details"]).groupby(f["direction"].astype(str)).sum() / counted
    assert f"China → partner {share['china_to_partner']:.0%}" in text
    assert (
        f"{int(((f['donor_lat'].isna() | f['recipient_lat'].isna()) & ~f['overlaps_details']).sum())} flows have an end"
        " that cannot be placed" in text
    )
    masks = alttext.flows_summary(f, "masks")
    total = aggregate.measure_values(f, "masks").sum()
    assert f"{total:,.0f} masks in total (delivered rows only)" in masks


def test_sankey_text_alternative(bundle):
    links = aggregate.node_table(bundle.flows, ["donor_region", "direction", "recipient_region"], "flows")
    text = alttext.links_summary(links, "flows")
    top = links.sort_values("value", ascending=False).iloc[0]
    assert "Donor region → Direction → Recipient region" in text and f"({top['value']:,.0f} flows)" in text
    assert "china_to_partner" not in text
    fr = alttext.links_summary(links, "flux", lang="fr")
    assert (
        "Région du donateur → Sens → Région du bénéficiaire" in fr
        and f"({i18n.number(top['value'], 'fr')} flux)" in fr
    )
    assert "Chine → partenaire" in fr and "China → partner" not in fr


def test_empty_views_say_so(bundle):
    assert "no flows" in alttext.flows_summary(bundle.flows.head(0))


@pytest.mark.parametrize(
    "page,key",
    [("app_pages/map.py", "map"), ("app_pages/home.py", "home-map"), ("app_pages/sankey.py", "sankey")],
)
def test_pages_show_text_alternatives(page, key):
    from test_app import app

    at = app(page, {"direction": "north_south"})
    alts = [c.value for c in at.caption if c.value.startswith("Text alternative:")]
    assert alts and "North → South" in alts[0]


def test_animated_map_plays_week_by_week(bundle):
    from coop_data.figures.animated import animated_map, weekly

    fig, note = animated_map(bundle.flows, "t", "s", "src")
    assert len(fig.frames) == note["weeks"] == 105 and fig.layout.sliders[0].steps[0].label == "30 Dec 2019"
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["▶ Play", "❚❚ Pause"]
    f, _ = weekly(bundle.flows)
    assert sum(n for _, n in note["per_week"]) == note["drawn"] == len(f[f["week"] <= "2021-12-31"])
    placed_week = f[(f["date_precision"] == "day") & (f["record_id"] == "CN-0057")]["week"].iloc[
        0
    ]  # Oita -> Wuhan, 27 Jan 2020
    assert placed_week.strftime("%Y-%m-%d") == "2020-01-27"
    frame = next(fr for fr in fig.frames if fr.name == "2020-01-27")
    assert any(len(tr.lat if tr.lat is not None else []) > 0 for tr in frame.data)
    assert note["not_in_a_week"] == int(
        (~bundle.flows["date_precision"].isin(["day", "month"]) | bundle.flows["date_start"].isna()).sum()
    )
    assert len(fig.to_json()) < 1_000_000


def test_partnership_map_text_alternative(bundle):
    p = bundle.partnerships
    text = alttext.partnerships_summary(p, 250)
    top = __import__("pandas").concat([p["city_a"], p["city_b"]]).value_counts()
    assert (
        text.startswith(f"The map shows 250 of {len(p)} stated partnerships")
        and f"{top.index[0]} ({top.iloc[0]} partners)" in text
    )


@pytest.mark.parametrize("page", ["app_pages/partnerships.py", "app_pages/funds.py"])
def test_other_maps_have_text_alternatives(page):
    from test_app import app

    at = app(page, {})
    assert any(c.value.startswith("Text alternative:") for c in at.caption)


def test_animated_story_scene_gets_the_offline_outline():
    from test_app import app, charts

    from coop_data import story
    from coop_data.store import Store

    sid, _ = Store().save_story(
        "Animated", story.to_body([story.Scene("Weeks", "Week by week", "animated", {})])
    )
    at = app("app_pages/story.py", {"story": sid})
    assert not at.exception and charts(at)[0][1]["topojsonURL"] == "/app/static/geo/"


def test_image_exports_load_no_script_from_the_network():
    """Kaleido's page would fetch MathJax from a CDN; the renderer gives it an empty local script instead."""
    import plotly.graph_objects as go
    import plotly.io as pio
    from kaleido._page_generator import PageGenerator

    from coop_data.figures.render import render

    render(go.Figure(go.Bar(x=[1], y=[1])), "svg")
    assert pio.defaults.mathjax and Path(pio.defaults.mathjax).is_file()
    page = PageGenerator(mathjax=Path(pio.defaults.mathjax)).generate_index()
    assert "http://" not in page and "https://" not in page


def test_every_citation_carries_the_data_version_0_2_0(bundle):
    """The second research round and the new rules move the data to 0.2.0; a citation says which data it used."""
    from coop_data import export

    cite = export.citation("All flows.", dataset="x")
    assert "v0.2.0" in cite
    assert json.loads((ROOT / "coop_data" / "data" / "datapackage.json").read_text())["version"] == "0.2.0"


# --- data downloads: a clean CSV, and the CSV with its citation and data dictionary in a ZIP ---------------


def _north_south(bundle):
    from coop_data import filters

    return filters.Filter(direction=("north_south",)).apply(bundle.flows)


def test_csv_download_is_a_clean_table(bundle):
    import io

    import pandas as pd

    from coop_data import export

    view = _north_south(bundle)
    raw = export.export(view, "csv", "CITE-LINE", bundle.sources)
    text = raw.decode("utf-8")
    assert "CITE-LINE" not in text and not any(line.startswith("#") for line in text.splitlines())
    got = pd.read_csv(io.BytesIO(raw))  # no comment= needed: header and rows only
    assert len(got) == len(view) > 40 and list(got.columns) == list(export.view_table(view).columns)
    assert sorted(got["record_id"]) == sorted(view["record_id"])


def test_zip_carries_citation_filter_and_data_dictionary_beside_the_csv(bundle):
    import io
    import zipfile

    import pandas as pd

    from coop_data import export

    view = _north_south(bundle)
    url = "http://127.0.0.1:8501/map?direction=north_south"
    cite = export.citation("North → South.", url, dataset="Bundled")
    raw = export.to_zip(view, cite, "North → South.", url, name="city-solidarity-flows_flows_north-south")
    z = zipfile.ZipFile(io.BytesIO(raw))
    assert sorted(z.namelist()) == [
        "README.md",
        "city-solidarity-flows_flows_north-south.csv",
        "datapackage.json",
    ]
    csv = z.read("city-solidarity-flows_flows_north-south.csv")
    assert csv == export.to_csv(view)  # the same clean table as the plain download
    header = list(pd.read_csv(io.BytesIO(csv), nrows=0).columns)
    pkg = json.loads(z.read("datapackage.json"))
    res = pkg["resources"][0]
    assert res["path"] == "city-solidarity-flows_flows_north-south.csv" and res["rows"] == len(view)
    fields = {f["name"]: f for f in res["schema"]["fields"]}
    assert list(fields) == header and all(f["description"] for f in fields.values())
    assert fields["quantity"]["type"] == "number" and fields["donor_lat"]["type"] == "number"
    assert pkg["citation"] == cite and pkg["description"] == "North → South." and pkg["licenses"][0]["name"]
    readme = z.read("README.md").decode("utf-8")
    assert cite in readme and "North → South." in readme and url in readme
    assert all(f"| {c} |" in readme for c in header)


def test_zip_readme_in_the_interface_language(bundle):
    import io
    import zipfile

    from coop_data import export

    raw = export.to_zip(_north_south(bundle).head(3), "CITE", "Nord → Sud.", lang="fr")
    readme = zipfile.ZipFile(io.BytesIO(raw)).read("README.md").decode("utf-8")
    assert "## Comment citer" in readme and "3 lignes" in readme


def test_file_names_say_what_the_file_is():
    from coop_data.export import file_name

    assert (
        file_name("map", {"direction": "north_south", "from": "2020-01", "to": "2020-12"}, "png")
        == "city-solidarity-flows_map_north-south_2020.png"
    )
    assert (
        file_name("map", {"donor_country": "DEU", "recipient_country": "ITA,FRA"}, "svg", "social")
        == "city-solidarity-flows_map_deu-to-ita-fra_social.svg"
    )
    assert file_name("flows", {}, "csv") == "city-solidarity-flows_flows.csv"
    assert file_name("timeline", {"from": "2020-03", "to": "2020-06"}, "csv").endswith(
        "_timeline_2020-03-to-2020-06.csv"
    )
    long = file_name("flows", {"city": "Ærø «Zürich» " * 20, "direction": "north_south"}, "zip")
    assert long.isascii() and len(long) <= 120 and "/" not in long and " " not in long


def test_xlsx_json_geojson_keep_their_citation_and_spreadsheets_neutralise_formulas(bundle):
    """Each format carries the citation its own way; a formula-like text cell (synthetic, made here) stays text."""
    import io
    import zipfile

    import openpyxl
    import pandas as pd

    from coop_data import export

    view = _north_south(bundle).head(5).copy()
    view["summary"] = view["summary"].astype(object)
    view.iloc[0, view.columns.get_loc("summary")] = '=HYPERLINK("http://x")'  # synthetic test value
    cite = "CITE-LINE"
    wb = openpyxl.load_workbook(io.BytesIO(export.export(view, "xlsx", cite, bundle.sources)))
    assert wb["cite"]["A2"].value == cite and {"flows", "sources"} <= set(wb.sheetnames)
    cells = [c.value for row in wb["flows"].iter_rows() for c in row if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://x")' in cells and not any(c.startswith("=") for c in cells)
    assert json.loads(export.export(view, "json", cite))["citation"] == cite
    assert json.loads(export.export(view, "geojson", cite))["citation"] == cite
    for raw in (
        export.to_csv(view),
        zipfile.ZipFile(io.BytesIO(export.to_zip(view, cite))).read("city-solidarity-flows.csv"),
    ):
        got = pd.read_csv(io.BytesIO(raw), dtype=str)
        assert got["summary"].iloc[0] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize("freq", ["M", "W"])
def test_timeline_labels_each_bar_with_its_own_period(bundle, freq):
    """Germany → Italy/France has bars in Mar, Apr and May 2020; plotly's own ticks read 'Mar 2020, Mar 2020,
    Apr 2020' under them (every bar after the first a month early). The drawn tick labels must be the periods."""
    from coop_data import aggregate, filters
    from coop_data.figures import timeline_chart
    from coop_data.figures.render import render

    v = filters.Filter(donor_country=("DEU",), recipient_country=("ITA", "FRA")).apply(bundle.flows)
    t = aggregate.timeline(v, freq)
    svg = render(timeline_chart(t, "t", "s", "src"), "svg").decode()
    # a label on two lines ("Mar" over "2020") is two tspans of one text
    ticks = [
        " ".join(re.findall(r">([^<]+)<", x))
        for x in re.findall(r'class="xtick"><text[^>]*>(.*?)</text>', svg)
    ]
    assert len(ticks) == len(set(ticks)) > 0  # no label twice
    fmt = "%b %Y" if freq == "M" else "%d %b %Y"
    periods = sorted(set(t["period"]))
    assert set(ticks) <= {
        p.strftime(fmt)
        for p in pd.date_range(periods[0], periods[-1], freq=freq + "S" if freq == "M" else "7D")
    }
    if freq == "M":
        assert ticks == [p.strftime(fmt) for p in periods] == ["Mar 2020", "Apr 2020", "May 2020"]
