"""Imported datasets as the app and the CLI see them (`pipeline` imports them): open a dataset
as a `Bundle` (alone or merged with the bundled data), export it.

A dataset keeps the user's accepted rows as written after normalisation and
their place choices; opening it rebuilds the computed fields (direction,
EUR/USD, coordinates, placement) with exactly the code the bundled data uses.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from . import importer
from .load import Bundle, load_bundle
from .store import Dataset, Store

SCOPES = ("bundled", "imported", "both")
CATEGORICAL = (
    "direction",
    "aid_kind",
    "status",
    "donor_level",
    "recipient_level",
    "donor_region",
    "recipient_region",
)


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
        set_aside=prep.set_aside(),
        original=original,
        filename=clean_name(filename, ""),
        mapping=prep.mapping,
        options=prep.options.as_dict(),
        choices=dict(choices or {}),
        notes=prep.notes,
        problems=prep.problem_table(),
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


def dataset_bundle(ds: Dataset, base: Bundle | None = None) -> Bundle:
    """The imported dataset alone, as a Bundle (no funds or chapter facts: those are bundled-only)."""
    base = base or load_bundle()
    if ds.kind == "flows":
        flows, actors, sources = importer.build_flows(
            ds.rows, base.countries, base.fx_rates, ds.choices, dataset=ds.name
        )
        partnerships = _empty_like(base.partnerships)
    else:
        partnerships, sources = importer.build_partnerships(ds.rows)
        flows, actors = _empty_like(base.flows).assign(dataset=pd.Series(dtype=str)), _empty_like(base.actors)
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


def merged_bundle(ds: Dataset, base: Bundle | None = None) -> Bundle:
    """Bundled and imported together; each flow keeps a `dataset` column saying where it comes from."""
    base = base or load_bundle()
    mine = dataset_bundle(ds, base)
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


def open_bundle(
    dataset_id: str | None, scope: str, store: Store | None = None
) -> tuple[Bundle, Dataset | None]:
    """The data a view shows: bundled, the imported dataset, or both. Unknown ids fall back to bundled."""
    base = load_bundle()
    if not dataset_id or scope == "bundled":
        return _with_dataset_column(base), None
    ds = (store or Store()).load(dataset_id)
    if ds is None:
        return _with_dataset_column(base), None
    return (merged_bundle(ds, base) if scope == "both" else dataset_bundle(ds, base)), ds


def _with_dataset_column(b: Bundle) -> Bundle:
    if "dataset" in b.flows:
        return b
    return replace(b, flows=b.flows.assign(dataset=b.name))
