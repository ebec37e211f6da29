"""Home: headline figures, overview map, direction split, what the data covers and lacks."""
import plotly.graph_objects as go
import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext, classify, i18n
from coop_data.i18n import t
from coop_data.figures import flow_map
from coop_data.figures.common import base_layout

flt, view = ui.current()
b = ui.bundle()
st.title("City Solidarity Flows")
st.caption("Who helped whom during COVID-19, city to city: sourced records of 2020–2021 solidarity, with partnerships and network funds.")
st.markdown(f"**Showing:** {ui.md_escape(flt.describe(b.countries))} Data: {ui.md_escape(ui.dataset_label())}.")
if view.empty:
    ui.empty_notice(flt)
    st.stop()
h = ui.per_view(aggregate.headline)
c = st.columns(6)
lg = ui.lang()
c[0].metric(t("home.flows", lg), i18n.number(h["flows"], lg), help=f"{h['counted_flows']:,} delivered and counted in totals; {h['not_counted']:,} announced, planned, cancelled, unknown or programme totals overlapping their details")
c[1].metric(t("home.cities", lg), i18n.number(h["cities"], lg), help="Distinct named cities on either side of counted flows")
c[2].metric(t("home.countries", lg), i18n.number(h["countries"], lg))
c[3].metric(t("home.money", lg), ui.compact(h["eur_delivered"], "EUR "), help=f"EUR {h['eur_delivered']:,.0f}: sum of {h['rows_with_money']} delivered rows that carry an amount, converted at 2020/2021 annual average ECB rates")
c[4].metric(t("home.masks", lg), ui.compact(h["masks"]), help=f"{h['masks']:,.0f} masks; other items are never added to masks")
c[5].metric(t("home.patients", lg), i18n.number(h["patients"], lg), help="Patients actually treated; offered and committed places are not included")

with st.expander("All delivered quantities, by unit (never added across units)"):
    st.dataframe(ui.per_view(aggregate.totals_by_unit).rename(columns={"total": "delivered total", "rows": "records"}), hide_index=True)

fig, note = ui.per_view(flow_map, "flows", "Who helped whom", flt.describe(b.countries) + " Measure: number of flows (records).",
                        ui.source_line(view), 400, None, True, 520)
ui.chart(fig, "home-map", geo=True, alt=ui.per_view(alttext.flows_summary, "flows"))
st.caption(f"{note['drawn']:,} flows drawn as {note['arcs']:,} arcs; {note['not_drawn_unplaced']:,} flows have an end that cannot be placed "
           "(e.g. groups of cities, unidentified towns) and are counted but not drawn. Hollow circles are placed at country level (approximate).")

split = ui.per_view(aggregate.by_direction)
bar = go.Figure(go.Bar(x=split["flows"], y=split["label"], orientation="h",
                       marker_color=[classify.DIRECTION_COLORS[d] for d in split["direction"].astype(str)],
                       text=[f"{n:,}" for n in split["flows"]], textposition="outside"))
base_layout(bar, "Flows by direction category", flt.describe(b.countries) + " Measure: number of flows (records).", ui.source_line(view), height=380)
bar.update_layout(yaxis=dict(autorange="reversed"), xaxis=dict(title="Flows (records)"))
ui.chart(bar, "home-directions")
with st.expander("Numbers behind this chart"):
    st.dataframe(split[["label", "flows", "counted", "eur"]].rename(columns={"label": "direction", "counted": "delivered & counted", "eur": "EUR delivered"}), hide_index=True)

st.subheader("What the data covers, and what it lacks")
st.markdown(
    """
- **Curated from a research dossier** of public pages (news, city and network sites); every record keeps its source link.
- **China slice dominates**: 274 of 393 flows have a mainland Chinese city or province on one side — the early-2020 wave towards China and the return gifts from March 2020.
- **South–South is thin**: only a handful of records (Uruguay–Brazil border cities, Turkish metropolitan municipalities); no Indian, Brazilian or African city donor was found.
- **German sources are over-represented** in the non-Chinese slice (twin-town donations, Länder patient transfers).
- **Few 2021 flows** and few cash flows; many amounts are unknown, and 34 world records have no date because their source gives none.
- **About 30 records cite mirror copies** of wire stories (marked lower confidence).
- **Not found**: the chapter's Barcelona EUR 400,000 call and Paris EUR 200,000 fund (see Network funds).
"""
)
ui.downloads(view, flt, "home")
