"""Imported datasets as the app and the CLI see them (`pipeline` imports them): open a dataset
as a `Bundle` (alone or merged with the bundled data), export it.

A dataset keeps the user's accepted rows as written after normalisation and
their place choices; opening it rebuilds the computed fields (direction,
EUR/USD, coordinates, placement) with exactly the code the bundled data uses.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import replace

import pandas as pd

from . import importer, parquet
from .load import CATEGORICAL, DATA, Bundle, load_bundle, read_table
from .messages import stored_frame
from .schema import TABLES
from .store import Dataset, Store
from .store import frame_from as store_frame

SCOPES = ("bundled", "imported", "both")


def clean_name(name: str, fallback: str = "Imported dataset") -> str:
    """A dataset name shown in captions: one line, printable, at most 80 characters."""
    s = " ".join(str(name or "").split())
    s = "".join(ch for ch in s if ch.isprintable())[:80].strip()
    return s or fallback


def to_dataset(
    prep: importer.Prepared, choices: dict[str, int] | None, name: str, filename: str, original: bytes
) -> Dataset:
    return Dataset(
        kind=prep.kind,
        name=clean_name(name, clean_name(filename)),
        rows=prep.accepted.assign(_row=prep.raw.rows[prep.valid].to_numpy()),
        set_aside=stored_frame(prep.set_aside()),  # messages kept as key + parameters (JSON), not words
        original=original,
        filename=clean_name(filename, ""),
        mapping=prep.mapping,
        options=prep.options.as_dict(),
        choices=dict(choices or {}),
        notes=[n.as_dict() for n in prep.notes],
        problems=stored_frame(prep.problem_table()),
        counts=prep.counts(),
    )


def place_questions(ds: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ambiguous and unplaced names of a stored dataset, with their rows in the user's file."""
    rows = (
        ds.rows["_row"].astype(int)
        if "_row" in ds.rows
        else pd.Series(range(2, len(ds.rows) + 2), index=ds.rows.index)
    )
    return importer.place_questions(ds.rows, rows, ds.kind)


def _empty_like(df: pd.DataFrame) -> pd.DataFrame:
    return df.iloc[0:0].copy()


# The built tables (placed, enriched) are stored with the dataset as Parquet parts so that opening it reads them
# instead of re-running placement and enrichment. They are valid for one fingerprint: the place choices, the
# bundled reference tables they were enriched with, and BUILT_FORMAT (raise it when building changes).
BUILT_FORMAT = 1
BUILT = ("flows", "actors", "partnerships", "sources")


def built_key(ds: Dataset, base: Bundle) -> str:
    ref = [
        int(pd.util.hash_pandas_object(t.astype(str), index=False).sum())
        for t in (base.countries, base.fx_rates, base.wb_income)
        if t is not None
    ]
    choices = sorted((k, int(v)) for k, v in ds.choices.items())
    text = json.dumps([BUILT_FORMAT, ds.kind, ds.name, choices, ref], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _build(ds: Dataset, base: Bundle) -> dict[str, pd.DataFrame]:
    rows = ds.rows.reset_index(drop=True)
    # As stored (all text), whether just checked or read back; only the columns not yet text are converted (memory).
    rows = rows.astype({c: str for c in rows.columns if rows[c].dtype != "str"})
    if ds.kind == "flows":
        flows, actors, sources = importer.build_flows(
            rows, base.countries, base.fx_rates, ds.choices, dataset=ds.name
        )
        partnerships = _empty_like(base.partnerships)
    else:
        partnerships, sources = importer.build_partnerships(rows)
        flows, actors = _empty_like(base.flows).assign(dataset=pd.Series(dtype=str)), _empty_like(base.actors)
    return {"flows": flows, "actors": actors, "partnerships": partnerships, "sources": sources}


def built_parts(ds: Dataset, base: Bundle | None = None, tables: dict | None = None) -> dict[str, bytes]:
    """The built tables of a dataset as stored parts (Parquet bytes, dtypes kept) plus their fingerprint."""
    # Flows are built with the reference tables alone (the bundled flows need not be enriched for that).
    base = base or (reference_tables() if ds.kind == "flows" else load_bundle())
    tables = tables or _build(ds, base)
    out = {}
    for name in BUILT:
        out[f"built:{name}"] = parquet.to_bytes(tables[name])
    # Parquet reads text columns back as pandas' string dtype: the columns that were `object` are named so that
    # opening gives exactly the frames building gives.
    objects = {
        n: {c: _missing_kind(t[c]) for c in t.columns if t[c].dtype == object} for n, t in tables.items()
    }
    out["built:key"] = json.dumps({"key": built_key(ds, base), "object": objects}).encode("utf-8")
    return out


MISSING = {"nan": float("nan"), "none": None, "na": pd.NA}


def _missing_kind(s: pd.Series) -> str:
    """How a text column marks a missing value (NaN, None or pd.NA), to give it back the same after Parquet."""
    first = s[s.isna()].head(1).tolist()
    return "none" if first == [None] else "na" if first and first[0] is pd.NA else "nan"


def _key_of(ds: Dataset) -> dict:
    try:
        return json.loads(ds.parts.get("built:key", b"{}"))
    except ValueError:
        return {}


def _stored_tables(ds: Dataset, base: Bundle) -> dict[str, pd.DataFrame] | None:
    """The stored built tables when they match this dataset's choices and reference data, else None."""
    key = _key_of(ds)
    if key.get("key") != built_key(ds, base) or any(f"built:{n}" not in ds.parts for n in BUILT):
        return None
    out = {}
    for n in BUILT:
        t = parquet.from_bytes(ds.parts[f"built:{n}"])
        for c, kind in key.get("object", {}).get(n, {}).items():
            values = t[c].to_numpy(dtype=object, na_value=MISSING[kind])
            t[c] = pd.Series(values, index=t.index, dtype=object)
        out[n] = t
    return out


def dataset_bundle(ds: Dataset, base: Bundle | None = None, tables: dict | None = None) -> Bundle:
    """The imported dataset alone, as a Bundle (no funds or chapter facts: those are bundled-only): its stored built
    tables when they are current, else built from the accepted rows."""
    base = base or load_bundle()
    t = tables or _stored_tables(ds, base) or _build(ds, base)
    flows, actors, partnerships, sources = (t[n] for n in BUILT)
    return Bundle(
        flows=flows,
        actors=actors,
        partnerships=partnerships,
        funds=_empty_like(base.funds),
        facts=_empty_like(base.facts),
        sources=sources,
        countries=base.countries,
        fx_rates=base.fx_rates,
        excluded_flows=_empty_like(base.excluded_flows),
        name=ds.name,
        meta={
            "name": ds.name,
            "version": ds.created,
            "dataset_id": ds.id,
            "kind": ds.kind,
            "created": ds.created,
        },
    )


def merged_bundle(ds: Dataset, base: Bundle | None = None, tables: dict | None = None) -> Bundle:
    """Bundled and imported together; each flow keeps a `dataset` column saying where it comes from."""
    base = base or load_bundle()
    mine = dataset_bundle(ds, base, tables)
    flows = pd.concat([base.flows.assign(dataset=base.name), mine.flows], ignore_index=True)
    for c in CATEGORICAL:
        flows[c] = flows[c].astype(str).astype("category")
    return replace(
        base,
        flows=flows,
        actors=pd.concat([base.actors, mine.actors], ignore_index=True),
        partnerships=pd.concat([base.partnerships, mine.partnerships], ignore_index=True),
        sources=pd.concat([base.sources, mine.sources], ignore_index=True).drop_duplicates("source_id"),
        name=f"{base.name} + {ds.name}",
        meta={**base.meta, "dataset_id": ds.id, "imported": ds.name},
    )


# What opening a dataset does not read: the user's file and the report's tables (the import page loads them), and
# the accepted rows unless the built tables must be rebuilt from them.
LIGHT = ("original", "set_aside", "problems", "rows")


def open_bundle(
    dataset_id: str | None, scope: str, store: Store | None = None
) -> tuple[Bundle, Dataset | None]:
    """The data a view shows: bundled, the imported dataset, or both. Unknown ids fall back to bundled.

    The Dataset returned is light: `ds.skipped` names the parts not read (load them with `Store.load`)."""
    ds = None
    if dataset_id and scope != "bundled":
        store = store or Store()
        ds = store.load(dataset_id, skip=LIGHT)
    if ds is not None and scope == "imported" and ds.kind == "flows":
        # A flows dataset alone needs only the reference tables, not the bundled flows enriched.
        ref = reference_tables()
        tables = _stored_tables(ds, ref)
        if tables is not None:
            return dataset_bundle(ds, ref, tables), ds
    base = load_bundle()
    if ds is None:
        return _with_dataset_column(base), None
    tables = _stored_tables(ds, base)
    if tables is None:  # stored before the built parts existed, or choices changed since
        ds.rows = store_frame(store.load_part(ds.id, "rows"))
        ds.skipped = tuple(n for n in ds.skipped if n != "rows")
        tables = _build(ds, base)
        ds.parts = built_parts(ds, base, tables)
        store.put_parts(ds.id, ds.parts)  # the next open reads them
    return (merged_bundle(ds, base, tables) if scope == "both" else dataset_bundle(ds, base, tables)), ds


@functools.lru_cache(maxsize=1)
def reference_tables() -> Bundle:
    """The bundled tables as read, without enriching the bundled flows: what a flows dataset alone is opened with
    (countries, exchange rates, income lists, and the other tables' columns for the empty ones)."""
    own = (
        "flows",
        "actors",
        "sources",
    )  # the dataset's own, from its stored tables (partnerships: small, and
    # building a flows dataset takes its empty table's columns from them)
    t = {name: read_table(table, DATA / table.path) for name, table in TABLES.items() if name not in own}
    return Bundle(**t, **{name: pd.DataFrame() for name in own}, meta={})


def _with_dataset_column(b: Bundle) -> Bundle:
    if "dataset" in b.flows:
        return b
    return replace(b, flows=b.flows.assign(dataset=b.name))
