"""Honest totals (issue 15, errors 3, 5 and 8): programme totals keep their rest, parent links match unit, kind,
date and place, the money headline is taken apart, and flows are counted one way everywhere."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from conftest import ROOT, by_id
from coop_data import aggregate, filters
from coop_data.load import DATA

MASKS_TOTALS = ("CN-0114", "CN-0180", "CN-0205", "CN-0216", "CN-0217", "CN-0280")


@pytest.fixture(scope="module")
def raw():
    """flows.csv as written by tools/curate.py, read without the library's enrichment."""
    return pd.read_csv(DATA / "flows.csv", dtype=str, keep_default_na=False).set_index("record_id")


def fam(units: pd.Series) -> pd.Series:
    return aggregate.unit_family(units)


# --- error 3: the rest of a programme total ------------------------------------------------------------------


def rest_from_rows(raw: pd.DataFrame, total_id: str) -> float:
    """Total minus its delivered listed details in the total's unit family, recomputed from the CSV."""
    t = raw.loc[total_id]
    kids = raw[(raw["parent_id"] == total_id) & (raw["status"] == "delivered")]
    same = kids[fam(kids["quantity_unit"]) == fam(pd.Series([t["quantity_unit"]]))[0]]
    return max(0.0, float(t["quantity"]) - pd.to_numeric(same["quantity"]).sum())


@pytest.mark.parametrize(
    "rid,total,details,rest",
    [
        ("CN-0280", 700_000, 20_000, 680_000),  # Suzhou: Venice
        ("CN-0217", 380_000, 30_000, 350_000),  # Harbin inbound: Užice 20,000 + Magdeburg 10,000
        ("CN-0216", 36_600, 21_000, 15_600),  # Harbin outbound: Asahikawa 17,000 + Noceva 4,000
    ],
)
def test_programme_total_counts_its_rest(flows, raw, rid, total, details, rest):
    r = by_id(flows, rid)
    assert r["overlaps_details"] and not r["counted"] and r["rest_of_programme"]
    assert r["quantity"] == total and r["rest_quantity"] == rest == rest_from_rows(raw, rid)
    assert r["counted_quantity"] == rest and total - rest == details


@pytest.mark.parametrize(
    "rid,total,rest",
    [
        ("CN-0205", 1_500_000, 1_480_000),  # Shenzhen: "was arranging … (being arranged at time of report)"
        ("CN-0180", 160_000, 150_000),  # Hangzhou: "allocated (planned at time of report)"
    ],
)
def test_a_planned_total_computes_its_rest_but_adds_nothing(flows, raw, rid, total, rest):
    """Issue 15's status rule (error 6) reads these two totals as planned: their details (Poznań, Leeds) are
    delivered and counted, the rest of the programme is not reported delivered and is not added."""
    r = by_id(flows, rid)
    assert r["status"] == "planned" and r["overlaps_details"] and not r["rest_of_programme"]
    assert r["rest_quantity"] == rest == rest_from_rows(raw, rid) and r["quantity"] == total
    assert pd.isna(r["counted_quantity"])


def test_masks_and_money_no_detail_carries_are_counted(flows):
    """The old rule dropped whole totals: 2,775,600 masks and EUR 476,001 that no detail row carries."""
    six = flows[flows["record_id"].isin(MASKS_TOTALS)]
    delivered = six[six["status"].astype(str) == "delivered"]  # CN-0180 and CN-0205 are planned (status rule)
    assert (delivered["counted"] | delivered["rest_of_programme"]).all() and len(delivered) == 4
    # 2,775,600 when all six counted; the planned totals' rests (1,480,000 + 150,000) are not delivered
    assert six["counted_quantity"].sum() == 2_775_600 - 1_630_000
    money = flows[flows["record_id"].isin(["CN-0029", "CN-0114", "CN-0217"])]
    assert round(money["counted_eur"].sum()) == 476_001
    assert (money["counted_eur"] == money["amount_eur"]).all()  # no detail carries money
    h = aggregate.headline(flows)
    assert h["masks"] == pytest.approx(
        flows.loc[fam(flows["quantity_unit"]) == "masks", "counted_quantity"].sum()
    )
    # CN-0114 has no listed detail: counted whole
    assert h["masks_rest_of_programme"] == 2_775_600 - 1_630_000 - 100_000


def test_a_view_with_a_total_and_its_details_adds_the_total_once(flows):
    shenzhen = filters.Filter(city="Shenzhen").apply(flows)
    pair = shenzhen[shenzhen["record_id"].isin(["CN-0205", "CN-0034"])]
    assert len(pair) == 2
    # Poznań's delivered 20,000; the planned total's rest (1,480,000) is not added (issue 15 status rule)
    assert aggregate.measure_values(pair, "masks").sum() == 20_000


def synthetic_flows() -> pd.DataFrame:
    """Synthetic rows (made here, not data): a total of 100 masks with details of 60 and 70 masks, a detail in
    another unit, an announced detail, and a total that counts its partners."""
    rows = [
        ("T1", True, "", "delivered", 100, "masks", 500.0),
        ("D1", False, "T1", "delivered", 60, "masks", 100.0),
        ("D2", False, "T1", "delivered", 70, "surgical masks", None),
        ("D3", False, "T1", "delivered", 9, "gowns", None),
        ("D4", False, "T1", "announced", 50, "masks", 1000.0),
        ("T2", True, "", "delivered", 12, "recipient cities", None),
        ("D5", False, "T2", "delivered", 5, "masks", None),
        ("T3", True, "", "announced", 40, "masks", None),
        ("D6", False, "T3", "delivered", 15, "masks", None),
    ]
    cols = ["record_id", "is_aggregate", "parent_id", "status", "quantity", "quantity_unit", "amount_eur"]
    return pd.DataFrame(rows, columns=cols).astype({"quantity": float, "amount_eur": float})


def test_rest_is_per_unit_never_below_zero_and_needs_delivery():
    f = aggregate.add_counting(synthetic_flows()).set_index("record_id")
    assert (
        f.at["T1", "rest_quantity"] == 0
    )  # 100 - (60 + 70), never below zero; gowns and the offer not subtracted
    assert f.at["T1", "rest_eur"] == 400  # EUR 500 minus the delivered detail's EUR 100
    assert f.at["T1", "rest_of_programme"] and f.at["T1", "counted_eur"] == 400
    assert pd.isna(f.at["T2", "rest_quantity"]) and not f.at["T2", "rest_of_programme"]  # counts partners
    assert f.at["T3", "rest_quantity"] == 25 and pd.isna(f.at["T3", "counted_quantity"])  # not delivered
    assert f["counted"].tolist() == [False, True, True, True, False, False, True, False, True]
    # two datasets side by side whose index labels repeat (a merged view) give each row the same result
    one = synthetic_flows()
    two = one.assign(
        record_id=one["record_id"] + "b",
        parent_id=one["parent_id"].where(one["parent_id"] == "", one["parent_id"] + "b"),
    )
    both = aggregate.add_counting(pd.concat([one, two]))
    cols = ["rest_quantity", "rest_eur", "counted_quantity", "counted_eur", "rest_of_programme"]
    assert both.iloc[9:][cols].reset_index(drop=True).equals(both.iloc[:9][cols].reset_index(drop=True))
    assert both.iloc[:9][cols].reset_index(drop=True).equals(f[cols].reset_index(drop=True))


# --- error 3: parent links ---------------------------------------------------------------------------------------


def test_neiva_is_not_inside_xians_total_for_italy_iran_korea_philippines(flows):
    assert by_id(flows, "CN-0223")["parent_id"] == ""
    assert by_id(flows, "CN-0223")["recipient_country_iso3"] == "COL"


def test_rule_links_match_kind_or_unit_and_say_which(raw):
    rule = raw[raw["parent_basis"].str.startswith("rule:")]
    assert len(rule) > 0
    for rid, r in rule.iterrows():
        p = raw.loc[r["parent_id"]]
        if "same aid kind" in r["parent_basis"]:
            assert r["aid_kind"] == p["aid_kind"], rid
        else:
            units = fam(pd.Series([r["quantity_unit"], p["quantity_unit"]]))
            assert units[0] == units[1] != "" and r["quantity"] and p["quantity"], rid
            assert f"counted in the total's unit ({units[0]})" in r["parent_basis"], rid
    # the 19 kind-mismatched rule links of v0.1 are gone or justified by a shared unit
    odd = rule[[r["aid_kind"] != raw.at[r["parent_id"], "aid_kind"] for _, r in rule.iterrows()]]
    assert set(odd.index) == {"CN-0078", "CN-0081", "CN-0127", "CN-0149"}


def test_year_only_rows_are_not_attached_to_day_dated_totals(raw):
    kids = raw[raw["parent_basis"].str.startswith("rule:")]
    day_parent = kids["parent_id"].map(raw["date"]).str.len() == 10
    assert not (day_parent & (kids["date"].str.len() < 7)).any()
    for rid in ("CN-0006", "CN-0010", "CN-0018", "CN-0019"):  # year-only, once inside day-dated totals
        assert raw.at[rid, "parent_id"] == "", rid


def test_rule_links_respect_the_countries_a_total_names(raw):
    for rid in ("CN-0126", "CN-0127", "CN-0149", "CN-0195"):  # Harbin's total names their countries
        assert raw.at[rid, "parent_id"] == "CN-0216"
        assert "in a country the total names" in raw.at[rid, "parent_basis"]


def test_minsk_consignment_counted_once(flows):
    """CN-0225 (Guangdong's part, landed near Minsk 17 April) is inside CN-0228 (ten twinned provinces, 32 t)."""
    d, t = by_id(flows, "CN-0225"), by_id(flows, "CN-0228")
    assert d["parent_id"] == "CN-0228" and "same consignment" in d["parent_basis"]
    assert t["overlaps_details"] and not t["counted"] and d["counted"]
    assert t["counted_quantity"] == 32  # its tonnes, which the detail does not carry
    assert (
        aggregate.measure_values(flows[flows["record_id"].isin(["CN-0225", "CN-0228"])], "flows").sum() == 1
    )


# --- error 5: the money headline taken apart ----------------------------------------------------------------------


def test_money_split_mirror_share_and_largest_record(bundle, flows):
    mirror = aggregate.mirror_ids(bundle.sources)
    h = aggregate.headline(flows, mirror)
    assert h["eur_cash"] + h["eur_in_kind"] == pytest.approx(h["eur_delivered"])
    cash = flows[flows["aid_kind"].astype(str).isin(["cash", "grant_call"])]
    assert h["eur_cash"] == pytest.approx(cash["counted_eur"].sum())
    first_round = cash[cash["slice"].astype(str) != "v2"]  # the figure, made before the second round
    assert first_round["counted_eur"].sum() == pytest.approx(1_589_255.5)
    big = h["largest"]["eur"]
    assert big["record_id"] == "CN-0298" and big["dominant"] and big["share"] > 0.25
    assert big["value"] == pytest.approx(by_id(flows, "CN-0298")["amount_eur"], abs=0.01)
    assert by_id(flows, "CN-0298")["source_id"] in mirror
    on_mirror = flows[flows["source_id"].isin(mirror)]["counted_eur"].sum()
    assert h["eur_mirror"] == pytest.approx(on_mirror) and h["eur_mirror"] >= big["value"]
    for unit in ("eur", "masks", "patients"):  # named exactly when one record is over a quarter of the total
        assert h["largest"][unit]["dominant"] == (h["largest"][unit]["share"] > 0.25)


def test_exclude_mirror_leaves_mirror_rows_out_of_every_total(bundle, flows):
    mirror = aggregate.mirror_ids(bundle.sources)
    kept = aggregate.exclude_mirror(flows, bundle)
    assert len(kept) < len(flows) and not kept["source_id"].isin(mirror).any()
    assert "CN-0298" not in set(kept["record_id"])
    assert aggregate.exclude_mirror(flows, bundle.sources).equals(kept)
    h, hk = aggregate.headline(flows, mirror), aggregate.headline(kept, mirror)
    assert hk["eur_delivered"] == pytest.approx(h["eur_delivered"] - h["eur_mirror"])
    assert hk["masks"] == pytest.approx(h["masks"] - h["masks_mirror"])
    assert hk["eur_mirror"] == 0 and hk["largest"]["eur"]["record_id"] != "CN-0298"


# --- error 8: one flow count ----------------------------------------------------------------------------------------


def test_one_definition_of_flows_everywhere(flows):
    h = aggregate.headline(flows)
    assert h["records"] == len(flows) and h["flows"] + h["programme_totals"] == h["records"]
    assert (
        h["flows"]
        == aggregate.measure_values(flows, "flows").sum()
        == aggregate.by_direction(flows)["flows"].sum()
    )
    links = aggregate.node_table(flows, ["donor_region", "direction"], "flows", top_n=50)
    assert links["value"].sum() == h["flows"]  # the Sankey's first stage
    tl = aggregate.timeline(flows)
    in_months = flows["date_precision"].astype(str).isin(["day", "month"]) & flows["date_start"].notna()
    assert tl["flows"].sum() == (in_months & ~flows["overlaps_details"]).sum()


def test_home_says_records_and_flows_and_takes_the_money_apart(flows):
    from test_app import app

    at = app("app_pages/home.py", {})
    assert not at.exception
    m = {x.label: x.value for x in at.metric}
    h = aggregate.headline(flows)
    assert m["Flows"] == f"{h['flows']:,}" and {"Cash and grants (EUR)", "Valued in kind (EUR)"} <= set(m)
    text = " ".join(x.value for x in at.markdown)
    assert (
        f"{h['records']:,} records, of which {h['flows']:,} flows ({h['programme_totals']} programme totals"
        in text
    )
    share = h["largest"]["eur"]["share"] * 100  # 75.8 % before the second research round, 53.5 % with it
    assert f"One record is {share:.1f} % of the money: CN-0298" in text and "rests on mirror copies" in text
    # a view without CN-0298 does not name it
    ns = app("app_pages/home.py", {"direction": "north_south"})
    assert "CN-0298" not in " ".join(x.value for x in ns.markdown)


def test_methods_page_states_the_rest_rule_with_computed_figures():
    from test_app import app

    at = app("app_pages/methods.py", {})
    text = " ".join(x.value for x in at.markdown)
    # the example is a delivered total (CN-0205 is planned under the status rule): Suzhou's rest
    assert "**Rest of programme.**" in text and "CN-0280 adds 680,000 masks" in text
    fr = " ".join(x.value for x in app("app_pages/methods.py", {"lang": "fr"}).markdown)
    assert "**Reste de programme.**" in fr


# --- summary --json -----------------------------------------------------------------------------------------------


def test_summary_json_reports_coverage_split_mirror_and_largest():
    r = subprocess.run(
        [sys.executable, "-m", "coop_data", "summary", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    n = s["flow_count"]
    assert n["records"] == n["flows"] + n["programme_totals_with_details"]
    cov = s["coverage"]
    for part in ("by_direction", "by_year", "by_donor_region", "by_recipient_region"):
        assert sum(v["flows"] for v in cov[part].values()) == n["flows"], part
        assert sum(v["records"] for v in cov[part].values()) == n["records"], part
    assert {"2020", "2021", "undated"} <= set(cov["by_year"])
    assert s["flows_by_direction"] == {k: v["flows"] for k, v in cov["by_direction"].items() if v["flows"]}
    m = s["money"]
    assert m["cash_grants"]["eur"] + m["valued_in_kind"]["eur"] == pytest.approx(m["eur_delivered"], abs=0.02)
    assert m["cash_grants"]["share"] + m["valued_in_kind"]["share"] == pytest.approx(1, abs=1e-3)
    assert m["largest_record"]["record_id"] == "CN-0298" and m["largest_record"]["share"] > 0.25
    assert m["mirror_sourced"]["share"] >= m["largest_record"]["share"]
    # 2,675,600 before the status rule read CN-0205 and CN-0180 as planned (their rests: 1,630,000)
    assert s["totals_delivered"]["per_unit"]["masks"]["rest_of_programme"] == 1_045_600
    assert m["eur_delivered"] == s["totals_delivered"]["eur"]
