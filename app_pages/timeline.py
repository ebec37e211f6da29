"""Timeline: flows per month or week by direction; the wave towards China and its reversal."""
import pandas as pd
import streamlit as st

import coop_ui as ui
from coop_data import aggregate
from coop_data.figures import timeline_chart
from coop_data.figures.animated import animated_map

flt, view = ui.current()
b = ui.bundle()
st.title("Timeline")
freq = st.radio("Period", ["M", "W"], format_func={"M": "Month", "W": "Week"}.get, horizontal=True, key="tl_freq")
if view.empty:
    ui.empty_notice(flt)
    st.stop()
t = aggregate.timeline(view, freq)
placed = int(t["flows"].sum())
unit_txt = "month" if freq == "M" else "week (day-precision dates only)"
fig = timeline_chart(t, f"Flows per {unit_txt.split(' ')[0]} by direction",
                     f"{flt.describe(b.countries)} Measure: number of flows (records) per {unit_txt}. Hatched: announced, planned, cancelled or unknown.",
                     ui.source_line(view))
ui.chart(fig, "timeline")
left_out = len(view) - placed
st.caption(f"{placed:,} flows placed in time; {left_out:,} are not drawn because their date is only a year"
           f"{' or a month' if freq == 'W' else ''} or unknown (a month is never drawn as its first day).")
tab = t.assign(period=t["period"].dt.strftime("%Y-%m-%d" if freq == "W" else "%Y-%m"))
st.dataframe(tab, hide_index=True)
ui.downloads(view, flt, "timeline", table=tab)

st.subheader("The map, week by week")
if st.toggle("Show the animated map (press ▶ Play, or drag the week slider)", key="tl_anim"):
    afig, anote = ui.per_view(animated_map, "Flows week by week, 2020–2021",
                              f"{flt.describe(b.countries)} Bold: flows dated in the week shown; faded: the three weeks before; grey: all dated flows.",
                              ui.source_line(view))
    busiest = max(anote["per_week"], key=lambda x: x[1]) if anote["per_week"] else ("", 0)
    ui.chart(afig, "timeline-animated", geo=True, alt=f"An animated map of {anote['drawn']:,} flows placed week by week from the first week of 2020 "
             f"to the end of 2021; the busiest week starts {busiest[0]} with {busiest[1]} flows.")
    st.caption(f"{anote['drawn']:,} flows placed in a week ({anote['month_precision']:,} dated only to the month appear in the week their month begins); "
               f"{anote['not_in_a_week']:,} dated only by year or undated and {anote['unplaced']:,} with an end that cannot be placed are not drawn. "
               f"Busiest week: {busiest[0]} ({busiest[1]} flows)." + (f" {anote['capped']:,} arcs beyond 300 per week not drawn." if anote["capped"] else ""))
    with st.expander("Numbers behind the animation (flows per week)"):
        st.dataframe(pd.DataFrame(anote["per_week"], columns=["week starting", "flows dated in the week"]), hide_index=True)
