"""Tables as pages show them: empty cells explained, headers, dates and our category codes in the interface language."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from coop_data import columns, i18n
from coop_ui.state import lang
from coop_ui.text import T, md_escape


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
        cfg = headers(data, **dict(kwargs.get("column_config") or {}))  # no raw field name as a header
        for c in data.columns[data.isna().any().to_numpy()]:
            if c not in cfg or cfg[c] is not None:  # None hides a column
                cfg[c] = {**_column_config(cfg.get(c)), "help": T("ui.not_stated")}
        for c in data.columns:
            if c not in cfg or cfg[c] is not None:
                given = _column_config(cfg.get(c))
                cfg[c] = {**given, "label": _header(given.get("label") or str(c))}
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


def header_key(column) -> str | None:
    """The locale key of a field's header: the data dictionary's (`field.*`), else a page column's (`col.*`), else
    the filter's name of that dimension (`stage.*`: 'recipient_country')."""
    for key in (f"field.{column}", f"col.{column}", f"stage.{column}"):
        if key in i18n.CATALOG:
            return key
    return None


def _header(label: str) -> str:
    """A header as a header: a field name without a locale key is at least written in words ('source_url' ->
    'Source url'), and every header starts with a capital ('source' -> 'Source')."""
    label = label.replace("_", " ") if re.fullmatch(r"[a-z0-9_]+", label) else label
    return label[:1].upper() + label[1:]


def header_words(df: pd.DataFrame) -> pd.DataFrame:
    """A table with its headers in the interface language, for a static table (st.table takes no column_config)."""
    return df.rename(columns={c: _header(T(k) if (k := header_key(c)) else str(c)) for c in df.columns})


def plain(value) -> str:
    """A cell as literal text in a static table, whose cells are Markdown: never a link (bare web addresses
    included: their colon is escaped too), emphasis or HTML."""
    return (
        "—"
        if value is None or (isinstance(value, float) and pd.isna(value))
        else md_escape(value).replace(":", "\\:")
    )


def wrapped(df: pd.DataFrame, height: int | None = None):
    """A table whose long texts wrap and are read in full (st.dataframe cuts them at the column's edge): headers in
    the interface language, every cell literal text. For short tables (a check report's first rows)."""
    shown = header_words(df)
    return st.table(
        shown.astype(object).map(plain).rename(columns=plain),
        hide_index=True,
        height=height if height is not None else "content",
    )


def headers(df: pd.DataFrame, **config) -> dict:
    """column_config giving a shown table's fields their headers in the interface language (locale/columns.toml,
    else a page column's `col.*` header).
    The data keeps its field names, so downloads still match the data dictionary; config adds per-column settings."""
    out = dict(config)
    for c in df.columns:
        key = header_key(c)
        if key is not None:
            label = T(key)
            if c not in out or out[c] is not None:
                given = _column_config(out.get(c))
                out[c] = {**given, "label": given.get("label") or label}
    return out


PARTNERSHIP_COLUMNS = [
    c for c in columns.USER_PARTNERSHIP_FIELDS if not c.startswith(("latitude", "longitude"))
]


def partnerships_table(p: pd.DataFrame):
    """Stated partnerships as every page shows them: the fields of a partnerships file, without coordinates."""
    shown = p[PARTNERSHIP_COLUMNS]
    return table(
        shown,
        hide_index=True,
        column_config=headers(
            shown,
            source_url=st.column_config.LinkColumn(T("col.source")),
            since_year=st.column_config.NumberColumn(format="%d"),
        ),
    )
