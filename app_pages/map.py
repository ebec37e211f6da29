"""Flow map: arcs donor → recipient, places, countries; click a place or country for its panel."""

import streamlit as st

import coop_ui as ui
from coop_data import alttext, doubts, filters, i18n, vocab
from coop_data.figures import flow_map
from coop_data.figures.common import measure_name, measure_words
from coop_data.figures.flowmap import map_numbers, map_table, parse_view

CTL = filters.CONTROLS["map"]  # each control lives in the URL: a reload or a permalink draws the same map
T, num = ui.T, ui.num


def map_view(control):
    """The extent a reader zoomed or panned to (URL `view`, written by static/js/geo_chart.js), or None for the
    map's fitted extent. A malformed one is dropped with a warning; a valid one is said under the controls with a
    button back to the whole map. The export, the permalink and the citation follow it."""
    text = ui.control(control)
    ext = parse_view(text) if text else None
    if text and ext is None:
        st.warning(T("map.view_bad", v=str(text)[:60]), icon="⚠️")
    if ext is None:
        return None
    (lon0, lon1), (lat0, lat1) = ext
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    c1.caption(T("map.view_note", lon0=f"{lon0:g}", lon1=f"{lon1:g}", lat0=f"{lat0:g}", lat1=f"{lat1:g}"))
    c2.button(T("map.view_reset"), key="map_view_reset", on_click=forget_view, args=(control.key,))
    return ext


def forget_view(key: str) -> None:
    """Back to the fitted extent: out of the URL and of the view kept across pages (restored from there otherwise)."""
    st.query_params.pop(key, None)
    st.session_state.get(ui.SYNC_KEY, {}).pop(key, None)


flt, view = ui.current()
b = ui.bundle()
lg = ui.lang()
st.title(T("nav.map"))
c1, c2, c3 = st.columns([2, 2, 2])
measure = ui.control(
    CTL["measure"], c1.selectbox, T("map.measure"), format_func=lambda m: measure_name(m, lg)
)
shade = ui.control(
    CTL["shade"], c2.radio, T("map.shade"), horizontal=True, format_func=lambda s: T(f"map.shade_{s}")
)
rollup = ui.control(
    CTL["rollup"], c3.radio, T("map.rollup"), horizontal=True, format_func=lambda r: T(f"map.rollup_{r}")
)
c4, c5, _ = st.columns([1, 1, 2])
n_labels = ui.control(
    CTL["labels"], c4.number_input, T("map.n_labels"), min_value=0, max_value=30, help=T("map.n_labels_help")
)
max_arcs = ui.control(CTL["arcs"], c5.number_input, T("map.max_arcs"), min_value=50, max_value=2000, step=50)
zoom = map_view(CTL["view"])
if view.empty:
    ui.empty_notice(flt)
    ui.stop()
label, unit = T(f"measure.{measure}"), T(f"unit.{vocab.MEASURES[measure]}")
sub = f"{flt.describe(b.countries, lg)} {measure_words(label.lower(), unit, lg)}" + (
    " " + T("map.delivered_only") if measure != "flows" else ""
)
if zoom:  # an export of a zoom says so: its title alone read like the whole world's
    sub += " " + T("map.view") + "."
fig, note = ui.per_view(
    flow_map,
    measure,
    T("map.title", measure=label),
    sub,
    ui.source_line(view),
    int(max_arcs),
    None if shade == "none" else shade,
    lang=lg,
    countries=b.countries if rollup != "place" else None,
    rollup=rollup,
    n_labels=int(n_labels),
    view=zoom,
    view_key=CTL["view"].key,
)
event = ui.chart(
    ui.with_url_highlight(fig),
    "map",
    geo=True,
    on_select=True,
    alt=lambda: ui.per_view(alttext.flows_summary, measure, lang=lg),
)
msg = T(
    "map.note",
    drawn=num(note["drawn"]),
    arcs=num(note["arcs"]),
    unit=unit,
    unplaced=num(note["not_drawn_unplaced"]),
)
st.caption(msg + ui.map_note_more(note, rollup, int(max_arcs)) + " " + T("map.click"))

# A click: a place marker sends [label, country, kind, members], a country shape its ISO code.
names = dict(zip(b.countries["iso3"], b.countries["name"]))
P = b.partnerships


def panel_of(point: dict):
    """(heading, its flows in view, mask of those going out, its stated partnerships) of a clicked point, or None."""
    cd, loc = point.get("customdata"), point.get("location")
    if isinstance(cd, list) and len(cd) == 4:
        place, iso, kind, members = cd
        if kind == "region":
            mine = view[(view["donor_region"] == iso) | (view["recipient_region"] == iso)]  # iso: the region
            return place, mine, mine["donor_region"] == iso, P.iloc[:0]
        if kind == "country":
            loc = iso
        else:
            labels = str(members).split("\n")
            cname = i18n.country_name(iso, lg, names.get(iso, iso))
            heading = (  # a place marker shared by a city and its province names both
                f"{' / '.join(labels)} ({cname})"
                if len(labels) == 1 or kind == "place"
                else T("map.country_point_many", country=cname, n=num(len(labels)))
            )
            mine = view[view["donor_label"].isin(labels) | view["recipient_label"].isin(labels)]
            parts = P[P["city_a"].isin(labels) | P["city_b"].isin(labels)]
            return heading, mine, mine["donor_label"].isin(labels), parts
    if loc:
        mine = view[(view["donor_country_iso3"] == loc) | (view["recipient_country_iso3"] == loc)]
        parts = P[(P["country_a_iso3"] == loc) | (P["country_b_iso3"] == loc)]
        return i18n.country_name(loc, lg, names.get(loc, loc)), mine, mine["donor_country_iso3"] == loc, parts
    return None


pts = (event or {}).get("selection", {}).get("points", []) if event else []
panel = next((x for x in map(panel_of, pts) if x is not None), None)
if panel is not None:
    heading, mine, out_mask, parts = panel
    st.subheader(ui.md_escape(heading))
    out_n = int(out_mask.sum())
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
        ui.partnerships_table(parts)

countries = b.countries if rollup != "place" else None
if st.toggle(
    T("map.numbers"), key="map_numbers"
):  # a toggle, not an expander: the table is only sent when asked for
    arcs = map_numbers(
        ui.per_view(map_table, measure, countries=countries, rollup=rollup, lang=lg),
        measure,
        lg,
        int(max_arcs),
    )
    if len(arcs) > 1000:
        st.caption(T("map.numbers_cap", n=num(len(arcs))))
    ui.table(arcs.head(1000), hide_index=True)
# The numbers' file is built when its button is clicked (a million arcs at a million flows), from this run's view.
ui.downloads(
    view,
    flt,
    "map",
    table=lambda v=view, m=measure, c=countries, r=rollup, lg=lg, k=int(max_arcs): map_numbers(
        map_table(v, m, c, r, lg), m, lg, k
    ),
)
