"""The doubts a record carries, in words: its flags and how lasting its source address is.

Tables on screen show these beside the status and the source link, so a reader sees a doubt where
the figure is (issue 15). The stored values stay codes (vocab.FLAGS, vocab.STABILITY); the words
come from the locale files.
"""

from __future__ import annotations

import pandas as pd

from .i18n import CATALOG, t


def flag_words(flags: pd.Series, lang: str = "en") -> pd.Series:
    """';'-separated flag codes as their labels, '; '-joined; empty stays empty."""

    def words(v) -> str:
        codes = [c for c in str(v if isinstance(v, str) else "").split(";") if c]
        return "; ".join(t(f"flag.{c}", lang) if f"flag.{c}" in CATALOG else c for c in codes)

    return flags.map(words) if len(flags) else flags.astype(object)


def source_stability(source_ids: pd.Series, sources: pd.DataFrame, lang: str = "en") -> pd.Series:
    """The stability label of each row's source, only for weaker sources (empty for an article page)."""
    if "stability" not in sources:
        return pd.Series("", index=source_ids.index, dtype=object)
    stab = {i: s for i, s in zip(sources["source_id"], sources["stability"]) if isinstance(s, str) and s}
    # user-supplied sources (an imported dataset) carry no stability: nothing is claimed about them
    return source_ids.map(
        lambda i: t(f"stability.{stab[i]}", lang) if stab.get(i, "stable") != "stable" else ""
    ).astype(object)


def with_doubts(
    shown: pd.DataFrame, rows: pd.DataFrame, sources: pd.DataFrame, lang: str = "en"
) -> pd.DataFrame:
    """`shown` (a table about to be drawn, same index as `rows`) with `flags` in words and `stability`
    of the source beside it."""
    out = shown.copy()
    if "flags" in rows:
        out["flags"] = flag_words(rows["flags"].reindex(shown.index), lang)
    if "source_id" in rows:
        out["stability"] = source_stability(rows["source_id"].reindex(shown.index), sources, lang)
    return out
