"""Every page through Streamlit's AppTest: default view, URL filters, figure content, offline geo config."""

import json

import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from coop_data import pages

PAGES = [p.file for p in pages.PAGES]
FILTERS = [
    {},
    {"direction": "north_south"},
    {"from": "2020-01", "to": "2020-02", "recipient_country": "CHN"},
    {"donor_country": "DEU", "aid_kind": "patients_treated", "scheme": "economy"},
    {"city": "Harbin", "status": "delivered"},
    {"from": "garbage", "direction": "nope", "donor_country": "ZZZ"},
]


def app(page: str, params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page != "app_pages/home.py":
        at.switch_page(page).run()
    return at


def values(x) -> list:
    """Plotly JSON may carry arrays as base64 'bdata'; decode them."""
    import base64

    import numpy as np

    if isinstance(x, dict) and "bdata" in x:
        return np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]).tolist()
    return list(x or [])


def charts(at):
    """(figure spec, plotly config) of every chart in page order: st.plotly_chart and the geo-chart component."""
    out = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if getattr(node, "type", "") == "plotly_chart":
            out.append((json.loads(proto.spec), json.loads(proto.config)))
        elif getattr(proto, "component_name", "") == "coop_geo_chart":
            d = json.loads(proto.json)
            out.append((json.loads(d["spec"]), d["config"]))
    return out


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: ",".join(p) or "default")
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(page, params):
    at = app(page, params)
    assert not at.exception, [e.value for e in at.exception]
    for spec, cfg in charts(at):
        if any(t["type"] in ("scattergeo", "choropleth") for t in spec["data"]):
            assert cfg["topojsonURL"] == "/app/static/geo/"


def test_bad_url_values_give_notices_and_are_dropped():
    at = app("app_pages/home.py", {"from": "garbage", "direction": "nope", "donor_country": "ZZZ"})
    notes = " ".join(w.value for w in at.warning)
    assert "from=garbage" in notes and "nope" in notes and "ZZZ" in notes
    assert "direction" not in at.query_params and "from" not in at.query_params


def test_home_numbers_follow_filter(bundle):
    at = app("app_pages/home.py", {"direction": "north_south", "donor_country": "DEU"})
    metrics = {m.label: m.value for m in at.metric}
    expected = len(
        bundle.flows[
            (bundle.flows["direction"] == "north_south") & (bundle.flows["donor_country_iso3"] == "DEU")
        ]
    )
    # 17 in the first round; the second research round (issue 15) adds 14 German North→South flows
    assert metrics["Flows"] == str(expected) == "31"
    assert "31 of 583 records match" in at.sidebar.caption[0].value


def test_home_covers_box_counts_from_the_data():
    """The "What the data covers" box stated "274 of 393 flows", "about 30 records", "34 world records" long after
    the data grew: its numbers are counted from the bundled flows, here again with plain pandas, in every language."""
    from coop_data import i18n, load_bundle

    b = load_bundle()
    f = b.flows[~b.flows["overlaps_details"]]  # flows: not the programme totals whose details are listed
    mirror = set(b.sources.loc[b.sources["reliability"] == "mirror_copy", "source_id"])
    china = ((f["donor_country_iso3"] == "CHN") | (f["recipient_country_iso3"] == "CHN")).sum()
    expected = {
        "china": china,
        "flows": len(f),
        "south": (f["direction"].astype(str) == "south_south").sum(),
        "y2021": (f["date_start"].dt.year == 2021).sum(),
        "undated": f["date_start"].isna().sum(),
        "mirror": f["source_id"].isin(mirror).sum(),
    }
    assert tuple(expected.values()) == (310, 574, 23, 83, 53, 48)  # today's data
    for lang in ("en", "fr", "es"):
        at = app(
            "app_pages/home.py", {"lang": lang, "direction": "north_south"}
        )  # a filter does not change it
        box = at.markdown[-1].value
        assert box == i18n.t(
            "home.covers_text", lang, **{k: i18n.number(v, lang) for k, v in expected.items()}
        )
        assert "274" not in box and "393" not in box
        assert {"en": "310 of the 574 flows", "fr": "310 des 574 flux", "es": "310 de los 574 flujos"}[
            lang
        ] in box


def test_home_leaves_out_clauses_that_are_zero(bundle):
    """Under a filter without programme totals or mirror copies, Home read "63 records, of which 63 flows (0
    programme totals…)" and "EUR 0 (0.0 %) rests on mirror copies"."""
    at = app("app_pages/home.py", {"direction": "north_south", "donor_country": "DEU"})
    text = " ".join(m.value for m in at.markdown)
    assert (
        "31 flows (no programme total" in text and "of which" not in text and "0 programme totals" not in text
    )
    assert "mirror copies of wire stories" not in text and "EUR 0 (" not in text
    assert at.metric[0].help.startswith("31 flows; ")
    # the whole data has both: they are said
    at = app("app_pages/home.py", {})
    text = " ".join(m.value for m in at.markdown)
    assert "583 records, of which 574 flows (9 programme totals" in text and "rests on mirror copies" in text
    # Countries: counted as the map's text on the same page counts them (Home said 93 above a map text of "95
    # countries": Colombia and Morocco are only on announced flows); its help says how many are on delivered flows
    from coop_data import alttext

    countries = next(m for m in at.metric if m.label == "Countries")
    assert countries.value == "95" and "93 of them are on delivered flows" in countries.help
    assert "in 95 countries" in alttext.flows_summary(bundle.flows)  # the map's text alternative


def test_flow_map_arcs_and_legend():
    from coop_data.figures.flowmap import LANE_POINTS

    at = app("app_pages/map.py", {"direction": "north_north,north_south"})
    spec, cfg = charts(at)[0]
    types = {t["type"] for t in spec["data"]}
    assert types == {"choropleth", "scattergeo"}
    legend = {
        t["name"]
        for t in spec["data"]
        if t.get("showlegend") is not False and t["type"] == "scattergeo" and t.get("mode") == "lines"
    }
    assert legend == {"North → North", "North → South"}
    assert len(spec["data"]) < 30  # arcs are batched, not one trace per flow
    lines = [t for t in spec["data"] if t["type"] == "scattergeo" and t.get("mode") == "lines"]
    for t in (
        lines
    ):  # each arc is a curve of LANE_POINTS points and a break (bent to its right: two lanes per pair)
        lat = values(t["lat"])
        n = LANE_POINTS + 1
        assert (
            len(lat) % n == 0
            and all(x != x for x in lat[n - 1 :: n])
            and not any(x != x for i, x in enumerate(lat) if i % n != n - 1)
        )
    assert "direction North → North or North → South" in spec["layout"]["title"]["text"]
    assert "Sources:" in spec["layout"]["annotations"][0]["text"]
    # legend below the map (the map gets the width), colour bar right of it: inside, the legend hid the Americas
    lg, bar = spec["layout"]["legend"], next(t for t in spec["data"] if t["type"] == "choropleth")["colorbar"]
    geo_bottom = spec["layout"]["geo"]["domain"]["y"][0]
    assert lg["orientation"] == "h" and lg["x"] == 0 and lg["y"] < geo_bottom and lg["yanchor"] == "top"
    # the colour bar beside the map, above the legend's band (at y=0 it sat over the legend's last entries)
    assert bar["x"] >= 1 and bar["y"] >= geo_bottom and bar["yanchor"] == "bottom" and bar["len"] <= 0.4


def test_sankey_nodes_and_other(bundle):
    at = app("app_pages/sankey.py", {})
    spec, _ = charts(at)[0]
    s = spec["data"][0]
    assert s["type"] == "sankey"
    labels = s["node"]["label"]
    assert "China → partner" in labels and "Europe" in labels and "Asia" in labels
    assert sum(s["link"]["value"]) == pytest.approx(
        2 * (~bundle.flows["overlaps_details"]).sum()
    )  # two link layers


def test_timeline_shows_wave_and_reversal():
    at = app("app_pages/timeline.py", {})
    fig = pio.from_json(at.get("plotly_chart")[0].proto.spec)
    by = {}
    for t in fig.data:
        for x, y in zip(t["x"], t["y"]):
            month = str(x)[:7]
            by.setdefault(t.legendgroup, {}).setdefault(month, 0)
            by[t.legendgroup][month] += y
    assert by["partner_to_china"]["2020-02"] > by["partner_to_china"].get("2020-04", 0)
    assert by["china_to_partner"]["2020-04"] > by["china_to_partner"].get("2020-02", 0)


def test_explorer_table_matches_filter():
    at = app("app_pages/explorer.py", {"recipient_country": "ITA"})
    df = at.dataframe[0].value
    assert len(df) > 20 and set(df["recipient_country"]) == {"Italy"}


def test_filters_survive_page_switch():
    at = app("app_pages/home.py", {"direction": "south_south"})
    at.switch_page("app_pages/explorer.py").run()
    assert at.query_params["direction"] == "south_south"
    # 4 in the first round; WD-0111/0112 (Uruguay, high income in FY2020/21) leave it, the second round adds 21
    assert len(at.dataframe[0].value) == 23


# --- imported datasets in every page -------------------------------------------------------------

INJECTED_NAME = "Dons ![x](http://example.org/i.png) <b>2020</b>"


@pytest.fixture(scope="module")
def imported():
    """A dataset imported through the library into the test store (COOP_DATA_STORE, see conftest)."""
    from conftest import HEADER, NEWSROOM, csv_bytes
    from coop_data import pipeline
    from coop_data.store import Store

    ds_id, key, _ = pipeline.import_bytes(
        "dons.csv",
        csv_bytes(HEADER, NEWSROOM),
        Store(),
        name=INJECTED_NAME,
        choices={"frankfurt|DEU": 2925535},
    )
    return ds_id, key


def texts(at, kinds=("caption", "markdown", "text", "subheader", "title")) -> str:
    return " ".join(e.value for kind in kinds for e in getattr(at, kind))


MARKDOWN_KINDS = (
    "caption",
    "markdown",
    "subheader",
    "title",
)  # rendered as Markdown; st.text shows characters as they are


@pytest.mark.parametrize("scope", ["imported", "both"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_an_imported_dataset(imported, page, scope):
    params = {"dataset": imported[0], **({"data": scope} if scope != "imported" else {})}
    at = app(page, params)
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["dataset"] == imported[0]
    t = texts(at, MARKDOWN_KINDS)
    assert "imported dataset" in t and "![x](" not in t and "<b>" not in t
    for spec, cfg in charts(at):
        if any(tr["type"] in ("scattergeo", "choropleth") for tr in spec["data"]):
            assert cfg["topojsonURL"] == "/app/static/geo/"


def test_imported_numbers_and_map(imported, bundle):
    at = app("app_pages/home.py", {"dataset": imported[0]})
    assert {m.label: m.value for m in at.metric}["Flows"] == "3"
    side = " ".join(c.value for c in at.sidebar.caption)
    assert "3 of 3 records match" in side and "Imported dataset: Dons" in side
    at = app("app_pages/map.py", {"dataset": imported[0]})
    lats = [
        y
        for tr in charts(at)[0][0]["data"]
        if tr["type"] == "scattergeo"
        for y in values(tr.get("lat"))
        if isinstance(y, float)
    ]
    assert any(abs(y - 52.347) < 0.01 for y in lats)  # Frankfurt (Oder), the place chosen at import
    both = app("app_pages/home.py", {"dataset": imported[0], "data": "both"})
    assert f"{len(bundle.flows) + 3} of {len(bundle.flows) + 3} records match" in " ".join(
        c.value for c in both.sidebar.caption
    )


def test_scope_in_the_url_survives_page_switch(imported):
    # AppTest does not re-render the entry script's sidebar widgets after a rerun; clicking the scope radio is tested in the browser.
    at = app("app_pages/explorer.py", {"dataset": imported[0], "data": "both"})
    assert len(at.dataframe[0].value) == 586  # 583 bundled (393 + 190 of the second round) + 3 imported
    at.switch_page("app_pages/home.py").run()
    assert at.query_params["data"] == "both" and at.query_params["dataset"] == imported[0]
    bundled = app("app_pages/explorer.py", {"dataset": imported[0], "data": "bundled"})
    assert len(bundled.dataframe[0].value) == 583


def test_two_users_do_not_see_each_others_datasets(imported, bundle):
    other = app("app_pages/import.py", {})
    assert not other.exception
    assert (
        "Dataset in this view" not in texts(other)
        and imported[0] not in texts(other)
        and "Dons" not in texts(other)
    )
    guessed = app("app_pages/home.py", {"dataset": "A" * 22})
    assert any("No imported dataset has the id" in w.value for w in guessed.warning)
    assert "dataset" not in guessed.query_params
    # the bundled data again: its flows, i.e. records less the programme totals whose details are listed
    flows = int((~bundle.flows["overlaps_details"]).sum())
    assert {m.label: m.value for m in guessed.metric}["Flows"] == str(flows) != str(len(bundle.flows))
    shared = app(
        "app_pages/import.py", {"dataset": imported[0]}
    )  # the owner shared the link: it opens, read-only
    assert "Dataset in this view" in texts(shared)
    shared.text_input(key="del-key").input("a-wrong-key").run()
    shared.button(key="del-btn").click().run()
    assert any("not this dataset's delete key" in e.value for e in shared.error)
    from coop_data.store import Store

    assert Store().exists(imported[0])


def test_owner_deletes_with_the_key():
    from conftest import HEADER, NEWSROOM, csv_bytes
    from coop_data import pipeline
    from coop_data.store import Store

    ds_id, key, _ = pipeline.import_bytes("d.csv", csv_bytes(HEADER, NEWSROOM), Store())
    at = app("app_pages/import.py", {"dataset": ds_id})
    at.text_input(key="del-key").input(key).run()
    at.button(key="del-btn").click().run()
    assert not at.exception and not Store().exists(ds_id)
    assert any("deleted" in s.value for s in at.success)
    later = app("app_pages/home.py", {"dataset": ds_id})
    assert any("No imported dataset has the id" in w.value for w in later.warning)


def test_sidebar_is_drawn_when_a_page_ends_early():
    """The sidebar is drawn after the page: a page that has nothing to show must not take the filters with it."""
    at = app("app_pages/map.py", {"city": "Nowhereville"})
    assert not at.exception and any("Nowhereville" in i.value for i in at.info)
    assert not charts(at)
    assert at.sidebar.text_input(key="w_city").value == "Nowhereville"
    assert "0 of 583 records match" in at.sidebar.caption[-2].value
    at.sidebar.text_input(key="w_city").input("").run()
    assert charts(at) and at.query_params.get("city") is None


def test_pages_end_with_ui_stop_not_st_stop():
    """st.stop() would also stop the sidebar drawn after the page (see coop_ui.stop)."""
    offenders = [p.name for p in (ROOT / "app_pages").glob("*.py") if "st.stop()" in p.read_text()]
    assert offenders == []


def test_no_pages_folder():
    """A `pages/` folder switches Streamlit to its old multipage mode: deep links on a fresh server then skip the entry script."""
    assert not (ROOT / "pages").exists()


def test_more_filters_are_drawn_only_when_on_and_keep_their_values(bundle):
    """'More filters' is a toggle (a collapsed expander's widgets cost the browser as much as open ones):
    its filters still apply while it is off, and a link with one of them opens it."""
    at = app("app_pages/explorer.py", {})
    assert at.sidebar.toggle(key="w_more").value is False
    assert not [m for m in at.sidebar.multiselect if m.key == "w_status"]
    at.sidebar.toggle(key="w_more").set_value(True).run()
    at.sidebar.multiselect(key="w_status").set_value(["delivered"]).run()
    delivered = int((bundle.flows["status"] == "delivered").sum())
    assert (
        at.query_params["status"] in ("delivered", ["delivered"]) and len(at.dataframe[0].value) == delivered
    )
    at.sidebar.toggle(key="w_more").set_value(False).run()
    at.run()
    assert (
        at.query_params["status"] in ("delivered", ["delivered"]) and len(at.dataframe[0].value) == delivered
    )
    at.sidebar.toggle(key="w_more").set_value(True).run()
    assert at.sidebar.multiselect(key="w_status").value == ["delivered"]
    linked = app("app_pages/explorer.py", {"aid_kind": "masks"})
    assert linked.sidebar.toggle(key="w_more").value is True
    assert linked.sidebar.multiselect(key="w_aid_kind").value == ["masks"]


def test_tables_say_not_stated_for_empty_cells():
    """Every page table goes through coop_ui.table: an empty cell shows "—" (Streamlit wrote "None") and the header of
    a column with empty cells says what the dash means, in the language."""
    for page in ROOT.glob("app_pages/*.py"):
        assert "st.dataframe(" not in page.read_text(encoding="utf-8"), page.name
    for lang, words in (("en", "not stated in the source"), ("fr", "non précisé par la source")):
        at = app("app_pages/explorer.py", {"lang": lang})
        table = at.dataframe[0]
        assert table.proto.placeholder == "—"
        cfg = json.loads(table.proto.columns)
        empty = [c for c in table.value.columns if table.value[c].isna().any()]
        assert empty and all(words in cfg[c]["help"] for c in empty)
        assert not any("help" in cfg.get(c, {}) for c in table.value.columns if c not in empty)


def test_table_keeps_label_strings_and_hidden_columns(monkeypatch):
    """coop_ui.table adds the "not stated" help to columns with empty cells without losing a config given as a bare
    label string, and leaves a hidden (None) column hidden."""
    import pandas as pd

    import coop_ui

    seen = {}
    monkeypatch.setattr(coop_ui.tables.st, "dataframe", lambda data, **kw: seen.update(kw))
    monkeypatch.setattr(coop_ui.text, "lang", lambda: "fr")
    df = pd.DataFrame({"date_label": [None, "2020"], "x": [1, None], "gone": [None, 1], "full": [1, 2]})
    coop_ui.table(df, column_config={"date_label": "Date", "gone": None})
    cfg = seen["column_config"]
    assert cfg["date_label"] == {"label": "Date", "help": "— : non précisé par la source"}
    assert cfg["gone"] is None and cfg["x"]["help"].startswith("— :")
    assert cfg["full"] == {"label": "Full"} and cfg["x"]["label"] == "X"  # no raw field name as a header
    assert seen["placeholder"] == "—" and seen["hide_index"] is True


def test_page_registry_matches_the_page_files():
    """Every file in app_pages/ is registered once, and every registered page has its file and its label."""
    from coop_data.i18n import t

    files = sorted(p.name for p in (ROOT / "app_pages").glob("*.py"))
    assert sorted(p.file.removeprefix("app_pages/") for p in pages.PAGES) == files
    assert len({p.slug for p in pages.PAGES}) == len(pages.PAGES)
    for p in pages.PAGES:  # strict mode (conftest) raises on a missing key or translation
        assert all(t(p.label_key, lg) for lg in ("en", "fr", "es"))


@pytest.mark.parametrize(
    "page,params,says",
    [
        ("app_pages/home.py", {"lang": "de"}, "Ignored unknown language 'de'"),
        ("app_pages/story.py", {"story": "shipped", "scene": "99"}, "There is no scene '99'"),
        ("app_pages/story.py", {"story": "shipped", "scene": "two"}, "There is no scene 'two'"),
    ],
)
def test_unknown_language_or_scene_in_the_url_gets_a_notice(page, params, says):
    at = app(page, params)
    assert any(says in w.value for w in at.warning), [w.value for w in at.warning]
    assert not at.exception
