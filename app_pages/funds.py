"""Network funds: emergency funds with amount and qualifier, beneficiaries, network profiles, chapter figures."""
import pandas as pd
import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext
from coop_data.figures import flow_map

flt, view = ui.current()
b = ui.bundle()
f = ui.base_bundle().funds
st.title("Network funds and programmes")
if ui.scope()[0]:
    st.caption("Funds, programmes and chapter figures come from the bundled data (imported files hold flows or partnerships); "
               "the map of named beneficiaries below uses the data chosen in the sidebar.")
QUAL = {"exact": "", "about": "about ", "almost": "almost ", "more_than": "more than ", "up_to": "up to "}


def amount(r) -> str:
    if pd.isna(r["amount"]):
        return "amount not stated"
    return f"{QUAL.get(r['amount_qualifier'], '')}{r['currency']} {r['amount']:,.0f}"


money = f[f["kind"].isin(["fund", "city_programme"]) | f["amount"].notna()].copy()
money["amount (as stated)"] = money.apply(amount, axis=1)
money["counted in totals"] = money["is_current_version"]
st.subheader("Funds with money")
st.caption("Versions of one fund share a version group; only the current version is added to totals (AIMF's EUR 1.35 m initial plan and its "
           "'almost EUR 2 m' update are one fund).")
st.dataframe(money[["fund_id", "network", "fund_name", "launch_date", "amount (as stated)", "beneficiaries_count", "beneficiaries_description",
                    "target_region", "version_group", "counted in totals", "source_url"]], hide_index=True,
             column_config={"source_url": st.column_config.LinkColumn("source")})
tot = aggregate.funds_total(f)
st.dataframe(tot.rename(columns={"amount": "total of current versions"}), hide_index=True)

st.subheader("Programmes without an amount")
prog = f[f["kind"] == "programme"]
st.dataframe(prog[["fund_id", "network", "fund_name", "launch_date", "beneficiaries_description", "summary", "source_url"]], hide_index=True,
             column_config={"source_url": st.column_config.LinkColumn("source")})

st.subheader("Where network money went (named beneficiaries)")
linked = view[view["fund_id"] != ""]
if linked.empty:
    st.info("No flow linked to a fund in the current view.")
else:
    fig, note = flow_map(linked, "flows", "Flows linked to a network or city fund",
                         flt.describe(b.countries) + " Measure: number of flows. Networks with no stated seat are not drawn; their beneficiaries are.",
                         ui.source_line(linked), choropleth="received", height=480)
    ui.chart(fig, "funds-map", geo=True, alt=alttext.flows_summary(linked, "flows"))
    st.dataframe(linked[["record_id", "fund_id", "donor_name", "recipient_name", "recipient_country", "aid_kind", "amount", "currency", "date_label", "source_url"]],
                 hide_index=True, column_config={"source_url": st.column_config.LinkColumn("source")})

st.subheader("Network profiles")
prof = f[(f["kind"] == "network_profile") | f["members_count"].notna() | f["founded_year"].notna()]
st.dataframe(prof[["fund_id", "network", "network_full_name", "founded_year", "members_count", "member_countries_count", "summary", "source_url"]],
             hide_index=True, column_config={"source_url": st.column_config.LinkColumn("source"),
                                             **{c: st.column_config.NumberColumn(format="%d") for c in ("founded_year", "members_count", "member_countries_count")}})
st.subheader("Figures from the reference chapter")
facts = ui.base_bundle().facts
facts = facts[facts["topic"].isin(["fund", "network"])].copy()
facts["value (as stated)"] = facts.apply(lambda r: "" if pd.isna(r["value"]) else f"{QUAL.get(r['qualifier'], '')}{r['value']:,.0f} {r['unit']}", axis=1)
st.dataframe(facts[["fact_id", "subject", "fact", "value (as stated)", "year", "cited_in_chapter_as", "found_in_dossier"]], hide_index=True,
             column_config={"year": st.column_config.NumberColumn(format="%d")})
st.caption("Source: Kihlgren Grandi (2020), DOI 10.1007/978-3-030-60717-3_3. 'found_in_dossier' says whether the research found the figure on a public page.")
