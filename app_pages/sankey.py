"""Sankey: configurable stages, measure switch, top-N with 'Other', and a table twin."""

import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext
from coop_data.figures import sankey
from coop_data.figures.sankey import node_name

PRESETS = {
    "regions": ["donor_region", "direction", "recipient_region"],
    "levels": ["donor_level", "aid_kind", "recipient_country"],
    "networks": ["channel", "recipient_label"],
    "countries": ["donor_country", "recipient_country"],
}
T, num = ui.T, ui.num
flt, view = ui.current()
b = ui.bundle()
lg = ui.lang()


def stages_name(key: str) -> str:
    return " → ".join(T(f"stage.{s}") for s in PRESETS[key])


st.title(T("nav.sankey"))
c1, c2, c3 = st.columns([3, 2, 1])
preset = c1.selectbox(T("sankey.stages"), list(PRESETS), key="sankey_stages", format_func=stages_name)
measure = c2.selectbox(
    T("sankey.measure"),
    list(aggregate.MEASURES),
    key="sankey_measure",
    format_func=lambda m: f"{T('measure.' + m)} ({T('unit.' + aggregate.MEASURES[m][1])})",
)
top = c3.slider(T("sankey.top"), 3, 30, 10, key="sankey_top")
stages = PRESETS[preset]
v = view.copy()
v["channel"] = (
    v["channel_network"].where(v["channel_network"] != "", v["fund_id"]).replace("", "no network stated")
)
if preset == "networks":
    v = v[(v["channel_network"] != "") | (v["fund_id"] != "")]
links = aggregate.node_table(v, stages, measure, top_n=top)
label, unit = T(f"measure.{measure}"), T(f"unit.{aggregate.MEASURES[measure][1]}")
if links.empty:
    ui.empty_notice(flt) if view.empty else st.info(T("sankey.none", measure=label.lower()))
    ui.stop()
sub = f"{flt.describe(b.countries, lg)} {T('chart.measure', label=label.lower(), unit=unit)} {T('sankey.top_note', n=top)}"
fig = sankey(links, f"{label}: {stages_name(preset)}", sub, ui.source_line(v), unit, lang=lg)
ui.chart(fig, "sankey", alt=alttext.links_summary(links, unit, lang=lg))
st.caption(T("sankey.note"))
table = links.assign(
    source=[node_name(s, str(x), lg) for s, x in zip(links["source_stage"], links["source"])],
    target=[node_name(s, str(x), lg) for s, x in zip(links["target_stage"], links["target"])],
    source_stage=links["source_stage"].map(lambda s: T(f"stage.{s}")),
    target_stage=links["target_stage"].map(lambda s: T(f"stage.{s}")),
).rename(
    columns={
        "value": f"{label} ({unit})",
        "source": T("sankey.col_from"),
        "target": T("sankey.col_to"),
        "source_stage": T("sankey.col_from_stage"),
        "target_stage": T("sankey.col_to_stage"),
    }
)
ui.table(table, hide_index=True)
ui.downloads(view, flt, "sankey", table=table)
