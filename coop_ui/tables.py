"""Tables as pages show them: empty cells explained, headers, dates and our category codes in the interface language."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from coop_data import i18n
from coop_ui import state
from coop_ui.text import T


def dates_in_language(df: pd.DataFrame) -> pd.DataFrame:
    """A table to show, with its date labels written the way the interface language writes them (exports keep the data's)."""
    lg = state.lang()
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
