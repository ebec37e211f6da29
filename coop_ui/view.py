"""View state and the URL: the active filter and data resolved from the URL and the widgets before a page runs,
view controls kept in the URL, permalinks, and the name of the data in view."""

from __future__ import annotations

import urllib.parse

import pandas as pd
import streamlit as st

from coop_data import datasets, export, filters, i18n
from coop_data.store import ID_PATTERN
from coop_ui.data import base_bundle, bundle, flows_for_scheme, open_bundle, options, store
from coop_ui.state import (
    BUNDLE,
    CONTROLS_READ,
    CONTROLS_SEEN,
    FLT,
    MORE_WAS,
    SCOPE,
    SIDEBAR,
    STORY_EDIT,
    SYNC_KEY,
    VIEW,
    W_DATA,
    W_LANG,
    W_MORE,
    control_seen,
    control_widget,
    filter_widget,
    lang,
    scope,
)
from coop_ui.text import T, md_escape

VIEW_PARAMS = ("dataset", "data")


STORY_PARAMS = (
    "story",
    "scene",
    "present",
    "highlight",
)  # read by the story, map and partnership pages; kept as they are


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
        st.session_state[filter_widget(d)] = _widget_value(d, getattr(f, d.attr))
    st.session_state[W_MORE] = _more_active(f)


MORE = filters.MORE  # dimensions drawn only when "More filters" is on


def _more_active(f: filters.Filter) -> bool:
    return any(getattr(f, a) != filters.BY_ATTR[a].empty for a in MORE)


def _set_scope_widget(sc: str) -> None:
    st.session_state[W_DATA] = sc


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
        st.session_state[STORY_EDIT] = (params.get("story", ""), edit_key[:100])
    ds_id, sc, data_notices = _data_params(params)
    if ds_id:
        b, ds_name = open_bundle(ds_id, sc)
    else:
        b, ds_name = base_bundle(), ""
    st.session_state[BUNDLE], st.session_state[SCOPE] = b, (ds_id, sc if ds_id else "bundled")
    opts = options(ds_id, sc if ds_id else "bundled")
    flt, notices = filters.parse(params, b.countries, set(opts["donor_region"]), set(opts["network"]))
    if (
        params != st.session_state.get(SYNC_KEY)
        or filter_widget(filters.BY_ATTR["date_from"]) not in st.session_state
    ):
        _set_widgets(flt)
        _set_scope_widget(sc)
        st.session_state[W_LANG] = i18n.lang_of(params.get("lang"))
    for n in data_notices + [n.text(lang()) for n in notices]:
        st.warning(n, icon="⚠️")
    ss = st.session_state
    lg = i18n.lang_of(ss.get(W_LANG))
    # "More filters" widgets are drawn only while the toggle is on. Off, their values are the URL's;
    # switched on, the widgets start from the URL (what Streamlit kept of them while hidden is stale).
    parsed, more = flt, bool(ss.get(W_MORE))
    if more and not ss.get(MORE_WAS):
        for d in filters.DIMENSIONS:
            if d.more:
                ss[filter_widget(d)] = _widget_value(d, getattr(parsed, d.attr))
    ss[MORE_WAS] = more
    hidden = () if more else MORE
    flt = filters.Filter(
        **{
            d.attr: getattr(parsed, d.attr) if d.attr in hidden else _filter_value(d, ss[filter_widget(d)])
            for d in filters.DIMENSIONS
        }
    )
    new = flt.to_params()
    if ds_id:
        new["dataset"] = ds_id
        chosen = ss.get(W_DATA, sc)
        if chosen != "imported":
            new["data"] = chosen
        if chosen != sc:
            b = open_bundle(ds_id, chosen)[0]
            st.session_state[BUNDLE], st.session_state[SCOPE] = b, (ds_id, chosen)
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
    ss[SIDEBAR] = (flt, len(view), opts, ds_id, ds_name)
    ss[FLT], ss[VIEW] = flt, view
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
    ss.setdefault(CONTROLS_READ, set()).add(c.key)
    ss.setdefault(CONTROLS_SEEN, set()).add(c.key)
    if draw is None:
        return value
    wkey, seen = control_widget(c), control_seen(c)
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
    read = ss.pop(CONTROLS_READ, set())
    stale = ss.get(CONTROLS_SEEN, set()) - read
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


def current() -> tuple[filters.Filter, pd.DataFrame]:
    """The filter and view computed by the entry script for this run; names imported data at the top of the page."""
    if scope()[0]:
        st.caption(T("ui.data_in_view", data=md_escape(dataset_label())))
    return st.session_state[FLT], st.session_state[VIEW]
