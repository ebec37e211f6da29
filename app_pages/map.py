"""Flow map: arcs donor → recipient, places, countries; click a place or country for its panel."""

import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext, i18n
from coop_data.figures import flow_map
from coop_data.figures.flowmap import DEFAULT_LABELS, ROLLUPS, map_table

# The map's view controls as URL parameters: name -> (widget key, allowed values or (min, max), default).
MAP_CONTROLS = {
    "measure": ("map_measure", tuple(aggregate.MEASURES), "flows"),
    "shade": ("map_shade", ("given", "received", "none"), "given"),
    "rollup": ("map_rollup", ROLLUPS, "place"),
    "labels": ("map_labels", (0, 30), DEFAULT_LABELS),
    "arcs": ("map_max", (50, 2000), 400),
}
_LAST = "_map_url"  # the map parameters this page last wrote to the URL
_WARN = "_map_url_warnings"  # unknown values of the link, said until the user sets the controls


def map_controls_url_sync(write: bool = False) -> list[str]:
    """Map controls <-> URL, so a reload or a permalink reproduces the chart (to move onto the filter table).

    Read (the URL as opened, saved by dashboard.py before resolve_view kept only the filters): when they differ
    from what this page last wrote (a fresh load, a permalink), they become the widgets' values; unknown
    values fall back to the default and are named in the returned warnings.
    Write (after the widgets): values that differ from the default go to the URL and to the view kept across pages.
    """
    ss = st.session_state
    if write:
        out = {}
        for name, (key, _, default) in MAP_CONTROLS.items():
            value = ss.get(key, default)
            if value != default:
                out[name] = str(int(value) if isinstance(default, int) else value)
        for name in MAP_CONTROLS:
            if name in st.query_params and name not in out:
                del st.query_params[name]
        for name, value in out.items():
            if st.query_params.get(name) != value:
                st.query_params[name] = value
        if out != ss.get(_LAST):
            ss.pop(_WARN, None)  # the user has set the controls: the link's unknown values are history
        ss[_LAST] = out
        ss[ui.SYNC_KEY] = {**ss.get(ui.SYNC_KEY, {}), **out}
        return []
    opened = ss.get("_url_in") or {}  # the URL before ui.resolve_view kept only the filters (dashboard.py)
    url = {n: str(opened[n]) for n in MAP_CONTROLS if n in opened}
    if url == ss.get(_LAST):
        for key, _, default in MAP_CONTROLS.values():  # back from another page: Streamlit dropped them
            ss.setdefault(key, default)
        return ss.get(_WARN, [])
    warnings = []
    for name, (key, allowed, default) in MAP_CONTROLS.items():
        raw, value = url.get(name), default
        if raw is not None:
            if isinstance(default, int):
                ok = raw.strip().isdigit() and allowed[0] <= int(raw) <= allowed[1]
                value = int(raw) if ok else default
            else:
                ok = raw in allowed
                value = raw if ok else default
            if not ok:
                warnings.append(ui.T("map.bad_control", name=name, value=raw[:30]))
        ss[key] = value
    ss[_LAST], ss[_WARN] = url, warnings
    return warnings


url_warnings = map_controls_url_sync()
T, num = ui.T, ui.num
flt, view = ui.current()
b = ui.bundle()
lg = ui.lang()
st.title(T("nav.map"))
for w in url_warnings:
    st.warning(ui.md_escape(w), icon="⚠️")
c1, c2, c3 = st.columns([2, 2, 2])
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
rollup = c3.radio(
    T("map.rollup"),
    list(ROLLUPS),
    horizontal=True,
    key="map_rollup",
    format_func=lambda r: T(f"map.rollup_{r}"),
)
c4, c5, _ = st.columns([1, 1, 2])
# No default values here: map_controls_url_sync has put them (or the URL's) in the session state.
n_labels = c4.number_input(T("map.n_labels"), 0, 30, key="map_labels", help=T("map.n_labels_help"))
max_arcs = c5.number_input(T("map.max_arcs"), 50, 2000, step=50, key="map_max")
map_controls_url_sync(write=True)
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
    countries=b.countries if rollup != "place" else None,
    rollup=rollup,
    n_labels=int(n_labels),
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
if note["not_drawn_same"]:
    msg += " " + T(f"map.note_same_{rollup}", n=num(note["not_drawn_same"]))
if note["not_drawn_cap"]:
    msg += " " + T("map.note_cap", n=num(note["not_drawn_cap"]), cap=num(int(max_arcs)))
if note["places_not_drawn"]:
    msg += " " + T("map.note_places", k=num(1500), n=num(note["places_not_drawn"]))
st.caption(msg + " " + T("map.click"))

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
            heading = (
                f"{place} ({cname})"
                if len(labels) == 1
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

arcs = ui.per_view(
    map_table, measure, countries=b.countries if rollup != "place" else None, rollup=rollup, lang=lg
).sort_values("value", ascending=False)
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
