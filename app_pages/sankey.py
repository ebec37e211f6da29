"""Sankey: configurable stages, measure switch, top-N with 'Other', and a table twin."""
import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext
from coop_data.figures import sankey
from coop_data.figures.sankey import STAGE_LABELS

PRESETS = {
    "Donor region → direction → recipient region": ["donor_region", "direction", "recipient_region"],
    "Donor level → aid kind → recipient country": ["donor_level", "aid_kind", "recipient_country"],
    "Network / fund → beneficiary": ["channel", "recipient_label"],
    "Donor country → recipient country": ["donor_country", "recipient_country"],
}
flt, view = ui.current()
b = ui.bundle()
st.title("Sankey")
c1, c2, c3 = st.columns([3, 2, 1])
preset = c1.selectbox("Stages", list(PRESETS), key="sankey_stages")
measure = c2.selectbox("Measure", list(aggregate.MEASURES), format_func=lambda m: f"{aggregate.MEASURES[m][0]} ({aggregate.MEASURES[m][1]})", key="sankey_measure")
top = c3.slider("Top N per stage", 3, 30, 10, key="sankey_top")
stages = PRESETS[preset]
v = view.copy()
v["channel"] = v["channel_network"].where(v["channel_network"] != "", v["fund_id"]).replace("", "no network stated")
if "Network" in preset:
    v = v[(v["channel_network"] != "") | (v["fund_id"] != "")]
links = aggregate.node_table(v, stages, measure, top_n=top)
label, unit = aggregate.MEASURES[measure]
if links.empty:
    ui.empty_notice(flt) if view.empty else st.info(f"No {label.lower()} in this view for these stages: try the 'Number of flows' measure or other filters.")
    st.stop()
sub = f"{flt.describe(b.countries)} Measure: {label.lower()} ({unit}). Top {top} per stage, the rest in 'Other'."
fig = sankey(links, f"{label}: " + " → ".join(STAGE_LABELS[s] for s in stages), sub, ui.source_line(v), unit)
ui.chart(fig, "sankey", alt=alttext.links_summary(links, unit, STAGE_LABELS))
st.caption("Sankey charts cannot be clicked to filter; use the sidebar. The table below holds the same numbers.")
table = links.assign(source_stage=links["source_stage"].map(STAGE_LABELS), target_stage=links["target_stage"].map(STAGE_LABELS)).rename(columns={"value": f"{label} ({unit})"})
st.dataframe(table, hide_index=True)
ui.downloads(view, flt, "sankey", table=table)
