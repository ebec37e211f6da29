"""Streamlit glue shared by every page: the filter sidebar synced with the URL,
and the chart block (title, subtitle, source, table twin and downloads).

Logic lives in `coop_data`; this module only draws widgets and moves state
between the URL, the widgets and the session.
"""
from __future__ import annotations

import urllib.parse

import pandas as pd
import streamlit as st

from coop_data import classify, datasets, export, filters, i18n
from coop_data.load import Bundle, load_bundle
from coop_data.figures import geo_config
from coop_data.figures.render import FORMATS as RENDER_FORMATS, render
from coop_data.store import ID_PATTERN, Store

MONTHS = [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 13)]
SYNC_KEY = "_url_params"


VIEW_PARAMS = ("dataset", "data")
STORY_PARAMS = ("story", "scene", "present")  # read by the story page; kept as they are


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
    f = b.flows
    names = dict(zip(b.countries["iso3"], b.countries["name"]))

    def uniq(col):
        return set(pd.unique(f[col].astype(str)))

    return {
        "regions": sorted(set(b.countries["region"].dropna()) | {"unknown"}),
        "networks": sorted((uniq("channel_network") | uniq("fund_id")) - {""}),
        "donor_countries": sorted(uniq("donor_country_iso3") - {""}, key=lambda c: names.get(c, c)),
        "recipient_countries": sorted(uniq("recipient_country_iso3") - {""}, key=lambda c: names.get(c, c)),
        "aid_kinds": sorted(uniq("aid_kind")),
        "levels": sorted(uniq("donor_level") | uniq("recipient_level")),
    }


@st.cache_resource(show_spinner=False, max_entries=128, ttl=3600)
def _per_view(name: str, dataset_id: str, scope_: str, flt_key: str, args_key: str, _fn, _args, _flt):
    flows = flows_for_scheme(_flt.scheme, dataset_id, scope_) if dataset_id else flows_for_scheme(_flt.scheme)
    return _fn(_flt.apply(flows), *_args)


def clear_dataset_caches() -> None:
    """After an owner edits or deletes a dataset, every cached view of it must go."""
    for fn in (open_bundle, flows_for_scheme, options, _per_view):
        fn.clear()


def per_view(fn, *args):
    """fn(view, *args) computed once per (data, filter, args) and shared: a rerun of the same view is instant at any size.
    Results are shared between sessions and must be treated as read-only."""
    flt = st.session_state["_flt"]
    ds_id, sc = scope()
    return _per_view(f"{fn.__module__}.{fn.__qualname__}", ds_id, sc, repr(flt), repr(args), fn, args, flt)


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
        notices.append("No imported dataset has the id in this link (it may have been deleted): showing the bundled data.")
        ds_id = ""
    if sc and sc not in datasets.SCOPES:
        notices.append(f"Ignored unknown data scope '{sc[:20]}' (use bundled, imported or both).")
        sc = ""
    return ds_id, (sc or ("imported" if ds_id else "bundled")), notices


def _current_params() -> dict[str, str]:
    return {k: st.query_params[k] for k in st.query_params.keys()}


def _restore_across_pages() -> None:
    """Streamlit drops the query string on page switch: put the session's view back."""
    saved = st.session_state.get(SYNC_KEY)
    if saved and not _current_params():
        st.query_params.from_dict(saved)


def _set_widgets(f: filters.Filter) -> None:
    st.session_state["w_from"] = f.date_from or "any"
    st.session_state["w_to"] = f.date_to or "any"
    for name in filters.LIST_PARAMS:
        st.session_state[f"w_{name}"] = list(getattr(f, name))
    st.session_state["w_city"] = f.city
    st.session_state["w_scheme"] = f.scheme


def lang() -> str:
    """Interface language of this view (URL `lang`, kept across pages)."""
    return i18n.lang_of(st.session_state.get("w_lang") or st.query_params.get("lang") or st.session_state.get(SYNC_KEY, {}).get("lang"))


def _set_scope_widget(sc: str) -> None:
    st.session_state["w_data"] = sc


def _reset() -> None:
    """Clear the filters; keep which data is shown and the language."""
    keep = {k: v for k, v in st.session_state.get(SYNC_KEY, {}).items() if k in VIEW_PARAMS + ("lang",)}
    st.query_params.from_dict(keep)
    st.session_state[SYNC_KEY] = keep
    _set_widgets(filters.Filter())


def sidebar() -> tuple[filters.Filter, pd.DataFrame]:
    """Draw the shared filters; return the active Filter and the filtered flows."""
    _restore_across_pages()
    params = _current_params()
    ds_id, sc, data_notices = _data_params(params)
    if ds_id:
        b, ds_name = open_bundle(ds_id, sc)
    else:
        b, ds_name = base_bundle(), ""
    st.session_state["_bundle"], st.session_state["_scope"] = b, (ds_id, sc if ds_id else "bundled")
    opts = options(ds_id, sc if ds_id else "bundled")
    regions, networks = opts["regions"], opts["networks"]
    flt, notices = filters.parse(params, b.countries, set(regions), set(networks))
    if params != st.session_state.get(SYNC_KEY) or "w_scheme" not in st.session_state:
        _set_widgets(flt)
        _set_scope_widget(sc)
        st.session_state["w_lang"] = i18n.lang_of(params.get("lang"))
    for n in data_notices + notices:
        st.warning(n, icon="⚠️")
    names = dict(zip(b.countries["iso3"], b.countries["name"]))
    sb = st.sidebar
    lg = i18n.lang_of(st.session_state.get("w_lang"))
    sb.selectbox(i18n.t("sb.language", lg) + " · Language", list(i18n.LANGS), key="w_lang", format_func=i18n.LANGS.get)
    lg = i18n.lang_of(st.session_state.get("w_lang"))
    if ds_id:
        sb.header(i18n.t("sb.data", lg))
        sb.radio(i18n.t("sb.show", lg), list(datasets.SCOPES), key="w_data", format_func=datasets.SCOPE_LABELS.get,
                 help="Your imported dataset, the bundled (curated) data, or both together")
        sb.caption("Imported dataset: " + md_escape(ds_name))
    sb.header(i18n.t("sb.filters", lg))
    months = ["any"] + sorted(set(MONTHS) | {flt.date_from, flt.date_to} - {""})
    c1, c2 = sb.columns(2)
    c1.selectbox(i18n.t("sb.from", lg), months, key="w_from", format_func=lambda m: i18n.t("sb.any", lg) if m == "any" else m)
    c2.selectbox(i18n.t("sb.to", lg), months, key="w_to", format_func=lambda m: i18n.t("sb.any", lg) if m == "any" else m)
    sb.multiselect(i18n.t("sb.direction", lg), list(classify.DIRECTION_LABELS), key="w_direction", format_func=lambda d: i18n.t(f"dir.{d}", lg))
    donor_c, recip_c = opts["donor_countries"], opts["recipient_countries"]
    sb.multiselect(i18n.t("sb.donor_country", lg), sorted(set(donor_c) | set(flt.donor_country)), key="w_donor_country", format_func=lambda c: names.get(c, c))
    sb.multiselect(i18n.t("sb.recipient_country", lg), sorted(set(recip_c) | set(flt.recipient_country)), key="w_recipient_country", format_func=lambda c: names.get(c, c))
    sb.multiselect(i18n.t("sb.donor_region", lg), regions, key="w_donor_region")
    sb.multiselect(i18n.t("sb.recipient_region", lg), regions, key="w_recipient_region")
    sb.text_input(i18n.t("sb.city", lg), key="w_city", max_chars=100)
    with sb.expander(i18n.t("sb.more", lg)):
        st.multiselect(i18n.t("sb.aid_kind", lg), opts["aid_kinds"], key="w_aid_kind")
        st.multiselect(i18n.t("sb.level", lg), opts["levels"], key="w_level")
        st.multiselect(i18n.t("sb.status", lg), ["delivered", "announced", "planned", "cancelled", "unknown"], key="w_status")
        st.multiselect(i18n.t("sb.network", lg), networks, key="w_network")
        st.radio(i18n.t("sb.scheme", lg), list(classify.SCHEMES), key="w_scheme", format_func=lambda s: classify.SCHEMES[s]["label"])
    sb.button(i18n.t("sb.reset", lg), on_click=_reset)
    ss = st.session_state
    flt = filters.Filter(
        date_from="" if ss["w_from"] == "any" else ss["w_from"], date_to="" if ss["w_to"] == "any" else ss["w_to"],
        city=ss["w_city"].strip(), scheme=ss["w_scheme"], **{n: tuple(ss[f"w_{n}"]) for n in filters.LIST_PARAMS},
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
    for k in STORY_PARAMS:
        if k in params:
            new[k] = params[k][:40]
    if lg != i18n.DEFAULT:
        new["lang"] = lg
    if new != params:
        st.query_params.from_dict(new)
    ss[SYNC_KEY] = new
    view = flt.apply(flows_for_scheme(flt.scheme, ds_id, sc) if ds_id else flows_for_scheme(flt.scheme))
    sb.caption(i18n.t("sb.match", lg, n=i18n.number(len(view), lg), total=i18n.number(len(b.flows), lg)) + " " + md_escape(flt.describe(b.countries, lg)))
    sb.caption(i18n.t("sb.link", lg))
    return flt, view


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
    if not ds_id:
        return "City Solidarity Flows bundled data v" + export.VERSION
    imported = b.meta.get("imported") or b.name
    if sc == "both":
        return f"City Solidarity Flows bundled data v{export.VERSION} + imported dataset '{imported}' ({ds_id})"
    return f"imported dataset '{b.name}' ({ds_id}, imported {b.meta.get('created', '')[:10]})"


def md_escape(text: str) -> str:
    """User text inside Markdown captions: shown literally, never as links, images or HTML."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!<>|~$&" else ch for ch in str(text))


def source_line(view: pd.DataFrame) -> str:
    b = bundle()
    n = view["source_url"].nunique()
    mirror = view["source_id"].isin(b.sources.loc[b.sources["reliability"] == "mirror_copy", "source_id"]).sum()
    user = view["source_id"].isin(b.sources.loc[b.sources["reliability"] == "user_supplied", "source_id"]).sum()
    extra = f"; {mirror} rows cite mirror copies (lower confidence)" if mirror else ""
    extra += f"; {user} rows cite sources from an imported file, not checked by the project" if user else ""
    return f"Sources: {n} pages cited by {len(view)} records (links in the table and downloads){extra}. Data: {dataset_label()}."


def chart(fig, key: str, geo: bool = False, on_select: bool = False, alt: str = ""):
    """Draw a chart (geo charts with the offline topojson config), its text alternative, and PNG/SVG/HTML exports
    rendered on the server when clicked, each with the citation of this view."""
    geo = geo or any(tr.type in ("scattergeo", "choropleth") for tr in fig.data)  # never let a geo chart reach for the CDN
    cfg = geo_config() if geo else {"displaylogo": False}
    kwargs = dict(width="stretch", config=cfg, key=key)
    if on_select:
        kwargs.update(on_select="rerun", selection_mode=("points",))
    event = st.plotly_chart(fig, **kwargs)
    if alt:
        st.caption("Text alternative: " + md_escape(alt))
    flt = st.session_state.get("_flt", filters.Filter())
    cite = export.citation(flt.describe(bundle().countries, lang()), absolute_link(), dataset=dataset_label())
    cols = st.columns([1, 1, 1, 5])
    for col, fmt in zip(cols, ("png", "svg", "html")):
        col.download_button(fmt.upper(), data=lambda fmt=fmt: render(fig, fmt, cite=cite, alt=alt), file_name=f"{key}.{fmt}",
                            mime=RENDER_FORMATS[fmt], key=f"{key}-img-{fmt}",
                            help=f"This chart as {fmt.upper()}, rendered on the server with its citation" + (" and text alternative" if alt else ""))
    return event


def downloads(view: pd.DataFrame, flt: filters.Filter, key: str, table: pd.DataFrame | None = None) -> None:
    """CSV/XLSX/JSON/GeoJSON of exactly the filtered rows, with the citation line."""
    b = bundle()
    cite = export.citation(flt.describe(b.countries, lang()), absolute_link(), dataset=dataset_label())
    cols = st.columns(5 if table is not None else 4)
    for col, fmt, mime in zip(cols, ("csv", "xlsx", "json", "geojson"),
                              ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/json", "application/geo+json")):
        # Deferred: the file is built only when the button is clicked, not on every rerun.
        col.download_button(f"{fmt.upper()}", data=lambda fmt=fmt: export.export(view, fmt, cite, b.sources), file_name=f"city-solidarity-flows.{fmt}",
                            mime=mime, key=f"{key}-{fmt}", help=f"The {len(view)} flows of this view as {fmt.upper()}")
    if table is not None:
        cols[4].download_button("Chart numbers (CSV)", data=lambda: export.neutralise(table).to_csv(index=False).encode("utf-8"),
                                file_name=f"{key}-numbers.csv", mime="text/csv", key=f"{key}-numbers")
    st.caption("Cite this view: " + md_escape(cite))


def empty_notice(flt: filters.Filter) -> None:
    st.info(f"No flows match: {md_escape(flt.describe(bundle().countries))} Widen the filters or press 'Reset filters'.")



def current() -> tuple[filters.Filter, pd.DataFrame]:
    """The filter and view computed by the entry script for this run; names imported data at the top of the page."""
    if scope()[0]:
        st.caption(f"Data in this view: {md_escape(dataset_label())}.")
    return st.session_state["_flt"], st.session_state["_view"]


def compact(x: float, prefix: str = "") -> str:
    """10342761 -> 'EUR 10.3 m' so headline figures fit a projector column."""
    for div, suf in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if abs(x) >= div:
            return f"{prefix}{x / div:,.1f}{suf}"
    return f"{prefix}{x:,.0f}"
