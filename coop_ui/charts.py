"""The chart block: a chart (geo charts offline), its text alternative, source line, image exports and the
downloads of the numbers behind it, each carrying the citation of this view."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from coop_data import export, filters, i18n
from coop_data.figures import geo_config, highlight
from coop_data.figures.common import GEO_BUNDLE_URL
from coop_data.figures.render import FORMATS as RENDER_FORMATS
from coop_data.figures.render import SIZES as RENDER_SIZES
from coop_data.figures.render import render
from coop_ui.data import bundle, flowless_networks
from coop_ui.state import FLT, lang
from coop_ui.text import T, cite_markdown, md_escape, num
from coop_ui.view import absolute_link, dataset_label


def source_line(view: pd.DataFrame) -> str:
    b = bundle()
    n = view["source_url"].nunique()
    mirror = (
        view["source_id"].isin(b.sources.loc[b.sources["reliability"] == "mirror_copy", "source_id"]).sum()
    )
    user = (
        view["source_id"].isin(b.sources.loc[b.sources["reliability"] == "user_supplied", "source_id"]).sum()
    )
    extra = T("src.mirror", n=num(mirror)) if mirror else ""
    extra += T("src.user", n=num(user)) if user else ""
    return T("src.line", n=num(n), m=num(len(view)), extra=extra, data=dataset_label())


def empty_notice(flt: filters.Filter) -> None:
    if nets := flowless_networks(flt):  # the chosen networks have no flow at all: say so, and where to look
        st.info(T("ui.empty_network", n=len(nets), names=md_escape(" ; ".join(nets)), page=T("nav.funds")))
        return
    st.info(T("ui.empty", filter=md_escape(flt.describe(bundle().countries, lang()))))


GEO_CHART_JS = (Path(__file__).parents[1] / "static" / "js" / "geo_chart.js").read_text(encoding="utf-8")


CLICKER_JS = (Path(__file__).parents[1] / "static" / "js" / "clicker.js").read_text(encoding="utf-8")


def geo_chart(fig, key: str, on_select: bool = False) -> dict:
    """A geo chart drawn by plotly.js's geo-only bundle (static/js/geo_chart.js says why), offline outline included.

    With on_select, returns the clicked place or country in the shape of st.plotly_chart's selection: {"selection": {"points": [...]}}.
    """
    mount = st.components.v2.component(
        "coop_geo_chart", js=GEO_CHART_JS, isolate_styles=False
    )  # same definition each run: no re-registration
    res = mount(
        data={"spec": fig.to_json(), "config": geo_config(), "bundle": GEO_BUNDLE_URL, "select": on_select},
        key=key,
        on_selection_change=lambda: None,
    )
    return {"selection": (res.get("selection") if res else None) or {"points": []}}


def presentation_keys(key: str = "clicker") -> str | None:
    """The key a presenter (or a clicker) pressed on this run: 'next', 'previous', 'first', 'last', or None
    (static/js/clicker.js lists the keys)."""
    mount = st.components.v2.component("coop_clicker", js=CLICKER_JS, isolate_styles=False)
    res = mount(data={}, key=key, on_go_change=lambda: None)
    return res.get("go") if res else None


def chart(
    fig,
    key: str,
    geo: bool = False,
    on_select: bool = False,
    alt: str | Callable[[], str] = "",
    alt_shown: bool = True,
):
    """Draw a chart (geo charts with the offline topojson config), its text alternative, and PNG/SVG/HTML exports
    rendered on the server when clicked, each with the citation of this view. `alt_shown=False`: the exports carry
    the text alternative but the page shows it elsewhere (presenter mode: under the scene controls).

    `alt` may be a function that returns the text: it is then computed once the chart is on its way to the browser
    (at 100,000 flows the map's summary took half a second that the chart waited for)."""
    geo = geo or any(
        tr.type in ("scattergeo", "choropleth") for tr in fig.data
    )  # never let a geo chart reach for the CDN
    if geo:
        event = geo_chart(fig, key, on_select)
    else:
        event = st.plotly_chart(fig, width="stretch", config={"displaylogo": False}, key=key)
    if callable(alt):
        alt = alt()
    if alt and alt_shown:
        st.caption(T("alt.prefix") + " " + md_escape(alt))
    flt = st.session_state.get(FLT, filters.Filter())
    cite = export.citation(
        flt.describe(bundle().countries, lang()), absolute_link(), dataset=dataset_label(), lang=lang()
    )
    # Images at a newsroom's named sizes, laid out for that canvas; the file name says what the file is.
    kind, params, lg = key.removeprefix("home-"), flt.to_params(), lang()  # the language at draw time
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="small")  # wraps on a phone
    size = row.selectbox(
        T("xp.size"),
        list(RENDER_SIZES),
        key=f"{key}-size",
        format_func=lambda s: i18n.t(f"xp.size_{s}", lg),  # bound: formatted again outside the run by AppTest
        width=260,
    )
    for fmt in ("png", "svg", "html"):
        sized = size if fmt != "html" else None  # HTML is as on screen: it resizes with the window
        row.download_button(
            fmt.upper(),
            data=lambda fmt=fmt, sized=sized: render(fig, fmt, cite=cite, alt=alt, lang=lg, size=sized),
            file_name=export.file_name(kind, params, fmt, sized or ""),
            mime=RENDER_FORMATS[fmt],
            key=f"{key}-img-{fmt}",
            help=T("dl.chart_help_alt" if alt else "dl.chart_help", fmt=fmt.upper()),
        )
    return event


def downloads(
    view: pd.DataFrame,
    flt: filters.Filter,
    key: str,
    table: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
) -> None:
    """Exactly the filtered rows: a clean CSV (header and rows only), the same CSV in a ZIP with datapackage.json
    and a README carrying the citation and filter (as Our World in Data does), and XLSX/JSON/GeoJSON with the
    citation inside them. File names say what the file is: city-solidarity-flows_flows_north-south_2020.csv."""
    b = bundle()
    link = absolute_link()
    described = flt.describe(b.countries, lang())
    cite = export.citation(described, link, dataset=dataset_label(), lang=lang())
    params, lg = flt.to_params(), lang()
    stem = export.file_name("flows", params, "zip")[: -len(".zip")]
    fmts = ("csv", "zip", "xlsx", "json", "geojson")
    row = st.container(horizontal=True, gap="small")  # buttons as wide as their names, wrapping when narrow
    builders = {
        "zip": lambda: export.to_zip(view, cite, described, link, name=stem, lang=lg),
        "csv": lambda: export.to_csv(view),
    }
    for fmt in fmts:
        # Deferred: the file is built only when the button is clicked, not on every rerun.
        row.download_button(
            T("xp.zip") if fmt == "zip" else fmt.upper(),
            data=builders.get(fmt, lambda fmt=fmt: export.export(view, fmt, cite, b.sources)),
            file_name=f"{stem}.{fmt}",
            mime=export.MIME[fmt],
            key=f"{key}-{fmt}",
            help=T(
                "xp.zip_help" if fmt == "zip" else "xp.csv_help" if fmt == "csv" else "dl.view_help",
                n=num(len(view)),
                fmt=fmt.upper(),
            ),
        )
    if table is not None:

        def numbers() -> pd.DataFrame:
            return table() if callable(table) else table

        row.download_button(
            T("dl.numbers"),
            data=lambda: export.neutralise(numbers()).to_csv(index=False).encode("utf-8"),
            file_name=export.file_name(f"{key}-numbers", params, "csv"),
            mime="text/csv",
            key=f"{key}-numbers",
        )
        # the same CSV with what it is: the citation, the filter in words and the chart's source line in a README
        name = export.file_name(f"{key}-numbers", params, "zip")[: -len(".zip")]
        row.download_button(
            T("dl.numbers_zip"),
            data=lambda: export.to_zip(
                numbers(), cite, described, link, name=name, lang=lg, sources=source_line(view)
            ),
            file_name=f"{name}.zip",
            mime=export.MIME["zip"],
            key=f"{key}-numbers-zip",
            help=T("dl.numbers_zip_help"),
        )
    st.caption(T("deck.cite") + " " + cite_markdown(cite, link))


def with_url_highlight(fig):
    """The figure with the places or flows named in the URL's `highlight` ringed (on a copy: figures may be cached and
    shared), and a warning naming what cannot be drawn."""
    text = st.query_params.get("highlight", "")
    if not text:
        return fig
    fig = go.Figure(fig)
    missing = highlight.add(fig, bundle(), text, lang())
    if missing:
        st.warning(T("hl.missing", names=md_escape(", ".join(missing))))
    return fig


def map_note_more(note: dict, rollup: str, cap: int) -> str:
    """What a flow map's caption adds after its first sentence, so every flow of the page's count is accounted for:
    flows at one point, arcs beyond the cap (with their flows), places beyond the marker cap. Home and Map share it."""
    more = []
    if note["not_drawn_same"]:
        more.append(T(f"map.note_same_{rollup}", n=num(note["not_drawn_same"])))
    if note["not_drawn_cap"]:
        more.append(
            T(
                "map.note_cap",
                n=num(note["not_drawn_cap"]),
                k=num(note["not_drawn_cap_records"]),
                cap=num(cap),
            )
        )
    if note["places_not_drawn"]:
        more.append(T("map.note_places", k=num(1500), n=num(note["places_not_drawn"])))
    return "".join(" " + x for x in more)
