"""Error 4 of issue 15: North/South from the World Bank income group in force at the flow's date."""

from __future__ import annotations

import json
import sys

import pandas as pd
import pytest

from conftest import ROOT, by_id
from coop_data import classify
from coop_data.load import DATA
from coop_data.schema import TABLES
from coop_data.validate import check

sys.path.insert(0, str(ROOT / "tools"))
import wb_income

# An independent copy of the FY2023 high-income list (wbopendata's wbopendata_incomelevel.sthlp, "as of
# 24jan2023"), to check the vendored OGHIST sheet against a second source.
FY2023_HIGH_INCOME = set(
    "AND ATG ABW AUS AUT BHS BHR BRB BEL BMU VGB BRN CAN CYM CHI CHL HRV CUW CYP CZE DNK EST FRO FIN FRA PYF DEU "
    "GIB GRC GRL GUM HKG HUN ISL IRL IMN ISR ITA JPN KOR KWT LVA LIE LTU LUX MAC MLT MCO NRU NLD NCL NZL MNP NOR "
    "OMN PAN POL PRT PRI QAT ROU SMR SAU SYC SGP SXM SVK SVN ESP KNA MAF SWE CHE TWN TTO TCA ARE GBR USA URY "
    "VIR".split()
)


@pytest.fixture(scope="module")
def wb(bundle):
    return bundle.wb_income


def test_the_shipped_lists_are_rebuilt_from_the_world_bank_sheet(wb):
    rebuilt = wb_income.build()
    shipped = pd.read_csv(DATA / "wb_income.csv", dtype=str, keep_default_na=False)
    assert shipped.equals(rebuilt.astype(str))
    assert sorted(wb["fiscal_year"].unique()) == list(range(2018, 2026))
    # 218 economies; Venezuela has no group from FY2022 on
    assert wb.groupby("fiscal_year").size().to_dict() == {
        y: 218 if y < 2022 else 217 for y in range(2018, 2026)
    }
    assert wb["source"].str.contains("OGHIST").all()


def test_the_fy2023_list_agrees_with_an_independent_copy(wb):
    fy23 = wb[wb["fiscal_year"] == 2023]
    assert set(fy23.loc[fy23["income_group"] == "High income", "iso3"]) == FY2023_HIGH_INCOME


def test_wb_income_is_declared_once_in_the_schema():
    dp = json.loads((DATA / "datapackage.json").read_text())
    assert "wb_income" in {r["name"] for r in dp["resources"]} and "wb_income" in TABLES
    rep = check(pd.read_csv(DATA / "wb_income.csv", dtype=str, keep_default_na=False), TABLES["wb_income"])
    assert rep.valid_rows == 4 * 218 + 4 * 217 and rep.header_ok


@pytest.mark.parametrize(
    "date,expected",
    [
        ("2019-03", "FY2019"),  # imported data before the bundled period still finds its list
        ("2020-06-30", "FY2020"),
        ("2020-07-01", "FY2021"),
        ("2020-07", "FY2021"),
        ("2021-06", "FY2021"),
        ("2020", "FY2020–FY2021"),
        ("", "FY2020–FY2022"),  # undated: the data's period, 2020–2021
    ],
)
def test_fiscal_years_of_a_date(bundle, date, expected):
    assert classify.fiscal_label(pd.Series([date]))[0] == expected
    assert classify.dated_groups(pd.Series(["DEU"]), pd.Series([date]), bundle.countries)[0] == "North"


def test_uruguay_to_brazil_is_north_south_at_its_dates(flows, bundle):
    """WD-0111/0112 were South→South with Natural Earth's 2010-12 groups; Uruguay is high income since FY2014."""
    for rid, basis in (("WD-0111", "FY2020"), ("WD-0112", "FY2021")):
        f = by_id(flows, rid)
        assert (f["donor_group"], f["recipient_group"], f["group_basis"]) == ("North", "South", basis)
        assert f["direction"] == "north_south"
    eco = bundle.with_scheme("economy").set_index("record_id")
    assert eco.at["WD-0111", "direction"] == "south_south"  # Natural Earth: an emerging region


def test_a_group_that_changes_within_the_date_leaves_the_flow_unclassified(bundle):
    """Synthetic flows (test data, not records): Romania is upper-middle in FY2020, high income in FY2021."""
    iso = pd.Series(["ROU", "ROU", "ROU"])
    g = classify.dated_groups(iso, pd.Series(["2020-03", "2020-08", "2020"]), bundle.countries)
    assert g.tolist()[:2] == ["South", "North"] and pd.isna(g[2])
    d = classify.direction(
        pd.Series(["DEU"] * 3),
        iso,
        pd.Series(["city"] * 3),
        donor_group=pd.Series(["North"] * 3),
        recipient_group=g,
    )
    assert d.tolist() == ["north_south", "north_north", "unclassified"]


def test_a_country_without_a_group_is_unclassified(bundle):
    """Synthetic: Venezuela has no World Bank group from FY2022 (July 2021) on."""
    g = classify.dated_groups(pd.Series(["VEN", "VEN"]), pd.Series(["2021-01", "2021-08"]), bundle.countries)
    assert g[0] == "South" and pd.isna(g[1])


def test_korea_hong_kong_macao_under_both_schemes(bundle):
    t = classify.special_cases(bundle.countries).set_index("iso3")
    for iso in ("KOR", "HKG", "MAC"):
        assert t.at[iso, "income"] == "North" and t.at[iso, "economy"] == "South"
        assert t.at[iso, "world_bank"].count("High income") == 8  # FY2018–FY2025
    assert t.at["TWN", "income"] == t.at["TWN", "economy"] == "North"
    assert (
        "Korea" in classify.SCHEMES["income"]["source"] and "Korea" in classify.SCHEMES["economy"]["source"]
    )


def test_every_flow_country_has_a_world_bank_group_at_its_date(flows):
    """No country in the data is missing from the lists (unclassified only for an unknown country)."""
    for side in ("donor", "recipient"):
        known = flows[f"{side}_country_iso3"] != ""
        assert flows.loc[known, f"{side}_group"].notna().all(), side
