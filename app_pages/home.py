"""Home: headline figures, overview map, direction split, what the data covers and lacks."""

import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext
from coop_data.figures import flow_map
from coop_data.figures.bars import direction_bars
from coop_data.figures.common import measure_words

T, num = ui.T, ui.num
flt, view = ui.current()
b = ui.bundle()
lg = ui.lang()
desc = flt.describe(b.countries, lg)
st.title("City Solidarity Flows")
st.caption(T("home.tagline"))
st.markdown(T("home.showing", filter=ui.md_escape(desc), data=ui.md_escape(ui.dataset_label())))
if view.empty:
    ui.empty_notice(flt)
    ui.stop()
mirror = tuple(sorted(aggregate.mirror_ids(b.sources)))
h = ui.per_view(aggregate.headline, mirror)


def nums(**fields: str) -> dict[str, str]:
    """Locale parameters from headline figures, written as numbers: nums(flows="flows") -> {"flows": "381"}."""
    return {k: num(h[v]) for k, v in fields.items()}


kpis = st.container(
    horizontal=True, gap="medium"
)  # wraps when narrow: equal columns cut "Cash and grants (EUR)" to "Cash and gra…"
kpis.metric(
    T("home.flows"),
    num(h["flows"]),
    help=T(
        "home.flows_help" if h["programme_totals"] else "home.flows_help_flows",  # no "0 programme totals"
        **nums(records="records", flows="flows", totals="programme_totals", counted="counted_flows"),
        other=num(h["not_counted"]),
    ),
    width="content",
)
kpis.metric(T("home.cities"), num(h["cities"]), help=T("home.cities_help"), width="content")
kpis.metric(
    T("home.countries"),
    num(h["countries"]),
    help=T("home.countries_help", delivered=num(h["countries_delivered"])),
    width="content",
)
kpis.metric(
    T("home.cash"),
    ui.compact(h["eur_cash"]),
    help=T("home.cash_help", eur=num(h["eur_cash"])),
    width="content",
)
kpis.metric(
    T("home.in_kind"),
    ui.compact(h["eur_in_kind"]),
    help=T("home.in_kind_help", eur=num(h["eur_in_kind"])),
    width="content",
)
kpis.metric(
    T("home.masks"),
    ui.compact(h["masks"]),
    help=T("home.masks_help", n=num(h["masks"]), rest=num(h["masks_rest_of_programme"])),
    width="content",
)
kpis.metric(T("home.patients"), num(h["patients"]), help=T("home.patients_help"), width="content")


def pct(share: float) -> str:
    return f"{num(100 * share, 1)} %"


# clauses that are zero are left out ("63 records, of which 63 flows (0 programme totals…)", "EUR 0 (0.0 %)…")
if h["programme_totals"]:
    notes = [
        T(
            "home.records_line",
            records=num(h["records"]),
            flows=num(h["flows"]),
            totals=num(h["programme_totals"]),
        )
    ]
else:
    notes = [T("home.records_line_flows", n=num(h["flows"]))]
if h["eur_delivered"] > 0:
    money = T(
        "home.money_line",
        **nums(eur="eur_delivered", rows="rows_with_money", cash="eur_cash", in_kind="eur_in_kind"),
    )
    if h["eur_mirror"] > 0:
        mirror_share = pct(h["eur_mirror"] / h["eur_delivered"])
        money += " " + T("home.money_mirror", mirror=num(h["eur_mirror"]), mirror_share=mirror_share)
    notes.append(money)
for measure, big in h["largest"].items():
    if big and big["dominant"]:
        notes.append(
            T(
                f"home.largest_{measure}",
                share=pct(big["share"]),
                id=big["record_id"],
                donor=ui.md_escape(big["donor"]),
                recipient=ui.md_escape(big["recipient"]),
                value=num(big["value"]),
            )
        )
st.markdown("  \n".join(notes))

with st.expander(T("home.by_unit")):
    ui.table(
        ui.per_view(aggregate.totals_by_unit).rename(
            columns={
                "total": T("col.delivered_total"),
                "rows": T("col.records"),
                "rest": T("col.rest_of_programme"),
            }
        ),
        hide_index=True,
    )

HOME_ARCS = 400  # the largest arcs Home's map draws (the Map page lets the reader choose)
measure_txt = measure_words(T("measure.flows").lower(), T("unit.flows"), lg)
fig, note = ui.per_view(
    flow_map,
    "flows",
    T("home.map_title"),
    f"{desc} {measure_txt}",
    ui.source_line(view),
    HOME_ARCS,
    None,
    True,
    520,
    lang=lg,
)
ui.chart(fig, "home-map", geo=True, alt=lambda: ui.per_view(alttext.flows_summary, "flows", lang=lg))
home_note = T(
    "home.map_note",
    drawn=num(note["drawn"]),
    arcs=num(note["arcs"]),
    unplaced=num(note["not_drawn_unplaced"]),
)
st.caption(home_note + ui.map_note_more(note, "place", HOME_ARCS))

split = ui.per_view(aggregate.by_direction)
names = [T(f"dir.{d}") for d in split["direction"].astype(str)]
bar = direction_bars(split, T("home.dir_title"), f"{desc} {measure_txt}", ui.source_line(view), lang=lg)
ui.chart(bar, "home-directions")
with st.expander(T("ui.numbers_behind")):
    ui.table(
        split.assign(label=names)[["label", "records", "flows", "counted", "eur"]].rename(
            columns={
                "label": T("stage.direction"),
                "records": T("col.records"),
                "flows": T("home.flows"),
                "counted": T("col.counted"),
                "eur": T("col.eur_delivered"),
            }
        ),
        hide_index=True,
    )

st.subheader(T("home.covers"))
# counted from the whole data (the filter aside), so the box can never state the numbers of an older version
st.markdown(T("home.covers_text", **{k: num(v) for k, v in aggregate.covers(b.flows, mirror).items()}))
ui.downloads(view, flt, "home")
