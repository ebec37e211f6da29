"""Load the bundled tables with the dtypes their schema declares, and enrich flows.

Enrichment adds what every view needs - regions, North/South groups,
direction category, EUR/USD values, date bounds, coordinates and whether the
row counts in totals - once, so pages only filter and group.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import aggregate, classify, dates, money
from .distinct import row_codes
from .schema import TABLES, Table

DATA = Path(__file__).parent / "data"
# Flow columns with few distinct values, kept as categories (a tenth of the memory; grouping by them is fast).
CATEGORICAL = (
    "direction",
    "aid_kind",
    "status",
    "donor_level",
    "recipient_level",
    "donor_region",
    "recipient_region",
)


def read_table(table: Table, path: Path | None = None) -> pd.DataFrame:
    path = path or DATA / table.path
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return typed(df, table)


def typed(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Cast string columns to the schema's types; empty strings become missing."""
    out = df.copy(deep=False)  # copy-on-write: each cast column is replaced, `df` keeps its own
    for f in table.fields:
        if f.name not in out:
            continue
        col = _stripped(out[f.name])
        if f.type == "number":
            out[f.name] = _number(col, "float64")
        elif f.type == "integer":
            out[f.name] = _number(col, "Int64")
        elif f.type == "boolean":
            out[f.name] = col.str.lower().isin(["true", "1", "yes"])
        else:
            out[f.name] = col.fillna("").astype(
                "str"
            )  # Arrow-backed: a tenth of the memory of Python objects
    return out


def _stripped(col: pd.Series) -> pd.Series:
    """The column trimmed. Arrow-backed `str` text that has nothing to trim is the column itself (a checked
    import's million rows are already trimmed: no second copy of them while the wide table is built)."""
    if col.dtype != "str":
        return col.astype("string").str.strip()
    trimmed = col.str.strip()
    lengths = trimmed.str.len().fillna(0).to_numpy() != col.str.len().fillna(0).to_numpy()
    return trimmed if lengths.any() else col


def _number(col: pd.Series, dtype: str) -> pd.Series:
    """Text as numbers, blank and unreadable cells missing. Arrow parses a column of plain numbers (what a
    checked import holds) in one pass; a column it cannot parse whole goes through pandas, cell by cell."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        text = pa.array(col.array)
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, text.type), text)
        arrow = pa.float64() if dtype == "float64" else pa.int64()
        got = pc.cast(text, arrow).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        return pd.Series(got.to_numpy() if dtype == "float64" else got.array, index=col.index, dtype=dtype)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return pd.to_numeric(col.replace("", pd.NA), errors="coerce").astype(dtype)


# Bundle.name of the bundled data: compared, never shown (its label is the locale key data.bundled, story.data_label).
BUNDLED_NAME = "Bundled dataset"


@dataclass
class Bundle:
    flows: pd.DataFrame
    actors: pd.DataFrame
    partnerships: pd.DataFrame
    funds: pd.DataFrame
    facts: pd.DataFrame
    sources: pd.DataFrame
    countries: pd.DataFrame
    fx_rates: pd.DataFrame
    excluded_flows: pd.DataFrame
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)  # values changed since v0.1 (schema.CHANGES)
    name: str = BUNDLED_NAME
    meta: dict = field(default_factory=dict)
    wb_income: pd.DataFrame | None = None  # World Bank lists by fiscal year; None = the bundled file

    def with_scheme(self, scheme: str) -> pd.DataFrame:
        """Flows with `direction` under another North/South scheme (the flows themselves for the default: no copy)."""
        if scheme == classify.DEFAULT_SCHEME and "direction" in self.flows:
            return self.flows
        return add_direction(self.flows, self.countries, scheme, self.wb_income)


def add_direction(
    flows: pd.DataFrame,
    countries: pd.DataFrame,
    scheme: str,
    wb: pd.DataFrame | None = None,
    copy: bool = True,
) -> pd.DataFrame:
    """North/South of each side (for `income`: the World Bank list in force at the flow's date) and direction.
    `copy=False`: widen `flows` itself (enrichment's own frame, a million rows wide)."""
    out = flows.copy() if copy else flows
    for side in ("donor", "recipient"):
        out[f"{side}_group"] = classify.dated_groups(
            out[f"{side}_country_iso3"], out["date"], countries, scheme, wb
        )
    out["group_basis"] = classify.fiscal_label(out["date"]) if scheme == "income" else "Natural Earth ECONOMY"
    # The rules read five columns: each distinct combination (a few thousand in a million flows) is decided once.
    sides = out[
        ["donor_country_iso3", "recipient_country_iso3", "donor_level", "donor_group", "recipient_group"]
    ]
    code, first = row_codes(sides)
    u = sides.iloc[first]
    decided = classify.direction(
        u["donor_country_iso3"],
        u["recipient_country_iso3"],
        u["donor_level"],
        donor_group=u["donor_group"],
        recipient_group=u["recipient_group"],
    )
    out["direction"] = pd.Series(decided.to_numpy()[code], index=out.index)
    return out


def enrich(
    flows: pd.DataFrame,
    actors: pd.DataFrame,
    countries: pd.DataFrame,
    fx: pd.DataFrame,
    scheme: str = classify.DEFAULT_SCHEME,
    wb: pd.DataFrame | None = None,
    copy: bool = True,
) -> pd.DataFrame:
    """Flows with countries, regions, coordinates, directions, dates and money added. `copy=False`: the caller hands
    over a frame it no longer holds (an import's million rows), which is widened in place instead of copied."""
    f = flows.copy() if copy else flows
    del flows  # with copy=False the only reference left is `f`: each copy below replaces it
    for col in ("research_area", "research_note"):  # second-round fields; empty for other data
        f[col] = f[col].fillna("") if col in f else ""
    reg = countries.set_index("iso3")[["name", "region", "subregion"]]
    a = actors.set_index("actor_id")[["latitude", "longitude", "placement"]]
    for side in ("donor", "recipient"):
        iso = f[f"{side}_country_iso3"]
        c = _lookup(iso, reg)
        f[f"{side}_country"] = c["name"].fillna(iso.replace("", "unknown"))
        f[f"{side}_region"] = c["region"].fillna("unknown")
        f[f"{side}_subregion"] = c["subregion"].fillna("unknown")
        p = _lookup(f[f"{side}_actor_id"], a)
        f[f"{side}_lat"] = p["latitude"]
        f[f"{side}_lon"] = p["longitude"]
        f[f"{side}_placement"] = p["placement"].fillna("unplaced")
        f[f"{side}_label"] = f[f"{side}_city"].where(f[f"{side}_city"] != "", f[f"{side}_name"])
    f = add_direction(f, countries, scheme, wb, copy=False)
    # A million flows have a few hundred distinct dates: each is read once.
    codes, uniq = pd.factorize(f["date"], use_na_sentinel=False)
    u = pd.Series(uniq, dtype=f["date"].dtype)
    start, end = dates.bounds(u)
    f["date_start"], f["date_end"] = (x.iloc[codes].set_axis(f.index) for x in (start, end))
    f["date_label"] = dates.display_series(u).iloc[codes].set_axis(f.index)
    f = pd.concat([f, money.convert(f["amount"], f["currency"], f["date"], fx)], axis=1)
    f = aggregate.add_counting(f)  # counted, overlaps_details, rest of programme: one rule for every view
    for col in CATEGORICAL:
        f[col] = f[col].astype("category")
    return f


def _lookup(keys: pd.Series, table: pd.DataFrame) -> pd.DataFrame:
    """`keys.map(table[c])` for every column of `table` (unique index) at once, each distinct key looked up once."""
    codes, uniq = pd.factorize(keys, use_na_sentinel=False)
    return table.reindex(pd.Index(uniq)).iloc[codes].set_axis(keys.index)


def read_bundle(folder: Path = DATA) -> Bundle:
    t = {name: read_table(table, folder / table.path) for name, table in TABLES.items()}
    t["flows"] = enrich(t["flows"], t["actors"], t["countries"], t["fx_rates"], wb=t["wb_income"])
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return Bundle(**t, meta=meta)


@functools.lru_cache(maxsize=1)
def load_bundle() -> Bundle:
    """The bundled data, read once per process."""
    return read_bundle(DATA)
