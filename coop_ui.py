"""Streamlit glue shared by every page: the filter sidebar synced with the URL,
and the chart block (title, subtitle, source, table twin and downloads).

Logic lives in `coop_data`; this module only draws widgets and moves state
between the URL, the widgets and the session.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from coop_data import answers, datasets, export, filters, i18n
from coop_data.figures import geo_config, highlight
from coop_data.figures.common import GEO_BUNDLE_URL
from coop_data.figures.render import FORMATS as RENDER_FORMATS
from coop_data.figures.render import SIZES as RENDER_SIZES
from coop_data.figures.render import render
from coop_data.load import Bundle, load_bundle
from coop_data.store import ID_PATTERN, Store

MONTHS = [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 13)]
SYNC_KEY = "_url_params"


VIEW_PARAMS = ("dataset", "data")
STORY_PARAMS = (
    "story",
    "scene",
    "present",
    "highlight",
)  # read by the story, map and partnership pages; kept as they are


@st.cache_resource(show_spinner=False)
def base_bundle() -> Bundle:
    return load_bundle()


@st.cache_resource(show_spinner=False)
def store() -> Store:
    return Store()


@st.cache_resource(show_spinner=False, max_entries=16, ttl=3600)
def open_bundle(dataset_id: str, scope: str) -> tuple[Bundle, str]:
    """Shared across sessions, keyed by the unguessable id: only people holding the id reach it."""
    b, ds = datasets.open_bundle(dataset_id, scope, store())
    return b, (ds.name if ds is not None else "")


@st.cache_resource(show_spinner=False, max_entries=32, ttl=3600)
def flows_for_scheme(scheme: str, dataset_id: str = "", scope: str = "bundled") -> pd.DataFrame:
    """Shared, not copied per run (cache_data would unpickle a million rows on every rerun); pages only read it."""
    b = open_bundle(dataset_id, scope)[0] if dataset_id else base_bundle()
    return b.with_scheme(scheme)


@st.cache_resource(show_spinner=False, max_entries=32, ttl=3600)
def options(dataset_id: str, scope: str) -> dict[str, list[str]]:
    """Sidebar choices of one dataset view, computed once (a million-row scan per rerun otherwise)."""
    b = open_bundle(dataset_id, scope)[0] if dataset_id else base_bundle()
    out = filters.options(b.flows, b.countries)
    # Networks by name, every one the data knows (funds with no flow too, said as such): never "NF-33".
    nets = answers.network_directory(b.flows, b.funds)
    out["network"] = nets["value"].tolist()
    out["network_name"] = nets["name"].tolist()
    out["network_flows"] = nets["flows_in_data"].tolist()
    return out


@st.cache_resource(show_spinner=False, max_entries=128, ttl=3600)
def _per_view(name: str, dataset_id: str, scope_: str, flt_key: str, args_key: str, _fn, _args, _flt):
    flows = flows_for_scheme(_flt.scheme, dataset_id, scope_) if dataset_id else flows_for_scheme(_flt.scheme)
    args, kwargs = _args
    return _fn(_flt.apply(flows), *args, **kwargs)


def clear_dataset_caches() -> None:
    """After an owner edits or deletes a dataset, every cached view of it must go."""
    for fn in (open_bundle, flows_for_scheme, options, _per_view):
        fn.clear()


def per_view(fn, *args, **kwargs):
    """fn(view, *args, **kwargs) computed once per (data, filter, args) and shared: a rerun of the same view is instant at any size.
    Results are shared between sessions and must be treated as read-only."""
    flt = st.session_state["_flt"]
    ds_id, sc = scope()
    return _per_view(
        f"{fn.__module__}.{fn.__qualname__}",
        ds_id,
        sc,
        repr(flt),
        repr((args, sorted(kwargs.items()))),
        fn,
        (args, kwargs),
        flt,
    )


def bundle() -> Bundle:
    """The data of the current view: bundled, an imported dataset, or both."""
    return st.session_state.get("_bundle") or base_bundle()


def scope() -> tuple[str, str]:
    """(dataset id, scope) of the current view; ('', 'bundled') without an imported dataset."""
    return st.session_state.get("_scope", ("", "bundled"))


def _data_params(params: dict[str, str]) -> tuple[str, str, list[str]]:
    notices = []
    ds_id, sc = params.get("dataset", ""), params.get("data", "")
    if ds_id and not (ID_PATTERN.match(ds_id) and store().exists(ds_id)):
        notices.append(T("ui.no_dataset"))
        ds_id = ""
    if sc and sc not in datasets.SCOPES:
        notices.append(T("ui.bad_scope", v=sc[:20]))
        sc = ""
    if params.get("lang") and params["lang"] not in i18n.LANGS:
        notices.append(T("ui.bad_lang", v=params["lang"][:20], langs=", ".join(i18n.LANGS)))
    return ds_id, (sc or ("imported" if ds_id else "bundled")), notices


def _current_params() -> dict[str, str]:
    return {k: st.query_params[k] for k in st.query_params.keys()}


def _restore_across_pages() -> None:
    """Streamlit drops the query string on page switch: put the session's view back."""
    saved = st.session_state.get(SYNC_KEY)
    if saved and not _current_params():
        st.query_params.from_dict(saved)


def _widget_value(d: filters.Dimension, v):
    """A filter value as its sidebar widget holds it."""
    if d.kind in ("from", "to"):
        return v or "any"
    return list(v) if d.kind == "list" else v


def _filter_value(d: filters.Dimension, w):
    """A sidebar widget's value as the filter holds it."""
    if d.kind in ("from", "to"):
        return "" if w == "any" else w
    if d.kind == "list":
        return tuple(w)
    return w.strip() if d.kind == "text" else w


def _set_widgets(f: filters.Filter) -> None:
    for d in filters.DIMENSIONS:
        st.session_state[f"w_{d.key}"] = _widget_value(d, getattr(f, d.attr))
    st.session_state["w_more"] = _more_active(f)


MORE = filters.MORE  # dimensions drawn only when "More filters" is on


def _more_active(f: filters.Filter) -> bool:
    return any(getattr(f, a) != filters.BY_ATTR[a].empty for a in MORE)


def lang() -> str:
    """Interface language of this view (URL `lang`, kept across pages)."""
    return i18n.lang_of(
        st.session_state.get("w_lang")
        or st.query_params.get("lang")
        or st.session_state.get(SYNC_KEY, {}).get("lang")
    )


def _set_scope_widget(sc: str) -> None:
    st.session_state["w_data"] = sc


def open_dataset(dataset_id: str) -> None:
    """Show a just-imported dataset alone on the next run: URL, the view kept across pages and the sidebar's data
    choice together (the sidebar kept 'Bundled data', so the banner and the share link named the wrong data)."""
    params = {"dataset": dataset_id, **({"lang": lang()} if lang() != i18n.DEFAULT else {})}
    st.session_state[SYNC_KEY] = params
    st.query_params.from_dict(params)
    _set_scope_widget("imported")


def _reset() -> None:
    """Clear the filters; keep which data is shown and the language."""
    keep = {k: v for k, v in st.session_state.get(SYNC_KEY, {}).items() if k in VIEW_PARAMS + ("lang",)}
    st.query_params.from_dict(keep)
    st.session_state[SYNC_KEY] = keep
    _set_widgets(filters.Filter())


def resolve_view() -> tuple[filters.Filter, pd.DataFrame]:
    """The active Filter and the filtered flows, from the URL and the sidebar's widget state, before any widget is drawn.

    Pages run before the sidebar is drawn (`draw_sidebar`), so a page's chart is the first thing a run sends.
    Widget values of the last run are already in the session state when a run starts, so the Filter is the same.
    """
    _restore_across_pages()
    params = _current_params()
    # A story's edit link (?story=ID&edit=KEY): the key moves to this session and leaves the URL at once, so no
    # permalink, citation or export built from the URL carries it (app_pages/story.py checks it).
    edit_key = params.pop("edit", None)
    if edit_key is not None:
        st.session_state["_story_edit"] = (params.get("story", ""), edit_key[:100])
    ds_id, sc, data_notices = _data_params(params)
    if ds_id:
        b, ds_name = open_bundle(ds_id, sc)
    else:
        b, ds_name = base_bundle(), ""
    st.session_state["_bundle"], st.session_state["_scope"] = b, (ds_id, sc if ds_id else "bundled")
    opts = options(ds_id, sc if ds_id else "bundled")
    flt, notices = filters.parse(params, b.countries, set(opts["donor_region"]), set(opts["network"]))
    if params != st.session_state.get(SYNC_KEY) or "w_from" not in st.session_state:
        _set_widgets(flt)
        _set_scope_widget(sc)
        st.session_state["w_lang"] = i18n.lang_of(params.get("lang"))
    for n in data_notices + [n.text(lang()) for n in notices]:
        st.warning(n, icon="⚠️")
    ss = st.session_state
    lg = i18n.lang_of(ss.get("w_lang"))
    # "More filters" widgets are drawn only while the toggle is on. Off, their values are the URL's;
    # switched on, the widgets start from the URL (what Streamlit kept of them while hidden is stale).
    parsed, more = flt, bool(ss.get("w_more"))
    if more and not ss.get("_more_was"):
        for d in filters.DIMENSIONS:
            if d.more:
                ss[f"w_{d.key}"] = _widget_value(d, getattr(parsed, d.attr))
    ss["_more_was"] = more
    hidden = () if more else MORE
    flt = filters.Filter(
        **{
            d.attr: getattr(parsed, d.attr) if d.attr in hidden else _filter_value(d, ss[f"w_{d.key}"])
            for d in filters.DIMENSIONS
        }
    )
    new = flt.to_params()
    if ds_id:
        new["dataset"] = ds_id
        chosen = ss.get("w_data", sc)
        if chosen != "imported":
            new["data"] = chosen
        if chosen != sc:
            b = open_bundle(ds_id, chosen)[0]
            st.session_state["_bundle"], st.session_state["_scope"] = b, (ds_id, chosen)
            sc = chosen
    for k in STORY_PARAMS + tuple(filters.control_keys()):  # view controls: written by `control`
        if k in params:
            new[k] = params[k][:200]
    if lg != i18n.DEFAULT:
        new["lang"] = lg
    if new != params or edit_key is not None:
        st.query_params.from_dict(new)
    ss[SYNC_KEY] = new
    view = flt.apply(flows_for_scheme(flt.scheme, ds_id, sc) if ds_id else flows_for_scheme(flt.scheme))
    ss["_sidebar"] = (flt, len(view), opts, ds_id, ds_name)
    return flt, view


def control(c: filters.ViewControl, draw=None, label: str = "", options=None, **kwargs):
    """The value of a view control (filters.CONTROLS), kept in the URL like the filters: a reload, a permalink and a
    citation reproduce the chart. With `draw` (e.g. `st.selectbox`, `col.radio`, `st.slider`), its widget is drawn
    starting from the URL's value, as `draw(label, options, key=…, **kwargs)` (options default to the control's
    vocabulary; an integer control without options is drawn as `draw(label, key=…, **kwargs)`).
    A bad URL value is dropped with a notice in the viewer's language.

    Example: `rollup = ui.control(filters.CONTROLS["map"]["rollup"], c1.radio, T("ctl.map_rollup"), horizontal=True)`
    """
    ss = st.session_state
    raw = st.query_params.get(c.key)
    value, notice = c.read(raw)
    if notice is not None:
        st.warning(notice.text(lang()), icon="⚠️")
    ss.setdefault("_controls_read", set()).add(c.key)
    ss.setdefault("_controls_seen", set()).add(c.key)
    if draw is None:
        return value
    wkey, seen = f"v_{c.key}", f"_seen_{c.key}"
    if wkey not in ss or raw != ss.get(seen):  # a new session, or the URL changed: the URL wins
        ss[wkey] = value
    if options is None and c.vocab is not None:
        options = list(c.vocab)
    if options is not None:
        if ss[wkey] not in options:  # e.g. a node that this filter no longer shows
            ss[wkey] = c.default if c.default in options else options[0]
        chosen = draw(label, options, key=wkey, **kwargs)
    else:
        chosen = draw(label, key=wkey, **kwargs)
    text = c.write(chosen)
    ss[seen] = text
    saved = dict(ss.get(SYNC_KEY, {}))
    if text is None:
        saved.pop(c.key, None)
        if c.key in st.query_params:
            del st.query_params[c.key]
    else:
        saved[c.key] = text
        if st.query_params.get(c.key) != text:
            st.query_params[c.key] = text
    ss[SYNC_KEY] = saved
    return chosen


def _forget_other_controls() -> None:
    """After a page ran: the URL keeps only the view controls this page read (another page's Sankey stages would
    follow the reader to the map otherwise). Only controls read through `control` this session are dropped: a page
    that reads its URL key itself keeps it."""
    ss = st.session_state
    read = ss.pop("_controls_read", set())
    stale = ss.get("_controls_seen", set()) - read
    saved = ss.get(SYNC_KEY, {})
    if any(k in saved for k in stale):
        ss[SYNC_KEY] = {k: v for k, v in saved.items() if k not in stale}
    for k in stale:
        if k in st.query_params:
            del st.query_params[k]


class PageDone(Exception):
    """Raised by `stop`: the page has said all it has to say."""


def stop() -> None:
    """End the page here, like st.stop(), but let the entry script still draw the sidebar after it.

    st.stop() would also stop the sidebar, which is drawn after the page and must stay reachable to change the filter.
    """
    raise PageDone


def draw_sidebar() -> None:
    """The shared filter widgets, drawn after the page with the values `resolve_view` used."""
    _forget_other_controls()
    flt, n_view, opts, ds_id, ds_name = st.session_state["_sidebar"]
    b = bundle()
    names = dict(zip(b.countries["iso3"], b.countries["name"]))
    sb = st.sidebar
    lg = i18n.lang_of(st.session_state.get("w_lang"))
    label = i18n.t("sb.language", lg) + (
        "" if lg == "en" else " · Language"
    )  # findable by a reader of English in any language
    sb.selectbox(label, list(i18n.LANGS), key="w_lang", format_func=i18n.LANGS.get)
    if ds_id:
        sb.header(i18n.t("sb.data", lg))
        sb.radio(
            i18n.t("sb.show", lg),
            list(datasets.SCOPES),
            key="w_data",
            format_func=lambda x: i18n.t(f"scope.{x}", lg),
            help=i18n.t("sb.show_help", lg),
        )
        sb.caption(i18n.t("sb.imported", lg) + " " + md_escape(ds_name))
    sb.header(i18n.t("sb.filters", lg))
    _draw_dimensions(sb, [d for d in filters.DIMENSIONS if not d.more], flt, opts, names, lg)
    # A toggle, not an expander: Streamlit's browser side builds a collapsed expander's widgets anyway (0.15 s of a cold load).
    if sb.toggle(i18n.t("sb.more", lg), key="w_more"):
        _draw_dimensions(sb, [d for d in filters.DIMENSIONS if d.more], flt, opts, names, lg)
    sb.button(i18n.t("sb.reset", lg), on_click=_reset)
    sb.caption(
        i18n.t("sb.match", lg, n=i18n.number(n_view, lg), total=i18n.number(len(b.flows), lg))
        + " "
        + md_escape(flt.describe(b.countries, lg))
    )
    sb.caption(i18n.t("sb.link", lg))


def _draw_dimensions(sb, dims: list, flt: filters.Filter, opts: dict, names: dict, lg: str) -> None:
    """The widgets of these filter dimensions, in table order; a period's two bounds side by side."""
    pair = None
    for d in dims:
        if d.kind == "from":
            pair = sb.columns(2)
        where = pair[0 if d.kind == "from" else 1] if d.kind in ("from", "to") and pair else sb
        _draw_dimension(where, d, flt, opts, names, lg)


def _draw_dimension(sb, d: filters.Dimension, flt: filters.Filter, opts: dict, names: dict, lg: str) -> None:
    """One filter dimension's widget, chosen by its kind."""
    key, label = f"w_{d.key}", i18n.t(d.label, lg)
    if d.kind in ("from", "to"):
        months = ["any"] + sorted(set(MONTHS) | {flt.date_from, flt.date_to} - {""})
        sb.selectbox(label, months, key=key, format_func=lambda m: i18n.t("sb.any", lg) if m == "any" else m)
    elif d.kind == "list":
        no_flow = f" ({i18n.t('sb.network_no_flow', lg)})"
        net_names = {
            v: name + ("" if n else no_flow)
            for v, name, n in zip(opts["network"], opts["network_name"], opts["network_flows"])
        }

        def word(x: str) -> str:
            if d.values == "country":
                return names.get(x, x)
            if d.attr == "network":
                return net_names.get(x, x)
            return i18n.category(d.values, x, lg) if d.values else x

        choices = opts[d.attr]
        if d.values == "country":  # a linked country absent from this data stays choosable
            choices = sorted(set(choices) | set(getattr(flt, d.attr)), key=lambda c: names.get(c, c))
        sb.multiselect(label, choices, key=key, placeholder=i18n.t("sb.choose", lg), format_func=word)
    elif d.kind == "text":
        sb.text_input(label, key=key, max_chars=100)
    else:

        def option(x: str) -> str:
            k = f"{d.values}.{x}_option"
            return i18n.t(k if k in i18n.CATALOG else f"{d.values}.{x}", lg)

        tip = f"{d.values}.help"
        sb.radio(
            label,
            list(d.vocab),
            key=key,
            format_func=option,
            help=i18n.t(tip, lg) if tip in i18n.CATALOG else None,
        )


def permalink(page: str = "") -> str:
    q = urllib.parse.urlencode(st.session_state.get(SYNC_KEY, {}))
    return f"{page}{'?' + q if q else ''}"


def app_root() -> str:
    """http://host:port of this app as the browser sees it ('' outside a browser session)."""
    try:
        url = (st.context.url or "").split("?")[0]
    except Exception:  # AppTest has no URL
        return ""
    parts = url.split("/")
    return "/".join(parts[:3]) if len(parts) >= 3 and parts[0].startswith("http") else ""


def absolute_link() -> str:
    """The address of this exact view (page + query string), for citations and share links."""
    try:
        base = (st.context.url or "").split("?")[0]
    except Exception:  # outside a browser session (AppTest) there is no URL
        base = ""
    return permalink(base) if base else permalink()


def dataset_label() -> str:
    """Names the data of this view in every caption, source line and citation."""
    ds_id, sc = scope()
    b = bundle()
    bundled = T("data.bundled", version=export.VERSION)
    if not ds_id:
        return bundled
    imported = b.meta.get("imported") or b.name
    if sc == "both":
        return f"{bundled} + {T('data.imported', name=imported, id=ds_id)}"
    return T("data.imported_on", name=b.name, id=ds_id, date=b.meta.get("created", "")[:10])


def md_escape(text: str) -> str:
    """User text inside Markdown captions: shown literally, never as links, images or HTML."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!<>|~$&" else ch for ch in str(text))


_SAFE_LINK = re.compile(
    r"https?://[A-Za-z0-9.\-]+(:[0-9]+)?(/[A-Za-z0-9._~%/\-]*)?(\?[A-Za-z0-9._~%=&+\-]*)?"
)


def cite_markdown(cite: str, link: str) -> str:
    """The citation line (export.citation, ending with its permalink) as Markdown: its text escaped, its permalink a
    working link. Escaped like the text, the link showed and carried backslashes (http://127\\.0\\.0\\.1…) because
    Markdown links the bare URL with them."""
    if not link or not cite.endswith(link):
        return md_escape(cite)
    shown = (
        f"<{link}>" if _SAFE_LINK.fullmatch(link) else f"`{link.replace('`', '')}`"
    )  # else shown literally, not linked
    return md_escape(cite[: -len(link)]) + shown


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


GEO_CHART_JS = (Path(__file__).parent / "static" / "js" / "geo_chart.js").read_text(encoding="utf-8")
CLICKER_JS = (Path(__file__).parent / "static" / "js" / "clicker.js").read_text(encoding="utf-8")


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


def chart(fig, key: str, geo: bool = False, on_select: bool = False, alt: str = ""):
    """Draw a chart (geo charts with the offline topojson config), its text alternative, and PNG/SVG/HTML exports
    rendered on the server when clicked, each with the citation of this view."""
    geo = geo or any(
        tr.type in ("scattergeo", "choropleth") for tr in fig.data
    )  # never let a geo chart reach for the CDN
    if geo:
        event = geo_chart(fig, key, on_select)
    else:
        event = st.plotly_chart(fig, width="stretch", config={"displaylogo": False}, key=key)
    if alt:
        st.caption(T("alt.prefix") + " " + md_escape(alt))
    flt = st.session_state.get("_flt", filters.Filter())
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


def downloads(view: pd.DataFrame, flt: filters.Filter, key: str, table: pd.DataFrame | None = None) -> None:
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
        row.download_button(
            T("dl.numbers"),
            data=lambda: export.neutralise(table).to_csv(index=False).encode("utf-8"),
            file_name=export.file_name(f"{key}-numbers", params, "csv"),
            mime="text/csv",
            key=f"{key}-numbers",
        )
    st.caption(T("deck.cite") + " " + cite_markdown(cite, link))


def empty_notice(flt: filters.Filter) -> None:
    st.info(T("ui.empty", filter=md_escape(flt.describe(bundle().countries, lang()))))


def current() -> tuple[filters.Filter, pd.DataFrame]:
    """The filter and view computed by the entry script for this run; names imported data at the top of the page."""
    if scope()[0]:
        st.caption(T("ui.data_in_view", data=md_escape(dataset_label())))
    return st.session_state["_flt"], st.session_state["_view"]


def compact(x: float, unit: str = "") -> str:
    """10342761 -> 'EUR 10.3 m' / '10,3 M EUR' so headline figures fit a projector column."""
    lg = lang()
    for div, suf in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(x) >= div:
            s = f"{i18n.number(x / div, lg, 1)} {T('num.' + suf)}"
            break
    else:
        s = i18n.number(x, lg)
    if not unit:
        return s
    return f"{unit} {s}" if lg == "en" else f"{s} {unit}"


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


def dates_in_language(df: pd.DataFrame) -> pd.DataFrame:
    """A table to show, with its date labels written the way the interface language writes them (exports keep the data's)."""
    lg = lang()
    cols = [c for c in df.columns if str(c).startswith("date_label")]
    if lg == i18n.DEFAULT or not cols:
        return df
    return df.assign(**{c: df[c].map(lambda x: i18n.date_label(x, lg)) for c in cols})


def _column_config(given) -> dict:
    """A column_config entry as a dict: Streamlit also takes a bare label string, or nothing."""
    return {"label": given} if isinstance(given, str) else dict(given or {})


def table(data, **kwargs):
    """st.dataframe for every table a page shows: an empty cell shows "—", and the header of a column with empty cells
    explains it ("— : not stated in the source") in the interface language, where Streamlit writes "None"."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("placeholder", "—")
    if isinstance(data, pd.DataFrame):
        cfg = dict(kwargs.get("column_config") or {})
        for c in data.columns[data.isna().any().to_numpy()]:
            if c not in cfg or cfg[c] is not None:  # None hides a column
                cfg[c] = {**_column_config(cfg.get(c)), "help": T("ui.not_stated")}
        kwargs["column_config"] = cfg
    return st.dataframe(data, **kwargs)


def categories_in_language(df: pd.DataFrame) -> pd.DataFrame:
    """A table to show, with its aid kinds and statuses (our classification codes, not source text; also `aid_kind_1`-style
    columns) in the interface language."""
    keys = {
        c: p
        for c in df.columns
        for field, p in (("aid_kind", "aid"), ("status", "status"))
        if re.fullmatch(rf"{field}(_\d)?", str(c))
    }
    if not keys:
        return df

    def word(prefix: str, v):
        return (
            v if pd.isna(v) or f"{prefix}.{v}" not in i18n.CATALOG else T(f"{prefix}.{v}")
        )  # empty stays empty

    return df.assign(**{c: df[c].astype(object).map(lambda v, p=p: word(p, v)) for c, p in keys.items()})


def headers(df: pd.DataFrame, **config) -> dict:
    """column_config giving a shown table's fields their headers in the interface language (locale/columns.toml).
    The data keeps its field names, so downloads still match the data dictionary; config adds per-column settings."""
    out = dict(config)
    for c in df.columns:
        if f"field.{c}" in i18n.CATALOG:
            label = T(f"field.{c}")
            if c not in out or out[c] is not None:
                given = _column_config(out.get(c))
                out[c] = {**given, "label": given.get("label") or label}
    return out


def T(key: str, **kw) -> str:
    """A UI string in the language of this view."""
    return i18n.t(key, lang(), **kw)


def num(x: float, decimals: int = 0) -> str:
    """A number written the way the language of this view writes it."""
    return i18n.number(x, lang(), decimals)
