"""The filter sidebar, drawn after the page with the values `view.resolve_view` used."""

from __future__ import annotations

import streamlit as st

from coop_data import datasets, filters, i18n
from coop_ui.data import bundle, flowless_networks
from coop_ui.state import SIDEBAR, W_DATA, W_LANG, W_MORE, filter_widget
from coop_ui.text import md_escape
from coop_ui.view import _forget_other_controls, _reset

MONTHS = [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 13)]


def draw_sidebar() -> None:
    """The shared filter widgets, drawn after the page with the values `resolve_view` used."""
    _forget_other_controls()
    flt, n_view, opts, ds_id, ds_name = st.session_state[SIDEBAR]
    b = bundle()
    names = dict(zip(b.countries["iso3"], b.countries["name"]))
    sb = st.sidebar
    lg = i18n.lang_of(st.session_state.get(W_LANG))
    label = i18n.t("sb.language", lg) + (
        "" if lg == "en" else " · Language"
    )  # findable by a reader of English in any language
    sb.selectbox(label, list(i18n.LANGS), key=W_LANG, format_func=i18n.LANGS.get)
    if ds_id:
        sb.header(i18n.t("sb.data", lg))
        sb.radio(
            i18n.t("sb.show", lg),
            list(datasets.SCOPES),
            key=W_DATA,
            format_func=lambda x: i18n.t(f"scope.{x}", lg),
            help=i18n.t("sb.show_help", lg),
        )
        sb.caption(i18n.t("sb.imported", lg) + " " + md_escape(ds_name))
    sb.header(i18n.t("sb.filters", lg))
    _draw_dimensions(sb, [d for d in filters.DIMENSIONS if not d.more], flt, opts, names, lg)
    # A toggle, not an expander: Streamlit's browser side builds a collapsed expander's widgets anyway (0.15 s of a cold load).
    if sb.toggle(i18n.t("sb.more", lg), key=W_MORE):
        _draw_dimensions(sb, [d for d in filters.DIMENSIONS if d.more], flt, opts, names, lg)
    sb.button(i18n.t("sb.reset", lg), on_click=_reset)
    sb.caption(
        i18n.t("sb.match", lg, n=i18n.number(n_view, lg), total=i18n.number(len(b.flows), lg))
        + " "
        + md_escape(flt.describe(b.countries, lg))
    )
    if n_view == 0 and (
        nets := flowless_networks(flt)
    ):  # why the view is empty, where "0 of 583" says nothing
        sb.caption(
            i18n.t(
                "ui.empty_network",
                lg,
                n=len(nets),
                names=md_escape(" ; ".join(nets)),
                page=i18n.t("nav.funds", lg),
            )
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
    key, label = filter_widget(d), i18n.t(d.label, lg)
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
        if (
            d.attr == "network"
        ):  # networks with flows first: a typed name + Enter takes one that shows something
            has_flow = dict(zip(opts["network"], opts["network_flows"]))
            choices = sorted(choices, key=lambda v: not has_flow.get(v, 0))
        if d.values == "country":  # a linked country absent from this data stays choosable
            choices = sorted(set(choices) | set(getattr(flt, d.attr)), key=lambda c: names.get(c, c))
        # No "Select N matches" row: Streamlit puts it first while a search is typed, so a name + Enter chose every
        # option holding that text ("UCLG" gave four networks); without it Enter takes the best match only.
        sb.multiselect(
            label, choices, key=key, placeholder=i18n.t("sb.choose", lg), format_func=word, select_all=False
        )
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
