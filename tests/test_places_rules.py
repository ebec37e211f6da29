"""Place choice (issue 15, errors 1 and 2): same-named places decided by the province a record names,
ambiguous where nothing decides, and one point per province (its capital)."""

import pandas as pd
import pycountry
import pytest

from coop_data import placement, places
from coop_data.load import DATA


@pytest.fixture(scope="module")
def partnerships():
    return pd.read_csv(DATA / "partnerships.csv", keep_default_na=False, na_values=[""]).set_index(
        "partnership_id"
    )


def side_actor(bundle, rid, city):
    """The actor of record `rid` whose city is `city` (donor or recipient side)."""
    f = bundle.flows[bundle.flows["record_id"] == rid].iloc[0]
    side = "donor" if f["donor_city"] == city else "recipient"
    assert f[f"{side}_city"] == city, (rid, city)
    return bundle.actors.set_index("actor_id").loc[f[f"{side}_actor_id"]]


def admin1_of(geonameid) -> str:
    g = places.gazetteer()
    return str(g.loc[g["geonameid"] == int(geonameid), "admin1"].iloc[0])


@pytest.mark.parametrize("rid", ["CN-0008", "CN-0037", "CN-0040", "CN-0206", "CN-0207"])
def test_taizhou_records_are_in_zhejiang(bundle, rid):
    a = side_actor(bundle, rid, "Taizhou")
    assert a["placement"] == "city"
    assert a["latitude"] == pytest.approx(28.66, abs=0.05) and a["longitude"] == pytest.approx(
        121.43, abs=0.05
    )
    assert admin1_of(a["geonameid"]) == "02" and places.admin1_name("CHN", "02") == "Zhejiang"
    assert "in Zhejiang" in a["place_note"]


def test_taizhou_partnerships_named_with_or_beside_zhejiang(partnerships):
    for pid in ("PC-147", "PC-148", "PC-149"):
        assert partnerships.at[pid, "latitude_a"] == pytest.approx(28.66, abs=0.05), pid
        assert partnerships.at[pid, "longitude_a"] == pytest.approx(121.43, abs=0.05), pid
    # Fort Wayne's Taizhou: nothing in the data names its province, so it is not drawn (not Jiangsu by default).
    assert pd.isna(partnerships.at["PC-146", "latitude_a"])


@pytest.mark.parametrize("rid", ["CN-0045", "CN-0106"])
def test_kashima_is_in_ibaraki(bundle, rid):
    a = side_actor(bundle, rid, "Kashima")
    assert a["latitude"] == pytest.approx(35.97, abs=0.05) and a["longitude"] == pytest.approx(
        140.64, abs=0.05
    )
    assert places.admin1_name("JPN", admin1_of(a["geonameid"])) == "Ibaraki"


def test_kashima_partnership_is_in_ibaraki(partnerships):
    assert partnerships.at["PC-172", "latitude_b"] == pytest.approx(35.97, abs=0.05)


def test_kumano_is_in_mie(bundle, partnerships):
    a = side_actor(bundle, "WD-0079", "Kumano")
    assert places.admin1_name("JPN", admin1_of(a["geonameid"])) == "Mie"
    assert "in Mie, by a curated hint" in a["place_note"] and "positanonews.it" in a["place_note"]
    g = places.candidates("Kumano", "JPN").set_index("geonameid")
    assert (a["latitude"], a["longitude"]) == (g.at[a["geonameid"], "lat"], g.at[a["geonameid"], "lon"])
    assert partnerships.at["PW-040", "latitude_a"] == pytest.approx(a["latitude"])


def test_qinglong_county_is_in_guizhou_not_chongqing(bundle):
    a = side_actor(bundle, "CN-0233", "Qinglong")
    assert a["placement"] == "admin1_capital"
    assert admin1_of(a["geonameid"]) == "18" and a["gazetteer_name"] == "Guiyang"
    assert "Dejiang" in a["place_note"]  # why the gazetteer's one Guizhou 'Qinglong' was set aside


def test_chuanshan_is_ambiguous_not_drawn(bundle):
    a = side_actor(bundle, "CN-0190", "Chuanshan")
    assert a["placement"] == "ambiguous" and pd.isna(a["latitude"]) and pd.isna(a["geonameid"])
    r = bundle.flows[bundle.flows["record_id"] == "CN-0190"].iloc[0]
    assert pd.isna(r["donor_lat"])


def test_no_choice_among_same_named_places_is_silent(bundle):
    a = bundle.actors.fillna({"city": "", "country_iso3": ""})
    base = a["city"].map(lambda c: placement.split_qualifier(c)[0])
    n = places.resolve(base, a["country_iso3"].where(a["country_iso3"] != ""))["n_candidates"]
    many = a[n.gt(1) & a["latitude"].notna() & a["city"].ne("")]
    assert len(many) > 50
    explained = many["place_note"].str.contains(
        "places of that name in the country: |chosen by the user"
    ) | many["placement"].eq("admin1_capital")
    assert explained.all(), many.loc[~explained, ["name", "place_note"]]
    assert not many["place_note"].str.contains("most populous taken").any()
    amb = a[a["placement"] == "ambiguous"]
    assert len(amb) >= 2 and amb["latitude"].isna().all()
    assert set(amb["city"]) >= {"Chuanshan", "Sayama"}


PROVINCES = ("Hubei", "Guangxi", "Sichuan", "Shandong", "Zhejiang", "Heilongjiang", "Fujian", "Anhui")


def test_no_chinese_province_sits_at_the_country_point(bundle):
    a = bundle.actors
    prov = a[(a["country_iso3"] == "CHN") & (a["level"] == "province")]
    assert len(prov) > 20
    assert (prov["placement"] != "country_point").all(), prov.loc[
        prov["placement"] == "country_point", "name"
    ]
    china = bundle.countries.set_index("iso3").loc["CHN"]
    f = bundle.flows
    for side in ("donor", "recipient"):
        at_point = (f[f"{side}_lat"] == china["lat"]) & (f[f"{side}_level"] == "province")
        assert not at_point.any(), f.loc[at_point, "record_id"].tolist()


@pytest.mark.parametrize("province", PROVINCES)
def test_each_province_has_one_point_its_capital(bundle, province):
    a = bundle.actors
    code = next(c for c, p in places._admin1_patterns("CHN") if p.search(places.norm(province)))
    cap = places.admin1_capital("CHN", code)
    own = a[
        (a["country_iso3"] == "CHN")
        & (a["level"] == "province")
        & a["name"].map(lambda n: places.admin1_named(n, "CHN") == {code})
        & (a["city"].isin(["", cap["name"]]))
    ]
    assert len(own) >= 1
    points = set(zip(own["latitude"].round(4), own["longitude"].round(4)))
    assert points == {(round(cap["lat"], 4), round(cap["lon"], 4))}, own[["name", "city", "placement"]]
    assert (own.loc[own["city"] == "", "placement"] == "admin1_capital").all()


def test_admin1_table_capitals_lie_in_their_province_and_names_are_iso_subdivisions():
    t = places.admin1_table()
    t = t[t["capital_geonameid"].notna()]
    assert len(t[t["country_iso3"].isin(["CHN", "JPN"])]) == 31 + 47
    for r in t.itertuples():
        assert admin1_of(r.capital_geonameid) == r.admin1_code, r.name
    for iso2, iso3 in (("CN", "CHN"), ("JP", "JPN")):
        sub = " | ".join(places.norm(s.name) for s in pycountry.subdivisions.get(country_code=iso2))
        for r in t[t["country_iso3"] == iso3].itertuples():
            assert places.norm(r.name) in sub or any(
                places.norm(x) in sub for x in r.aliases.split(";") if x
            ), r
    n = t.groupby("country_iso3")["admin1_code"].nunique()
    assert (n["CHN"], n["JPN"]) == (31, 47)


def test_rule_reads_province_names_as_words_not_inside_the_place_name():
    assert places.admin1_named("Truman Medical Centers, Kansas City", "USA", "Kansas City") == set()
    assert places.admin1_named("Taizhou (Zhejiang)", "CHN") == {"02"}
    assert places.admin1_named("Shanxi", "CHN") == {"24"}  # not Shaanxi
    assert placement.split_qualifier("Halle (Saale)") == ("Halle (Saale)", "")


def test_rule_outcomes_on_real_gazetteer_entries():
    assert placement.choose("Taizhou", "CHN").kind == "ambiguous"
    both = placement.choose("Taizhou", "CHN", context="Zhejiang and Jiangsu partners")
    assert both.kind == "ambiguous" and "both" in both.how
    j = placement.choose("Taizhou", "CHN", stated="Taizhou Municipal Government (Jiangsu)")
    assert j.kind == "place" and j.row["admin1"] == "04"
    s = placement.choose("Shenzhen", "CHN")
    assert s.kind == "place" and "5 times" in s.how
    c = placement.choose("Changsha", "CHN")
    assert c.kind == "place" and "capital of Hunan" in c.how


def test_upload_uses_the_same_rule():
    """The importer places uploaded actors with place_actors: a province in the name decides there too."""
    from coop_data.load import load_bundle

    rows = pd.DataFrame(
        {
            "donor_name": ["Taizhou Municipal Government (Jiangsu)", "Taizhou city"],
            "donor_level": ["city", "city"],
            "donor_city": ["Taizhou", "Taizhou"],
            "donor_country_iso3": ["CHN", "CHN"],
            "recipient_name": ["Anhui Province", "Kumano"],
            "recipient_level": ["province", "city"],
            "recipient_city": ["", "Kumano"],
            "recipient_country_iso3": ["CHN", "JPN"],
        }
    )
    a = placement.place_actors(placement.actors_of(rows), load_bundle().countries).set_index("name")
    assert admin1_of(a.at["Taizhou Municipal Government (Jiangsu)", "geonameid"]) == "04"
    assert a.at["Taizhou city", "placement"] == "ambiguous"
    assert (
        a.at["Anhui Province", "placement"] == "admin1_capital"
        and a.at["Anhui Province", "gazetteer_name"] == "Hefei"
    )
    assert a.at["Kumano", "placement"] == "ambiguous"


def test_import_questions_carry_the_rule_pick():
    """The import page preselects the rule's pick, or 'leave unplaced' where the rule finds the name ambiguous."""
    from coop_data import importer

    t = pd.DataFrame(
        {
            "donor_name": ["Taizhou Municipal Government (Zhejiang)", "City of Frankfurt", "Kumano town"],
            "donor_city": ["Taizhou", "Frankfurt", "Kumano"],
            "donor_country_iso3": ["CHN", "DEU", "JPN"],
            "recipient_name": ["x", "y", "z"],
            "recipient_city": ["", "", ""],
            "recipient_country_iso3": ["POL", "POL", "ITA"],
        }
    )
    amb, _ = importer.place_questions(t, pd.Series([2, 3, 4], index=t.index))
    pick = amb.set_index("key")["rule_pick"]
    assert admin1_of(pick["taizhou|CHN"]) == "02"
    assert (
        places.gazetteer().query("geonameid == @pick['frankfurt|DEU']")["name"].iloc[0] == "Frankfurt am Main"
    )
    assert pick["kumano|JPN"] is None


@pytest.mark.parametrize(
    "lang, head", [("en", "Place choice"), ("fr", "Choix du lieu"), ("es", "Elección del lugar")]
)
def test_methods_page_explains_place_choice_and_lists_ambiguous_names(lang, head):
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/methods.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert head in text and "Taizhou" in text and "admin1_capital" in text
    listed = next(d.value for d in at.dataframe if "place_note" in d.value)
    amb = listed[listed["placement"] == "ambiguous"]
    assert listed["placement"].iloc[0] == "ambiguous"  # listed first
    assert set(amb["city"]) == {"Chuanshan", "Sayama"}


NAMES = [
    ("Taizhou", "CHN"),
    ("Kumano", "JPN"),
    ("Kashima", "JPN"),
    ("Springfield", "USA"),
    ("Saint-Denis", "FRA"),
]


@pytest.mark.parametrize("name,iso3", NAMES)
def test_the_rule_reads_the_same_candidates_as_the_table(name, iso3):
    """The place rule reads cached plain records (issue 18): the same places, in the same order, as `candidates`."""
    table = places.candidates(name, iso3)
    rows = places.candidate_rows(name, iso3)
    assert len(rows) == len(table) > 1
    cols = ["geonameid", "name", "admin1", "population", "lat", "lon", "primary"]
    assert [tuple(r[c] for c in cols) for r in rows] == list(table[cols].itertuples(index=False, name=None))


def test_resolve_through_the_key_index_counts_and_picks_as_the_candidates():
    names = pd.Series([n for n, _ in NAMES] + ["Taizhou", "Nowhere-on-earth", ""])
    iso = pd.Series([i for _, i in NAMES] + ["", "DEU", "FRA"])
    res = places.resolve(names, iso.where(iso != ""))
    for i, (name, iso3) in enumerate(NAMES):
        c = places.candidates(name, iso3)
        assert res.at[i, "n_candidates"] == len(c) and res.at[i, "geonameid"] == c.at[0, "geonameid"]
    assert res["n_candidates"].tail(3).tolist() == [0, 0, 0] and res["latitude"].tail(3).isna().all()


def test_a_cached_choice_is_a_fresh_answer_each_time():
    """The no-evidence choice is cached per name; changing one answer does not change the next."""
    first = placement.choose("Taizhou", "CHN")
    first.how = "changed by a caller"
    again = placement.choose("Taizhou", "CHN")
    assert again.kind == "ambiguous" and again.how.startswith("no province named") and again is not first
