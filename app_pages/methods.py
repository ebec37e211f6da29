"""Methods & sources: data dictionary, classification schemes, exchange rates, placement rules, gaps, bibliography, licence."""

import pandas as pd
import streamlit as st

import coop_ui as ui
from coop_data import aggregate, classify
from coop_data.datapackage import LICENSE, VERSION, data_dictionary

T = ui.T
flt, view = ui.current()
b = ui.bundle()
st.title(T("nav.methods"))
st.subheader(T("me.class_head"))
st.markdown(
    T("me.active_scheme", label=T(f"scheme.{flt.scheme}"), source=classify.SCHEMES[flt.scheme]["source"])
)
for k, s in classify.SCHEMES.items():
    st.markdown(f"- `{k}`: {T(f'scheme.{k}')} ({s['source']})")
st.markdown(T("me.directions"))
ui.table(b.countries, hide_index=True, height=240)
st.subheader(T("me.count_head"))
st.markdown(T("me.count_rules"))
whole = aggregate.headline(b.flows)  # the whole data, not the filtered view: the rule's own figures
ex = aggregate.rest_example(b.flows)
st.markdown(
    T(
        "me.rest_rule",
        ex_id=ex["record_id"],
        ex_donor=ui.md_escape(ex["donor"]),
        ex_total=ui.num(ex["total"]),
        ex_details=ui.num(ex["details"]),
        ex_rest=ui.num(ex["rest"]),
        rows=ui.num(whole["rest_of_programme_rows"]),
        masks=ui.num(whole["masks_rest_of_programme"]),
        eur=ui.num(whole["eur_rest_of_programme"]),
        records=ui.num(whole["records"]),
        flows=ui.num(whole["flows"]),
        totals=ui.num(whole["programme_totals"]),
    )
)
# issue 15: the status rule, the flags, and what the rules changed since v0.1
st.subheader(T("me.status_head"))
st.markdown(
    T("me.status_rule", notes=ui.num(b.flows["status_basis"].astype(str).str.startswith("dossier").sum()))
)
if "flags" in b.flows:
    flagged = b.flows["flags"].fillna("").astype(str)
    counts = pd.Series([c for v in flagged for c in v.split(";") if c]).value_counts()
    listed = "".join(f"\n- {T(f'flag.{c}')} ({ui.num(k)})" for c, k in counts.items())
    st.markdown(T("me.doubts", n=ui.num((flagged != "").sum()), flags=listed))
if len(b.changes):
    st.markdown(f"**{T('me.changes_head')}**")
    is_status = b.changes["field"] == "status"
    st.caption(T("me.changes_note", status=ui.num(is_status.sum()), other=ui.num((~is_status).sum())))
    ui.table(b.changes, hide_index=True, height=300)
st.subheader(T("me.fx_head"))
ui.table(b.fx_rates, hide_index=True)
st.subheader(T("me.place_head"))
st.markdown(T("me.place_rules"))
st.markdown(f"**{T('me.place_choice_head')}**")
st.markdown(T("me.place_choice"))
ui.table(b.actors.groupby("placement").size().rename(T("me.actors")).reset_index(), hide_index=True)
ui.table(
    b.actors[b.actors["placement"].isin(["ambiguous", "unplaced"])].sort_values(["placement", "name"])[
        ["name", "city", "country_iso3", "placement", "place_note"]
    ],
    hide_index=True,
)
st.subheader(T("me.dict_head"))
st.caption(T("me.dict_note"))
ui.table(data_dictionary(), hide_index=True, height=360)
st.subheader(T("me.gaps_head"))
st.markdown(T("me.gaps"))
st.subheader(T("me.biblio_head"))
src = b.sources.sort_values(["reliability", "publisher"])
if "stability" in src:
    st.markdown(
        T(
            "me.sources_rule",
            weak=ui.num((src["stability"] != "stable").sum()),
            n=ui.num(len(src)),
            stripped=ui.num((src["url_original"].fillna("") != "").sum()),
        )
    )
ui.table(
    src[[c for c in ("publisher", "date", "reliability", "stability", "records", "url") if c in src]],
    hide_index=True,
    height=360,
    column_config={"url": st.column_config.LinkColumn("url")},
)
st.subheader(T("me.licence_head"))
st.markdown(T("me.licence", title=LICENSE["title"], name=LICENSE["name"]))
st.subheader(T("me.languages_head"))
st.markdown(T("me.languages"))
st.code(
    f"City Solidarity Flows v{VERSION} (dataset city-solidarity-flows). Curated from public sources; "
    "seed figures from Kihlgren Grandi (2020), DOI 10.1007/978-3-030-60717-3_3.",
    language=None,
)
