"""Work done once per distinct value: a million rows hold a few thousand names, dates or sources."""

from __future__ import annotations

import numpy as np
import pandas as pd


def per_value(s: pd.Series, fn, dtype=object) -> pd.Series:
    """fn applied once per distinct value of `s`, spread back to every row (a missing value gives "")."""
    codes, uniques = pd.factorize(s)
    values = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)  # iterating Arrow text is slow
    done = np.array([fn(v) for v in values] + [""], dtype=object)  # code -1 (a missing value) -> ""
    return pd.Series(done[codes], index=s.index, dtype=dtype)


def row_codes(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(each row's number among the distinct rows, numbered in order of first appearance; where each first
    appears), comparing whole rows through integer codes instead of joined text."""
    code, size = np.zeros(len(df), np.int64), 1
    for c in df.columns:
        cc, uniq = pd.factorize(df[c])
        if size * (len(uniq) + 1) >= 1 << 62:  # renumber before the mixed-radix number could overflow
            code, seen = pd.factorize(code)
            size = len(seen)
        code, size = code * (len(uniq) + 1) + cc + 1, size * (len(uniq) + 1)
    code, _ = pd.factorize(code)
    # Numbered in order of first appearance: a row is a first where its number exceeds every number before it.
    before = np.maximum.accumulate(np.r_[-1, code[:-1]]) if len(code) else code
    return code, np.flatnonzero(code > before)
