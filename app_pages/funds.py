"""Network funds: emergency funds with amount and qualifier, beneficiaries, network profiles, chapter figures."""

import pandas as pd
import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext, export
from coop_data import answers as A
from coop_data.figures import flow_map

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


money = f[f["kind"].isin(["fund", "city_programme"]) | f["amount"].notna()].copy()
money[T("funds.col_amount")] = money.apply(amount, axis=1)
money[T("funds.col_counted")] = money["is_current_version"]
st.subheader(T("funds.money_head"))
st.caption(T("funds.versions"))
ui.table(
    money[
        [
            "fund_id",
            "network",
            "fund_name",
            "launch_date",
            T("funds.col_amount"),
            "beneficiaries_count",
            "beneficiaries_description",
            "target_region",
            "version_group",
            T("funds.col_counted"),
            "source_url",
        ]
    ],
    hide_index=True,
    column_config={"source_url": st.column_config.LinkColumn(T("col.source"))},
)
tot = aggregate.funds_total(f)
ui.table(tot.rename(columns={"amount": T("funds.col_total")}), hide_index=True)

# Cross-check per fund (as SankeyMATIC checks a node's in against its out): announced against found in the data.
st.subheader(T("funds.check_head"))
check = A.fund_crosscheck(f, ui.base_bundle().flows)
st.caption(T("funds.check_note"))
shown = check.assign(
    fund=check["fund_id"].map(A.fund_names(f)),
    announced=check.apply(
        lambda r: alttext.qualified(r["announced"], r["amount_qualifier"], r["currency"], lg), axis=1
    ),
    found=check["found"].map(lambda x: "" if pd.isna(x) else alttext.qualified(x, "exact", "EUR", lg)),
    difference=check["difference"].map(
        lambda x: "" if pd.isna(x) else alttext.qualified(x, "exact", "EUR", lg)
    ),
    share_found=check["share_found"].map(lambda x: "" if pd.isna(x) else f"{num(x * 100, 1)} %"),
)
ui.table(
    shown[
        [
            "fund",
            "announced",
            "found",
            "difference",
            "share_found",
            "flows_linked",
            "flows_with_money",
            "fund_id",
        ]
    ],
    hide_index=True,
    column_config={
        c: T(f"funds.check_{c}")
        for c in (
            "fund",
            "announced",
            "found",
            "difference",
            "share_found",
            "flows_linked",
            "flows_with_money",
        )
    },
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
ui.table(
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
    ],
    hide_index=True,
    column_config={"source_url": st.column_config.LinkColumn(T("col.source"))},
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
        f"{flt.describe(b.countries, lg)} {T('chart.measure', label=T('measure.flows').lower(), unit=T('unit.flows'))} {T('funds.map_note')}",
        ui.source_line(linked),
        choropleth="received",
        height=480,
        lang=lg,
    )
    ui.chart(fig, "funds-map", geo=True, alt=alttext.flows_summary(linked, "flows", lang=lg))
    ui.table(
        ui.dates_in_language(
            linked[
                [
                    "record_id",
                    "fund_id",
                    "donor_name",
                    "recipient_name",
                    "recipient_country",
                    "aid_kind",
                    "amount",
                    "currency",
                    "date_label",
                    "source_url",
                ]
            ]
        ),
        hide_index=True,
        column_config={"source_url": st.column_config.LinkColumn(T("col.source"))},
    )

st.subheader(T("funds.profiles_head"))
prof = f[(f["kind"] == "network_profile") | f["members_count"].notna() | f["founded_year"].notna()]
ui.table(
    prof[
        [
            "fund_id",
            "network",
            "network_full_name",
            "founded_year",
            "members_count",
            "member_countries_count",
            "summary",
            "source_url",
        ]
    ],
    hide_index=True,
    column_config={
        "source_url": st.column_config.LinkColumn(T("col.source")),
        **{
            c: st.column_config.NumberColumn(format="%d")
            for c in ("founded_year", "members_count", "member_countries_count")
        },
    },
)
st.subheader(T("funds.chapter_head"))
facts = ui.base_bundle().facts
facts = facts[facts["topic"].isin(["fund", "network"])].copy()
facts[T("funds.col_value")] = facts.apply(
    lambda r: "" if pd.isna(r["value"]) else alttext.qualified(r["value"], r["qualifier"], r["unit"], lg),
    axis=1,
)
ui.table(
    facts[
        [
            "fact_id",
            "subject",
            "fact",
            T("funds.col_value"),
            "year",
            "cited_in_chapter_as",
            "found_in_dossier",
        ]
    ],
    hide_index=True,
    column_config={"year": st.column_config.NumberColumn(format="%d")},
)
st.caption(T("funds.chapter_source"))
