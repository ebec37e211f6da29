"""Partnerships: stated twinning pairs, flows inside a stated relationship, reciprocity and case studies."""
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext
from coop_data.figures.common import base_layout
from coop_data.figures.flowmap import great_circle

flt, view = ui.current()
b = ui.bundle()
p = b.partnerships
st.title("Partnerships")
st.caption("City pairs that a source states as twinned, sister, friendship or cooperating. Founding years only where the source states one.")
drawn = p.dropna(subset=["latitude_a", "latitude_b"])
lat, lon = great_circle(drawn["latitude_a"].values, drawn["longitude_a"].values, drawn["latitude_b"].values, drawn["longitude_b"].values, n=16)
fig = go.Figure(go.Scattergeo(lat=np.c_[lat, np.full(len(lat), np.nan)].ravel(), lon=np.c_[lon, np.full(len(lon), np.nan)].ravel(),
                              mode="lines", line=dict(width=1.2, color="#0072B2"), opacity=0.6, name="Stated partnership", hoverinfo="skip"))
fig.add_trace(go.Scattergeo(lat=pd.concat([drawn["latitude_a"], drawn["latitude_b"]]), lon=pd.concat([drawn["longitude_a"], drawn["longitude_b"]]),
                            mode="markers", marker=dict(size=5, color="#333"), name="Partner city",
                            hovertext=pd.concat([drawn["city_a"], drawn["city_b"]]), hoverinfo="text"))
base_layout(fig, "Stated city partnerships", f"All {len(p)} partnerships in this data (the sidebar filters apply to flows, not to this map). "
            f"{len(drawn)} drawn; {len(p) - len(drawn)} have a partner that is a province or a name the gazetteer does not hold.",
            f"Sources: {p['source_url'].nunique()} pages. Data: {ui.dataset_label()}.", height=520)
fig.update_geos(projection_type="natural earth", showcountries=True, countrycolor="#bbb", landcolor="#f2f2ee", showland=True, lataxis_range=[-58, 85])
ui.chart(fig, "partnership-map", geo=True, alt=alttext.partnerships_summary(p, len(drawn)))
st.dataframe(p[["city_a", "country_a_iso3", "city_b", "country_b_iso3", "relationship", "since_year", "themes", "source_url"]], hide_index=True,
             column_config={"source_url": st.column_config.LinkColumn("source"), "since_year": st.column_config.NumberColumn(format="%d")})

st.subheader("Flows inside a stated relationship vs ad hoc")
rel = view["relationship_stated"].fillna("").str.strip() != ""
st.markdown(f"In the current view, **{int(rel.sum()):,}** of {len(view):,} flows name a relationship (sister city, twin town, partner …) in their source; "
            f"**{int((~rel).sum()):,}** state none.")

st.subheader("Reciprocity: A helped B, then B helped A")
r = aggregate.reciprocity_pairs(view)
if r.empty:
    st.info("No pair in the current view helped each other both ways.")
else:
    st.caption("Pairs matched by city (a district counts as its city); programme totals and cancelled flows left out. "
               "'Order certain' is false when a date is only a year, so which came first is not claimed.")
    st.dataframe(r[["first_giver", "first_receiver", "date_label_1", "aid_kind_1", "quantity_1", "quantity_unit_1", "record_id_1",
                    "date_label_2", "aid_kind_2", "quantity_2", "quantity_unit_2", "record_id_2", "order_certain", "source_url_1", "source_url_2"]]
                 .rename(columns={"first_giver": "A", "first_receiver": "B", "date_label_1": "A→B date", "date_label_2": "B→A date"}), hide_index=True,
                 column_config={"source_url_1": st.column_config.LinkColumn("A→B source"), "source_url_2": st.column_config.LinkColumn("B→A source")})

st.subheader("The chapter's case studies")
facts = ui.base_bundle().facts
for subj in ("Milan - Quelimane", "Montreuil - Cercle de Yélimané (Mali)", "Cercle de Yélimané", "Quelimane"):
    for row in facts[facts["subject"] == subj].itertuples():
        val = "" if pd.isna(row.value) else f" — **{row.value:,.0f} {row.unit}**" + (f" ({row.qualifier.replace('_', ' ')})" if row.qualifier not in ("", "exact") else "")
        st.markdown(f"- *{row.subject}*: {row.fact}{val} [{row.fact_id}; year {row.year if not pd.isna(row.year) else 'n/a'}]")
st.caption("Source of these figures: Kihlgren Grandi, L. (2020) 'Decentralized Cooperation', City Diplomacy, Springer, DOI 10.1007/978-3-030-60717-3_3. "
           "No COVID-era action of these two partnerships was found by the research.")
