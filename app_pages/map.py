"""Flow map: arcs donor → recipient, places, countries; click a place or country for its panel."""
import pandas as pd
import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext
from coop_data.figures import flow_map
from coop_data.figures.flowmap import arcs_table

flt, view = ui.current()
b = ui.bundle()
st.title("Flow map")
c1, c2, c3 = st.columns([2, 2, 1])
measure = c1.selectbox("Measure (arc width and country shading)", list(aggregate.MEASURES), format_func=lambda m: f"{aggregate.MEASURES[m][0]} ({aggregate.MEASURES[m][1]})", key="map_measure")
shade = c2.radio("Shade countries by", ["given", "received", "none"], horizontal=True, key="map_shade")
max_arcs = c3.number_input("Max arcs drawn", 50, 2000, 400, step=50, key="map_max")
if view.empty:
    ui.empty_notice(flt)
    st.stop()
label, unit = aggregate.MEASURES[measure]
sub = f"{flt.describe(b.countries)} Measure: {label.lower()} ({unit})" + ("; money and quantities count delivered rows only." if measure != "flows" else ".")
fig, note = ui.per_view(flow_map, measure, f"{label} between places", sub, ui.source_line(view), int(max_arcs),
                        None if shade == "none" else shade)
event = ui.chart(fig, "map", geo=True, on_select=True, alt=ui.per_view(alttext.flows_summary, measure))
msg = f"{note['drawn']:,} flows drawn as {note['arcs']:,} arcs (width: {unit}); {note['not_drawn_unplaced']:,} flows with an end that cannot be placed are not drawn."
if note["not_drawn_cap"]:
    msg += f" {note['not_drawn_cap']:,} smaller arcs beyond the cap of {int(max_arcs)} are not drawn."
if note["places_not_drawn"]:
    msg += f" Only the {1500:,} busiest places get a marker; {note['places_not_drawn']:,} smaller places are not marked."
st.caption(msg + " Click a place or a country to open its panel.")

place, country = None, None
pts = (event or {}).get("selection", {}).get("points", []) if event else []
for p in pts:
    cd = p.get("customdata")
    if isinstance(cd, list) and len(cd) == 2:
        place, country = cd
    elif p.get("location"):
        country = p["location"]
if place or country:
    names = dict(zip(b.countries["iso3"], b.countries["name"]))
    if place:
        st.subheader(ui.md_escape(f"{place} ({names.get(country, country)})"))
        mine = view[(view["donor_label"] == place) | (view["recipient_label"] == place)]
        parts = b.partnerships[((b.partnerships["city_a"] == place) | (b.partnerships["city_b"] == place))]
    else:
        st.subheader(names.get(country, country))
        mine = view[(view["donor_country_iso3"] == country) | (view["recipient_country_iso3"] == country)]
        parts = b.partnerships[(b.partnerships["country_a_iso3"] == country) | (b.partnerships["country_b_iso3"] == country)]
    out_n = int(((mine["donor_label"] == place) if place else (mine["donor_country_iso3"] == country)).sum())
    st.markdown(f"**{out_n}** flows out, **{len(mine) - out_n}** in (current filters); **{len(parts)}** stated partnerships.")
    st.dataframe(mine[["date_label", "donor_label", "recipient_label", "aid_kind", "quantity", "quantity_unit", "amount", "currency", "status", "source_url"]],
                 hide_index=True, column_config={"source_url": st.column_config.LinkColumn("source")})
    if len(parts):
        st.dataframe(parts[["city_a", "country_a_iso3", "city_b", "country_b_iso3", "relationship", "since_year", "source_url"]], hide_index=True,
                     column_config={"source_url": st.column_config.LinkColumn("source")})

arcs = ui.per_view(arcs_table, measure).sort_values("value", ascending=False)
with st.expander("Numbers behind this map (one row per arc)"):
    if len(arcs) > 1000:
        st.caption(f"The 1,000 largest of {len(arcs):,} arcs; 'Chart numbers (CSV)' below holds them all.")
    st.dataframe(arcs.head(1000).rename(columns={"value": f"{label} ({unit})", "n": "records", "ids": "record ids"}), hide_index=True)
ui.downloads(view, flt, "map", table=arcs)
