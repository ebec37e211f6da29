"""Timeline: flows per month or week by direction; the wave towards China and its reversal."""
import streamlit as st

import coop_ui as ui
from coop_data import aggregate
from coop_data.figures import timeline_chart

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
