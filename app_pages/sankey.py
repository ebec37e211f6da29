"""Sankey: stages, measure, top N, link colour and a node picker, all kept in the URL; a table twin."""

import html

import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext, filters, vocab
from coop_data.figures import sankey
from coop_data.figures.common import measure_name, measure_words
from coop_data.figures.sankey import node_name, stage_name

CTL = filters.CONTROLS["sankey"]
PHONE_CSS = """
.coop-swipe { display: none; }
@media (max-width: 640px) {
  .st-key-sankey_box { overflow-x: auto; }
  .st-key-sankey_box > [data-testid="stElementContainer"]:has([data-testid="stPlotlyChart"]) { min-width: 880px; }
  .coop-swipe { display: block; font-size: 0.85rem; color: #555; margin: 0; }
}
"""
T, num = ui.T, ui.num
flt, view = ui.current()
b = ui.bundle()
lg = ui.lang()


def stages_name(key: str) -> str:
    return " → ".join(stage_name(s, lg) for s in vocab.SANKEY_PRESETS[key])


st.title(T("nav.sankey"))
c1, c2, c3, c4 = st.columns([3, 2, 1.5, 2])
preset = ui.control(CTL["stages"], c1.selectbox, T("sankey.stages"), format_func=stages_name)
measure = ui.control(
    CTL["measure"], c2.selectbox, T("sankey.measure"), format_func=lambda m: measure_name(m, lg)
)
colour = ui.control(
    CTL["colour"], c4.selectbox, T("ctl.sankey_colour"), format_func=lambda s: stage_name(s, lg)
)
stages = vocab.SANKEY_PRESETS[preset]
v = aggregate.sankey_view(view, stages)  # a network stage leaves out flows through none (said in the note)
auto = aggregate.sankey_rows(v, stages, measure, 0, colour, b.funds)[1]
top = ui.control(
    CTL["top"],
    c3.selectbox,
    T("sankey.top"),
    [0, *range(3, aggregate.SANKEY_MAX_TOP + 1)],
    format_func=lambda n: T("ctl.sankey_auto", n=auto) if n == 0 else str(n),
)
whole = aggregate.node_table(v, stages, measure, top, colour, b.funds)
nodes: list[str] = []  # the picker's choices: every node of the whole chart, as "stage:value"
for s in stages:
    seen = set(whole.loc[whole["source_stage"] == s, "source"]) | set(
        whole.loc[whole["target_stage"] == s, "target"]
    )
    nodes += [f"{s}:{x}" for x in aggregate.node_order(s, seen, lambda x, s=s: node_name(s, x, lg))]
asked = st.query_params.get(CTL["node"].key, "")
if asked and asked not in nodes:
    st.warning(T("ctl.sankey_focus_missing", v=asked[:100]), icon="⚠️")
focus = ui.control(
    CTL["node"],
    st.selectbox,
    T("ctl.sankey_focus"),
    ["", *nodes],
    format_func=lambda k: (
        T("ctl.sankey_focus_all")
        if not k
        else f"{stage_name(k.split(':', 1)[0], lg)}: {node_name(*k.split(':', 1), lg)}"
    ),
)
links = whole
if focus:
    links = aggregate.node_table(v, stages, measure, top, colour, b.funds, focus=tuple(focus.split(":", 1)))
n = whole.attrs["top_n"]
label, unit = T(f"measure.{measure}"), T(f"unit.{vocab.MEASURES[measure]}")
if links.empty:
    if view.empty:
        ui.empty_notice(flt)
    else:
        st.info(T("sankey.none", measure=label.lower()))
    ui.stop()
notes = [
    flt.describe(b.countries, lg),
    measure_words(label.lower(), unit, lg),
    T("ctl.sankey_colour_note", stage=stage_name(colour, lg).lower()),
]
if any(aggregate.foldable(s) for s in stages):
    notes.insert(2, T("sankey.top_note", n=n) if top else T("ctl.sankey_auto_note", n=n))
if focus:
    s, x = focus.split(":", 1)
    notes.append(T("ctl.sankey_focus_note", node=node_name(s, x, lg), stage=stage_name(s, lg).lower()))
fig = sankey(links, f"{label}: {stages_name(preset)}", " ".join(notes), ui.source_line(v), unit, lang=lg)
# On a phone the diagram keeps a laptop's width inside a box that scrolls sideways: squeezed to 390 px its node
# labels overlapped and the colour key covered the last column (fewer nodes or smaller text lose what it shows).
st.html(f"<style>{PHONE_CSS}</style>")
with st.container(key="sankey_box"):
    st.html(f"<p class='coop-swipe'>{html.escape(T('sankey.swipe'))}</p>")
    ui.chart(fig, "sankey", alt=alttext.links_summary(links, unit, lang=lg))
st.caption(T("sankey.note"))
table = links.assign(
    source=[node_name(s, str(x), lg) for s, x in zip(links["source_stage"], links["source"])],
    target=[node_name(s, str(x), lg) for s, x in zip(links["target_stage"], links["target"])],
    source_stage=links["source_stage"].map(lambda s: stage_name(s, lg)),
    target_stage=links["target_stage"].map(lambda s: stage_name(s, lg)),
    colour=links["colour"].map(lambda c: node_name(colour, str(c), lg)),
).rename(
    columns={
        "value": f"{label} ({unit})",
        "source": T("sankey.col_from"),
        "target": T("sankey.col_to"),
        "source_stage": T("sankey.col_from_stage"),
        "target_stage": T("sankey.col_to_stage"),
        "colour": stage_name(colour, lg),
    }
)
ui.table(table, hide_index=True)
ui.downloads(view, flt, "sankey", table=table)
