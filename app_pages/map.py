"""Flow map: arcs donor → recipient, places, countries; click a place or country for its panel."""

import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext, doubts, i18n
from coop_data.figures import flow_map
from coop_data.figures.flowmap import arcs_table

T, num = ui.T, ui.num
flt, view = ui.current()
b = ui.bundle()
lg = ui.lang()
st.title(T("nav.map"))
c1, c2, c3 = st.columns([2, 2, 1])
measure = c1.selectbox(
    T("map.measure"),
    list(aggregate.MEASURES),
    key="map_measure",
    format_func=lambda m: f"{T('measure.' + m)} ({T('unit.' + aggregate.MEASURES[m][1])})",
)
shade = c2.radio(
    T("map.shade"),
    ["given", "received", "none"],
    horizontal=True,
    key="map_shade",
    format_func=lambda s: T(f"map.shade_{s}"),
)
max_arcs = c3.number_input(T("map.max_arcs"), 50, 2000, 400, step=50, key="map_max")
if view.empty:
    ui.empty_notice(flt)
    ui.stop()
label, unit = T(f"measure.{measure}"), T(f"unit.{aggregate.MEASURES[measure][1]}")
sub = f"{flt.describe(b.countries, lg)} {T('chart.measure', label=label.lower(), unit=unit)}" + (
    " " + T("map.delivered_only") if measure != "flows" else ""
)
fig, note = ui.per_view(
    flow_map,
    measure,
    T("map.title", measure=label),
    sub,
    ui.source_line(view),
    int(max_arcs),
    None if shade == "none" else shade,
    lang=lg,
)
event = ui.chart(
    ui.with_url_highlight(fig),
    "map",
    geo=True,
    on_select=True,
    alt=ui.per_view(alttext.flows_summary, measure, lang=lg),
)
msg = T(
    "map.note",
    drawn=num(note["drawn"]),
    arcs=num(note["arcs"]),
    unit=unit,
    unplaced=num(note["not_drawn_unplaced"]),
)
if note["not_drawn_cap"]:
    msg += " " + T("map.note_cap", n=num(note["not_drawn_cap"]), cap=num(int(max_arcs)))
if note["places_not_drawn"]:
    msg += " " + T("map.note_places", k=num(1500), n=num(note["places_not_drawn"]))
st.caption(msg + " " + T("map.click"))

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
    cname = i18n.country_name(country, lg, names.get(country, country))
    if place:
        st.subheader(ui.md_escape(f"{place} ({cname})"))
        mine = view[(view["donor_label"] == place) | (view["recipient_label"] == place)]
        parts = b.partnerships[((b.partnerships["city_a"] == place) | (b.partnerships["city_b"] == place))]
    else:
        st.subheader(ui.md_escape(cname))
        mine = view[(view["donor_country_iso3"] == country) | (view["recipient_country_iso3"] == country)]
        parts = b.partnerships[
            (b.partnerships["country_a_iso3"] == country) | (b.partnerships["country_b_iso3"] == country)
        ]
    out_n = int(((mine["donor_label"] == place) if place else (mine["donor_country_iso3"] == country)).sum())
    st.markdown(T("map.panel", out=num(out_n), into=num(len(mine) - out_n), parts=num(len(parts))))
    shown = ui.categories_in_language(
        ui.dates_in_language(
            mine[
                [
                    "date_label",
                    "donor_label",
                    "recipient_label",
                    "aid_kind",
                    "quantity",
                    "quantity_unit",
                    "amount",
                    "currency",
                    "status",
                    "source_url",
                ]
            ]
        )
    )
    shown = doubts.with_doubts(shown, mine, b.sources, ui.lang())  # flags and weaker sources, in words
    ui.table(
        shown,
        hide_index=True,
        column_config=ui.headers(shown, source_url=st.column_config.LinkColumn(T("col.source"))),
    )
    if len(parts):
        shown = parts[
            [
                "city_a",
                "country_a_iso3",
                "city_b",
                "country_b_iso3",
                "relationship",
                "since_year",
                "source_url",
            ]
        ]
        ui.table(
            shown,
            hide_index=True,
            column_config=ui.headers(
                shown,
                source_url=st.column_config.LinkColumn(T("col.source")),
                since_year=st.column_config.NumberColumn(format="%d"),
            ),
        )

arcs = ui.per_view(arcs_table, measure).sort_values("value", ascending=False)
if st.toggle(
    T("map.numbers"), key="map_numbers"
):  # a toggle, not an expander: the table is only sent when asked for
    if len(arcs) > 1000:
        st.caption(T("map.numbers_cap", n=num(len(arcs))))
    ui.table(
        arcs.head(1000).rename(
            columns={"value": f"{label} ({unit})", "n": T("col.records"), "ids": T("col.record_ids")}
        ),
        hide_index=True,
    )
ui.downloads(view, flt, "map", table=arcs)
