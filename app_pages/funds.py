"""Network funds: emergency funds with amount and qualifier, beneficiaries, network profiles, chapter figures."""

import pandas as pd
import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext, export, i18n
from coop_data import answers as A
from coop_data.figures import flow_map
from coop_data.figures.common import measure_words

T, num = ui.T, ui.num
flt, view = ui.current()
b = ui.bundle()
lg = ui.lang()
f = ui.base_bundle().funds
st.title(T("funds.title"))
if ui.scope()[0]:
    st.caption(T("funds.bundled_only"))


def amount(r) -> str:
    return (
        T("funds.not_stated")
        if pd.isna(r["amount"])
        else alttext.qualified(r["amount"], r["amount_qualifier"], r["currency"], lg)
    )


def number(x, years: bool = False):
    """A number as the viewer's language writes it (cents kept where stated); a year without separators."""
    if pd.isna(x) or x == "":
        return None  # shown as "—"
    if years:
        return str(int(x))
    return num(x, 0 if float(x) == round(float(x)) else 2)


def eur(x):
    return None if pd.isna(x) else alttext.qualified(x, "exact", "EUR", lg)


def launched(v: str):
    """A launch date ("2020-04-17", "2020-03" or a year) in the viewer's language."""
    v = str(v)
    if len(v) in (7, 10):
        return i18n.month(v if len(v) == 10 else v + "-01", lg, day=len(v) == 10)
    return v or None


NUMBERS = ("amount", "beneficiaries_count", "members_count", "member_countries_count", "flows_linked")
YEARS = ("founded_year", "year")


def shown(df: pd.DataFrame, **config) -> None:
    """A table as the viewer reads it: headers in the language (funds.f_<field>, else the given label), numbers and
    dates written as the language writes them, aid kinds in words, sources as links. The data keeps its field names
    (the downloads and the data dictionary match)."""
    fmt = {c: df[c].map(number) for c in NUMBERS if c in df}
    fmt |= {c: df[c].map(lambda x: number(x, years=True)) for c in YEARS if c in df}
    if "launch_date" in df:
        fmt["launch_date"] = df["launch_date"].map(launched)
    if "network" in df:  # a city's own programme is recorded "(city programme) Barcelona City Council"
        mark = f"({T('ans.kind_city_programme')})"
        fmt["network"] = df["network"].astype(str).str.replace("(city programme)", mark, regex=False)
    if "recipient_country" in df and "recipient_country_iso3" in df:
        names = zip(df["recipient_country_iso3"], df["recipient_country"])
        fmt["recipient_country"] = [i18n.country_name(c, lg, n) if c else n for c, n in names]
    df = ui.categories_in_language(ui.dates_in_language(df.assign(**fmt))).drop(
        columns=["recipient_country_iso3"], errors="ignore"
    )
    cfg = {c: T(f"funds.f_{c}") for c in df.columns if f"funds.f_{c}" in i18n.CATALOG}
    cfg |= config
    if "source_url" in df:
        cfg["source_url"] = st.column_config.LinkColumn(T("col.source"))
    ui.table(df, hide_index=True, column_config=cfg)


money = f[f["kind"].isin(["fund", "city_programme"]) | f["amount"].notna()].copy()
money["stated"] = money.apply(amount, axis=1)
st.subheader(T("funds.money_head"))
st.caption(T("funds.versions"))
cols = ["fund_id", "network", "fund_name", "launch_date", "stated", "beneficiaries_count"]
cols += ["beneficiaries_description", "target_region", "version_group", "is_current_version", "source_url"]
shown(money[cols], stated=T("funds.col_amount"), is_current_version=T("funds.col_counted"))
tot = aggregate.funds_total(f)
shown(tot, amount=T("funds.col_total"))

# Cross-check per fund (as SankeyMATIC checks a node's in against its out): announced against found in the data.
st.subheader(T("funds.check_head"))
check = A.fund_crosscheck(f, ui.base_bundle().flows)
st.caption(T("funds.check_note"))


check_cols = ["fund", "announced", "found", "difference", "share_found", "flows_linked", "flows_with_money"]
shown(
    check.assign(
        fund=check["fund_id"].map(A.fund_names(f)),
        announced=check.apply(
            lambda r: alttext.qualified(r["announced"], r["amount_qualifier"], r["currency"], lg), axis=1
        ),
        found=check["found"].map(eur),
        difference=check["difference"].map(eur),
        share_found=check["share_found"].map(lambda x: None if pd.isna(x) else f"{num(x * 100, 1)} %"),
        flows_with_money=check["flows_with_money"].map(number),
    )[[*check_cols, "fund_id"]],
    **{c: T(f"funds.check_{c}") for c in check_cols},
)
linked_urls = set(ui.base_bundle().flows.loc[lambda d: d["fund_id"] != "", "source_url"])
st.caption(
    T(
        "funds.chart_source",
        n=num(len(linked_urls | set(f["source_url"]))),
        data=T("data.bundled", version=export.VERSION),
    )
)
st.download_button(
    T("ans.table_csv"),
    data=lambda: check.to_csv(index=False).encode("utf-8"),
    file_name="funds-crosscheck.csv",
    mime="text/csv",
    key="funds-check-numbers",
)

st.subheader(T("funds.prog_head"))
prog = f[f["kind"] == "programme"]
shown(
    prog[
        [
            "fund_id",
            "network",
            "fund_name",
            "launch_date",
            "beneficiaries_description",
            "summary",
            "source_url",
        ]
    ]
)

st.subheader(T("funds.where_head"))
linked = view[view["fund_id"] != ""]
if linked.empty:
    st.info(T("funds.none_linked"))
else:
    fig, note = flow_map(
        linked,
        "flows",
        T("funds.map_title"),
        f"{flt.describe(b.countries, lg)} {measure_words(T('measure.flows').lower(), T('unit.flows'), lg)} {T('funds.map_note')}",
        ui.source_line(linked),
        choropleth="received",
        height=480,
        lang=lg,
    )
    ui.chart(fig, "funds-map", geo=True, alt=alttext.flows_summary(linked, "flows", lang=lg))
    cols = ["record_id", "fund_id", "donor_name", "recipient_name", "recipient_country", "aid_kind", "amount"]
    shown(linked[[*cols, "currency", "date_label", "source_url", "recipient_country_iso3"]])

st.subheader(T("funds.profiles_head"))
prof = f[(f["kind"] == "network_profile") | f["members_count"].notna() | f["founded_year"].notna()]
cols = ["fund_id", "network", "network_full_name", "founded_year", "members_count", "member_countries_count"]
shown(prof[[*cols, "summary", "source_url"]])
st.subheader(T("funds.chapter_head"))
facts = ui.base_bundle().facts
facts = facts[facts["topic"].isin(["fund", "network"])].copy()
facts["stated"] = facts.apply(
    lambda r: "" if pd.isna(r["value"]) else alttext.qualified(r["value"], r["qualifier"], r["unit"], lg),
    axis=1,
)
cols = ["fact_id", "subject", "fact", "stated", "year", "cited_in_chapter_as", "found_in_dossier"]
shown(facts[cols], stated=T("funds.col_value"))
st.caption(T("funds.chapter_source"))
