"""The data behind a view, cached once per process and shared between sessions (read-only for pages)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coop_data import answers, datasets, filters
from coop_data.load import Bundle, load_bundle
from coop_data.store import Store
from coop_ui.state import BUNDLE, FLT, scope


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


def flowless_networks(flt: filters.Filter) -> list[str]:
    """The names of the networks/funds the filter chose when none of them has a flow in the data (a fund known
    from its own page only): an empty view then says why, not just "0 records"."""
    chosen = tuple(getattr(flt, "network", ()) or ())
    if not chosen:
        return []
    o = options(*scope())
    flows, names = dict(zip(o["network"], o["network_flows"])), dict(zip(o["network"], o["network_name"]))
    return [] if any(flows.get(v, 0) for v in chosen) else [names.get(v, v) for v in chosen]


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
    flt = st.session_state[FLT]
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
    return st.session_state.get(BUNDLE) or base_bundle()
