"""The interchange format: a flows CSV in the research dossier's column layout.

Reading never raises on bad content: every problem becomes a row/column message.
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from . import places
from .schema import FLOW_EXTRA_FIELDS, INTERCHANGE_FIELDS, Table
from .validate import Report, check

INTERCHANGE = Table("interchange", "Flows (interchange format)", "Dossier layout.", INTERCHANGE_FIELDS + FLOW_EXTRA_FIELDS, primary_key="record_id")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000


class InputError(ValueError):
    """A file that cannot be read as a table at all (the message is for the user)."""


def read_csv_bytes(data: bytes) -> pd.DataFrame:
    if len(data) > MAX_BYTES:
        raise InputError(f"file is {len(data)/1e6:.1f} MB; the limit is {MAX_BYTES/1e6:.0f} MB")
    if not data.strip():
        raise InputError("the file is empty")
    if b"\x00" in data[:4096]:
        raise InputError("this is not a text CSV file (it contains binary data)")
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    first = text.splitlines()[0] if text else ""
    sep = max([",", ";", "\t"], key=first.count)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise InputError(f"the file could not be read as CSV: {str(e).splitlines()[0]}") from None
    if len(df) > MAX_ROWS:
        raise InputError(f"the file has {len(df):,} rows; the limit is {MAX_ROWS:,}")
    df.columns = [str(c).strip() for c in df.columns]
    return df


def validate_file(path: str | Path) -> tuple[pd.DataFrame | None, Report, list[dict]]:
    """Check a flows CSV. Returns the table, the report and the unplaced places (row, column, name)."""
    try:
        df = read_csv_bytes(Path(path).read_bytes())
    except OSError as e:
        raise InputError(f"cannot open {path}: {e.strerror}") from None
    rep = check(df, INTERCHANGE)
    unplaced = []
    if {"donor_city", "donor_country_iso3", "recipient_city", "recipient_country_iso3"} <= set(df.columns):
        for side in ("donor", "recipient"):
            city = df[f"{side}_city"].astype(str)
            res = places.resolve(city, df[f"{side}_country_iso3"].astype(str).str.strip().str.upper())
            miss = (city.str.strip() != "") & (res["n_candidates"] == 0)
            for i in df.index[miss]:
                unplaced.append({"row": int(i) + 2, "column": f"{side}_city", "name": city[i]})
    return df, rep, unplaced


__all__ = ["INTERCHANGE", "InputError", "read_csv_bytes", "validate_file"]
