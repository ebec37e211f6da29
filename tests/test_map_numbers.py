"""The map's numbers say what they are and add up to the page's counts, on the bundled data: its "Chart numbers" held
all 507 arcs with no word of which 400 are drawn, under internal headers (donor_label, value, n, ids) and direction
codes; Home said "Countries 93" above a map text of "95 countries"; the timeline called 583 records flows; a place's
hover said "1 out, 3 in" with no unit."""

import io
import json
import re
import zipfile

from test_app import app

from coop_data import aggregate, alttext, export, filters
from coop_data.figures.flowmap import flow_map, map_numbers, map_table, place_markers

EN_COLUMNS = [
    "From",
    "To",
    "Direction",
    "Number of flows (flows)",
    "records",
    "On the map",
    "From: latitude",
    "From: longitude",
    "To: latitude",
    "To: longitude",
    "record ids",
]


def test_map_numbers_add_up_to_the_counts_under_the_map(bundle):
    f = bundle.flows
    tab = map_numbers(map_table(f, "flows"), "flows")
    _, note = flow_map(f, "flows", "t", "s", "src")
    assert list(tab.columns) == EN_COLUMNS
    drawn = tab["On the map"] == "drawn"
    assert tab["On the map"][~drawn].eq("not drawn: beyond the 400 largest arcs").all()
    # 507 arcs: the 400 drawn hold 419 flows, the 107 beyond the cap 107; with the 48 flows with an end not placed
    # they are the 574 flows (583 records less 9 programme totals) Home counts
    assert (len(tab), int(drawn.sum())) == (507, 400) == (note["arcs"] + note["not_drawn_cap"], note["arcs"])
    flows = tab["Number of flows (flows)"]
    assert (int(flows[drawn].sum()), int(flows[~drawn].sum())) == (419, 107)
    assert (note["drawn"], note["not_drawn_cap_records"], note["not_drawn_unplaced"]) == (419, 107, 48)
    assert 419 + 107 + 48 == aggregate.headline(f)["flows"] == 574
    assert (
        note["not_drawn_same"] == 0 and note["not_drawn_no_value"] == 9
    )  # the programme totals: records, not flows
    # the drawn arcs are the largest: nothing beyond the cap is larger than the smallest drawn arc
    assert flows[~drawn].max() <= flows[drawn].min()
    assert not tab["Direction"].str.contains("_").any() and "North → South" in set(tab["Direction"])


def test_map_numbers_in_french_and_on_the_page(bundle):
    fr = map_numbers(map_table(bundle.flows, "flows"), "flows", lang="fr")
    assert list(fr.columns[:6]) == [
        "De",
        "Vers",
        "Sens",
        "Nombre de flux (flux)",
        "enregistrements",
        "Sur la carte",
    ]
    assert set(fr["Sur la carte"]) == {"dessiné", "non dessiné : au-delà des 400 plus grands arcs"}
    assert "Nord → Sud" in set(fr["Sens"])
    at = app("app_pages/map.py", {})
    caption = " ".join(c.value for c in at.caption)
    assert (
        "419 flows drawn as 400 arcs" in caption and "48 flows with an end that cannot be placed" in caption
    )
    assert "107 smaller arcs (107 flows) beyond the cap of 400" in caption
    # the table on the page is the same: worded, and saying which arcs are drawn (it showed codes and internal names)
    at.toggle(key="map_numbers").set_value(True).run()
    shown = at.dataframe[-1].value
    assert list(shown.columns) == EN_COLUMNS and (shown["On the map"] == "drawn").sum() == 400
    # the text alternative above it counts the same flows (it said 55: records, programme totals included)
    assert "48 flows have an end that cannot be placed" in alttext.flows_summary(bundle.flows)


def test_numbers_zip_states_the_filter_and_the_sources(bundle):
    flt = filters.Filter(direction=("north_south",))
    view = flt.apply(bundle.flows)
    tab = map_numbers(map_table(view, "flows"), "flows")
    described = flt.describe(bundle.countries, "en")
    cite = export.citation(described, "http://x/map?direction=north_south")
    src = "Sources: 99 pages cited by 99 records. Data: SYNTHETIC source line."
    z = zipfile.ZipFile(
        io.BytesIO(export.to_zip(tab, cite, described, "http://x", "map-numbers", sources=src))
    )
    readme = z.read("README.md").decode()
    assert described in readme and cite in readme and f"## Sources\n\n{src}" in readme
    assert z.read("map-numbers.csv").decode().splitlines()[0] == ",".join(EN_COLUMNS)
    fields = json.loads(z.read("datapackage.json"))["resources"][0]["schema"]["fields"]
    assert [x["name"] for x in fields] == EN_COLUMNS


def test_home_counts_countries_as_its_map_does(bundle):
    at = app("app_pages/home.py", {})
    countries = next(m for m in at.metric if m.label == "Countries")
    alt = alttext.flows_summary(bundle.flows)
    n = re.search(r"in (\d+) countries", alt).group(1)
    assert countries.value == n == "95" and "93 of them are on delivered flows" in countries.help


def test_home_map_note_accounts_for_every_flow(bundle):
    """Home's note under its map names the arcs beyond the cap too: 419 drawn + 107 beyond + 48 unplaced = 574."""
    at = app("app_pages/home.py", {})
    caption = " ".join(c.value for c in at.caption)
    assert (
        "419 flows drawn as 400 arcs" in caption and "48 flows have an end that cannot be placed" in caption
    )
    assert "107 smaller arcs (107 flows) beyond the cap of 400" in caption
    assert 419 + 107 + 48 == aggregate.headline(bundle.flows)["flows"]


def test_timeline_counts_flows_where_it_says_flows(bundle):
    at = app("app_pages/timeline.py", {})
    caption = " ".join(c.value for c in at.caption)
    # 443 flows dated to the month + 131 dated to the year or undated = 574 flows; it said 140 (records)
    assert "443 flows placed in time; 131 are not drawn" in caption
    assert 443 + 131 == aggregate.headline(bundle.flows)["flows"]


def test_place_hover_says_flows_in_english_and_french(bundle):
    for lang, word in (("en", r"flows? (out|in)"), ("fr", r"flux (sortants?|entrants?)")):
        fig, _ = flow_map(bundle.flows, "flows", "t", "s", "src", lang=lang)
        marks = next(tr for tr in fig.data if tr.customdata is not None and len(tr.customdata[0]) == 4)
        counts = [re.findall(rf"(\d[\d  ]*) {word}", h) for h in marks.hovertext]
        assert all(len(c) == 2 for c in counts), marks.hovertext[:3]
    pts = place_markers(bundle.flows)
    one = pts[(pts["out"] == 1) & (pts["in"] > 1)].iloc[0]
    fig, _ = flow_map(bundle.flows, "flows", "t", "s", "src")
    marks = next(tr for tr in fig.data if tr.customdata is not None and len(tr.customdata[0]) == 4)
    hover = next(h for h in marks.hovertext if h.startswith(f"{one['name']} ("))
    assert f"1 flow out, {one['in']} flows in" in hover
