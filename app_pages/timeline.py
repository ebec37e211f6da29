"""Timeline: flows per month or week by direction; the wave towards China and its reversal."""

import pandas as pd
import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext, filters, vocab
from coop_data.figures import timeline_chart
from coop_data.figures.animated import animated_map

T, num = ui.T, ui.num
flt, view = ui.current()
b = ui.bundle()
lg = ui.lang()
desc = flt.describe(b.countries, lg)
st.title(T("nav.timeline"))
period = ui.control(
    filters.CONTROLS["timeline"]["period"],
    st.radio,
    T("tl.period"),
    format_func=lambda p: T(f"tl.per_{vocab.PERIODS[p]}"),
    horizontal=True,
)
freq = vocab.PERIODS[period]
if view.empty:
    ui.empty_notice(flt)
    ui.stop()
t = aggregate.timeline(view, freq)
placed = int(t["flows"].sum())
# flows, as the note says: a programme total whose details are listed is a record, not a flow (583 records, 574 flows)
left = aggregate.not_in_timeline(view, t)
fig = timeline_chart(t, T(f"tl.title_{freq}"), f"{desc} {T(f'tl.sub_{freq}')}", ui.source_line(view), lang=lg)
ui.chart(fig, "timeline", alt=alttext.timeline_summary(t, left, freq, lg))
st.caption(T(f"tl.note_{freq}", placed=num(placed), left=num(left)))
tab = t.assign(
    period=t["period"].dt.strftime("%Y-%m-%d" if freq == "W" else "%Y-%m"),
    direction=t["direction"].astype(str).map(lambda d: T(f"dir.{d}")),
    status=t["status"].astype(str).map(lambda s: T(f"status.{s}")),
)
tab = tab.rename(
    columns={
        "period": T("tl.period"),
        "direction": T("stage.direction"),
        "status": T("stage.status"),
        "flows": T("home.flows"),
    }
)
ui.table(tab, hide_index=True)
ui.downloads(view, flt, "timeline", table=tab)

st.subheader(T("tl.anim_head"))
if st.toggle(T("tl.anim_toggle"), key="tl_anim"):
    afig, anote = ui.per_view(
        animated_map, T("tl.anim_title"), f"{desc} {T('tl.anim_sub')}", ui.source_line(view), lang=lg
    )
    busiest = max(anote["per_week"], key=lambda x: x[1]) if anote["per_week"] else ("", 0)
    ui.chart(afig, "timeline-animated", geo=True, alt=alttext.animated_summary(anote, lg))
    counts = {"drawn": "drawn", "month": "month_precision", "year": "not_in_a_week", "unplaced": "unplaced"}
    msg = T("tl.anim_note", **{k: num(anote[v]) for k, v in counts.items()}, week=busiest[0], n=busiest[1])
    st.caption(msg + (" " + T("tl.anim_capped", n=num(anote["capped"])) if anote["capped"] else ""))
    with st.expander(T("tl.anim_numbers")):
        ui.table(
            pd.DataFrame(anote["per_week"], columns=[T("tl.week_starting"), T("tl.flows_in_week")]),
            hide_index=True,
        )
