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
