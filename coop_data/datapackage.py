"""`datapackage.json` and the data dictionary, both derived from `schema.TABLES`."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .schema import TABLES

NAME = "city-solidarity-flows"
TITLE = "City Solidarity Flows: COVID-era city-to-city solidarity (2020–2021)"
VERSION = "0.2.0"
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


def descriptor(dossier_counts: dict | None = None) -> dict:
    resources = []
    for t in TABLES.values():
        schema = {"fields": [f.frictionless() for f in t.fields]}
        if t.primary_key:
            schema["primaryKey"] = [t.primary_key]
        if t.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": [c], "reference": {"resource": r, "fields": [rc]}} for c, r, rc in t.foreign_keys
            ]
        resources.append(
            {
                "name": t.name,
                "path": t.path,
                "title": t.title,
                "description": t.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    d = {
        "name": NAME,
        "title": TITLE,
        "version": VERSION,
        "licenses": [LICENSE],
        "description": "Curated from a research dossier of public web pages; every record keeps its source URL. "
        "Seed figures come from Kihlgren Grandi (2020), DOI 10.1007/978-3-030-60717-3_3.",
        "resources": resources,
    }
    if dossier_counts:
        d["dossier_row_counts"] = dossier_counts
    return d


def write_datapackage(folder: Path, dossier_counts: dict | None = None) -> Path:
    path = Path(folder) / "datapackage.json"
    path.write_text(
        json.dumps(descriptor(dossier_counts), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path


def data_dictionary() -> pd.DataFrame:
    """One row per field of every table, for the Methods page and the import template."""
    rows = []
    for t in TABLES.values():
        for f in t.fields:
            rows.append(
                {
                    "table": t.name,
                    "field": f.name,
                    "type": f.type,
                    "required": f.required,
                    "allowed values": ", ".join(f.enum) if f.enum else "",
                    "unit": f.unit or "",
                    "description": f.description,
                }
            )
    return pd.DataFrame(rows)
