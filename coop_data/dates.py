"""Dates that keep their precision: a month stays a month, never the 1st."""

from __future__ import annotations

import pandas as pd

# The data's label of a flow without a date (i18n.date_label words it in the interface language).
UNKNOWN = "date unknown"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def bounds(date: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day each (possibly partial) date could mean; NaT when unknown."""
    s = date.fillna("").astype(str).str.strip()
    start_txt = s.where(s.str.len() != 4, s + "-01-01").where(lambda x: x.str.len() != 7, s + "-01")
    start = pd.to_datetime(start_txt.where(s != ""), format="%Y-%m-%d", errors="coerce")
    end = start.copy()
    y, m = s.str.len() == 4, s.str.len() == 7
    end[y] = start[y] + pd.offsets.YearEnd(0)
    end[m] = start[m] + pd.offsets.MonthEnd(0)
    return start, end


def display(date: str, precision: str | None = None) -> str:
    """'2020-05-28' -> '28 May 2020', '2020-03' -> 'Mar 2020', '2020' -> '2020', '' -> 'date unknown'."""
    d = (date or "").strip() if isinstance(date, str) else ""
    if not d:
        return UNKNOWN
    parts = d.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


def display_series(date: pd.Series) -> pd.Series:
    return date.fillna("").astype(str).map(display)
