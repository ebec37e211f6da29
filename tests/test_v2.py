"""The second research round (v2/flows_v2.csv) as bundled: every row accounted for, quotes kept out,
domestic flows outside the international directions, statuses by one table, counts by research area."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from conftest import DOSSIER, ROOT, by_id
from coop_data import classify, vocab
from coop_data.load import DATA

sys.path.insert(0, str(ROOT / "tools"))
import curate_v2

V2 = DOSSIER / "v2" / "flows_v2.csv"


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(V2, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def v2(flows):
    return flows[flows["slice"] == "v2"]


def test_every_v2_row_is_bundled_or_excluded_with_a_reason(raw, flows, bundle):
    assert len(raw) == 194
    ex = bundle.excluded_flows
    bundled = set(flows.loc[flows["slice"] == "v2", "record_id"])
    excluded = set(ex["record_id"])
    assert bundled | excluded == set(raw["record_id"]) and not bundled & excluded
    assert len(bundled) == 190 and excluded == {"CN-5007", "CN-5009", "WD-2012", "WD-2028"}
    assert ex.set_index("record_id").loc[list(excluded), "reason"].str.len().gt(40).all()
    assert bundle.meta["dossier_row_counts"]["v2/flows_v2.csv"] == 194


def test_bundled_rows_keep_the_dossier_values(raw, v2):
    r = raw.set_index("record_id").loc[v2["record_id"]]
    for col in ("summary", "donor_name", "recipient_name", "date", "aid_kind", "currency"):
        assert (r[col].values == v2[col].values).all(), col
    # source addresses lose only their tracking parameters (issue 15, error 10; the original is in sources)
    import curate

    assert (r["source_url"].map(curate.clean_url).values == v2["source_url"].values).all()


def test_no_evidence_quote_in_the_bundled_data(raw):
    """The quotes are for checking records against their pages: neither the column nor any quote is bundled."""
    quotes = [q for q in raw["evidence_quote"] if len(q) >= 40]
    assert len(quotes) > 150
    for path in sorted(DATA.glob("*.csv")) + [DATA / "datapackage.json"]:
        text = path.read_text(encoding="utf-8")
        assert "evidence_quote" not in text, path.name
        if path.suffix == ".csv":
            assert "status_hint" not in text.splitlines()[0], path.name  # turned into `status`, not bundled
        leaked = [q[:60] for q in quotes if q in text]
        assert not leaked, (path.name, leaked[:2])


@pytest.mark.parametrize("scheme", ["income", "economy"])
def test_domestic_rows_are_outside_the_international_directions(bundle, raw, scheme):
    dom = raw[
        (raw["donor_country_iso3"] == raw["recipient_country_iso3"]) & (raw["donor_country_iso3"] != "")
    ]
    assert len(dom) == 18 and set(dom["donor_country_iso3"]) == {"BRA"}
    f = bundle.with_scheme(scheme)
    d = f[f["record_id"].isin(dom["record_id"])]
    assert len(d) == 18 and set(d["direction"].astype(str)) == {"domestic"}
    assert (f["direction"].astype(str) == "domestic").sum() == 18  # and no other flow is domestic
    intl = f[f["direction"].astype(str).isin(classify.INTERNATIONAL)]
    assert not (intl["donor_country_iso3"] == intl["recipient_country_iso3"]).any()
    assert "domestic" not in classify.INTERNATIONAL


def test_counts_by_research_area(raw, v2):
    assert raw["research_area"].value_counts().to_dict() == {
        "2021": 85,
        "north_north": 44,
        "north_south": 35,
        "south": 30,
    }
    assert v2["research_area"].value_counts().to_dict() == {
        "2021": 83,
        "north_north": 44,
        "north_south": 35,
        "south": 28,
    }
    assert (v2["research_area"] != "").all()


def test_status_from_the_hint_table(raw, v2):
    assert v2["status"].astype(str).value_counts().to_dict() == {
        "delivered": 153,
        "planned": 19,
        "unknown": 7,
        "announced": 8,
        "cancelled": 3,
    }
    assert by_id(v2, "WD-6001")["status"] == "announced"  # offered: Matsumoto wanted to help, no flights
    assert by_id(v2, "WD-2022")["status"] == "announced"  # pledged: Hanoi "has decided to provide"
    assert by_id(v2, "WD-4023")["status"] == "cancelled"
    # the hint goes through the one status rule (tools/curate.py, issue 15), which cites it
    assert v2["status_basis"].str.startswith("rule: research status hint").all()
    with pytest.raises(ValueError, match="status_hint"):
        curate_v2.status_of(pd.Series(["delivered", "maybe"]))


def test_aggregates_calls_for_projects_and_doubts_stay_visible(v2):
    assert by_id(v2, "WD-1019")["is_aggregate"] and by_id(v2, "WD-1019")["date"] == ""
    net = v2[(v2["recipient_level"] == "network") | (v2["donor_level"] == "network")]
    assert len(net) > 40 and net["is_aggregate"].all()
    assert (v2["parent_id"] == "").all()  # no v2 row is linked: its possible overlaps are planned gifts
    assert set(v2.loc[v2["aid_kind"] == "grant_call", "record_id"]) == {
        "WD-3004",
        "WD-3016",
        "WD-3021",
        "WD-3025",
        "WD-3027",
        "WD-3030",
        "WD-3031",
    }
    assert "inferred" in by_id(v2, "WD-1017")["research_note"]
    assert by_id(v2, "WD-1018")["date"] == "" and "2021" in by_id(v2, "WD-1018")["research_note"]
    assert "WD-1019" in by_id(v2, "WD-1003")["research_note"]


def test_non_city_and_national_donors_are_kept_with_their_level(v2):
    assert by_id(v2, "WD-4007")["donor_level"] == "association"  # Rotary Sasayama, city link since 1972
    assert by_id(v2, "WD-2001")["donor_level"] == "national_government"  # Cuba -> Crema hospital
    assert by_id(v2, "WD-2013")["direction"] == "south_south"  # Venezuela -> Amazonas, Jan 2021 (FY2021)


def test_v2_sources_are_listed_with_publisher_and_mirrors_flagged(bundle, v2):
    src = bundle.sources.set_index("url")
    assert set(v2["source_url"]) <= set(src.index)
    assert (src.loc[list(set(v2["source_url"])), "publisher"] != "").all()
    assert (
        src.at[by_id(v2, "CN-2007")["source_url"], "reliability"] == "mirror_copy"
    )  # machine-translated scrape
    assert src.at[by_id(v2, "CN-1001")["source_url"], "reliability"] == "mirror_copy"  # jiangsulong reprint
    assert src.at[by_id(v2, "WD-3018")["source_url"], "reliability"] == "original"


def test_v2_actors_are_placed_by_the_shared_rule(bundle, v2):
    a = bundle.actors.set_index("actor_id")
    manaus = a.loc[by_id(v2, "WD-2013")["recipient_actor_id"]]
    assert manaus["country_iso3"] == "BRA" and manaus["placement"] != "unplaced"
    ids = set(v2["donor_actor_id"]) | set(v2["recipient_actor_id"])
    placed = a.loc[list(ids), "placement"].ne("unplaced").mean()
    assert placed > 0.9


@pytest.mark.parametrize("lang,label", [("en", "Domestic (one country)"), ("fr", "Intérieur (un seul pays)")])
def test_the_map_draws_domestic_flows_in_their_own_legend_entry(flows, lang, label):
    """Seen on the map page with ?direction=domestic: the Manaus transfers get their own colour and name."""
    from coop_data.figures.flowmap import flow_map

    dom = flows[flows["direction"].astype(str) == "domestic"]
    fig, _ = flow_map(dom, "flows", "t", "s", "src", lang=lang)
    names = {tr.name for tr in fig.data if tr.name}
    assert any(n.startswith(label) for n in names)
    assert not any(n.startswith(("South", "Sud", "North", "Nord")) for n in names)
    colours = {tr.line.color for tr in fig.data if getattr(tr, "line", None) is not None and tr.line.color}
    assert vocab.DIRECTIONS["domestic"] in colours


def test_the_methods_gaps_text_matches_the_exclusions(bundle):
    """The Methods page says how many second-round records were excluded and what was still not found."""
    from coop_data import i18n

    for lang in ("en", "fr", "es"):
        text = i18n.t("me.gaps", lang)
        assert f"{len(bundle.excluded_flows)} " in text and "Mercociudades" in text and "2008" in text


def test_the_explorer_shows_the_research_note():
    """An inferred year stays visible next to the record (WD-1017: '28 December' printed without a year)."""
    from test_app import app

    at = app("app_pages/explorer.py", {"donor_country": "KOR"})
    df = at.dataframe[0].value.set_index("record_id")
    assert "inferred" in df.at["WD-1017", "research_note"]
    assert "evidence_quote" not in df.columns
