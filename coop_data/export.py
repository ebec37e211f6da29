"""Exports of exactly the filtered view, with sources and a citation line.

Spreadsheet cells that start with = + - @ tab or CR are prefixed with an
apostrophe so no spreadsheet runs them as formulas.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd

from .datapackage import NAME, TITLE, VERSION

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXPORT_COLUMNS = [
    "record_id",
    "date",
    "date_precision",
    "date_label",
    "donor_name",
    "donor_level",
    "donor_city",
    "donor_country_iso3",
    "recipient_name",
    "recipient_level",
    "recipient_city",
    "recipient_country_iso3",
    "direction",
    "aid_kind",
    "items",
    "quantity",
    "quantity_unit",
    "amount",
    "currency",
    "amount_qualifier",
    "amount_eur",
    "amount_usd",
    "fx_year",
    "fx_note",
    "status",
    "status_basis",
    "research_note",
    "is_aggregate",
    "parent_id",
    "counted",
    "overlaps_details",
    "rest_of_programme",
    "counted_quantity",
    "counted_eur",
    "fund_id",
    "channel_network",
    "relationship_stated",
    "summary",
    "source_url",
    "source_publisher",
    "source_date",
    "donor_lat",
    "donor_lon",
    "donor_placement",
    "recipient_lat",
    "recipient_lon",
    "recipient_placement",
]


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells starting like a formula get a leading apostrophe."""
    out = df.copy()
    for c in out.columns:
        dt = out[c].dtype
        if (
            pd.api.types.is_object_dtype(dt)
            or pd.api.types.is_string_dtype(dt)
            or isinstance(dt, pd.CategoricalDtype)
        ):
            s = out[c].astype("string")
            risky = s.str[:1].isin(FORMULA_START).fillna(False)
            if risky.any():
                out[c] = s.where(~risky, "'" + s)
    return out


def citation(filter_text: str, url: str = "", dataset: str = "Bundled dataset", lang: str = "en") -> str:
    """The 'cite this view' line of every export: dataset and version, the filter in words, date, permalink."""
    from .i18n import t

    today = date.today().isoformat()
    link = f" {t('cite.view', lang)} {url}" if url else ""
    return f"{TITLE} ({NAME} v{VERSION}), {dataset}. {filter_text} {t('cite.retrieved', lang)} {today}.{link}"


def view_table(flows: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in EXPORT_COLUMNS if c in flows.columns]
    return flows[cols].astype(
        {c: str for c in ("direction", "aid_kind", "status", "donor_level", "recipient_level") if c in cols}
    )


def to_csv(flows: pd.DataFrame, cite: str) -> bytes:
    buf = io.StringIO()
    neutralise(view_table(flows)).to_csv(buf, index=False)
    # The citation closes the file as a comment line (pandas: comment="#").
    return (buf.getvalue() + "# " + " ".join(cite.split()) + "\n").encode("utf-8")


def to_xlsx(flows: pd.DataFrame, cite: str, sources: pd.DataFrame | None = None) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        neutralise(view_table(flows)).to_excel(xl, sheet_name="flows", index=False)
        if sources is not None:
            used = sources[sources["url"].isin(flows["source_url"])]
            neutralise(used).to_excel(xl, sheet_name="sources", index=False)
        pd.DataFrame({"citation": [cite]}).to_excel(xl, sheet_name="cite", index=False)
    return buf.getvalue()


def _records(df: pd.DataFrame) -> list[dict]:
    return json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False))


def to_json(flows: pd.DataFrame, cite: str) -> bytes:
    return json.dumps(
        {"citation": cite, "count": len(flows), "flows": _records(view_table(flows))},
        ensure_ascii=False,
        indent=1,
    ).encode("utf-8")


def to_geojson(flows: pd.DataFrame, cite: str) -> bytes:
    """LineStrings donor→recipient for rows placed at both ends; the others are listed as not drawn."""
    t = view_table(flows)
    placed = t["donor_lat"].notna() & t["recipient_lat"].notna()
    feats = []
    for rec in _records(t[placed]):
        feats.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [
                        [rec["donor_lon"], rec["donor_lat"]],
                        [rec["recipient_lon"], rec["recipient_lat"]],
                    ],
                },
                "properties": rec,
            }
        )
    return json.dumps(
        {
            "type": "FeatureCollection",
            "citation": cite,
            "features": feats,
            "not_drawn": t.loc[~placed, "record_id"].tolist(),
        },
        ensure_ascii=False,
    ).encode("utf-8")


WRITERS = {"csv": to_csv, "json": to_json, "geojson": to_geojson}


def export(flows: pd.DataFrame, fmt: str, cite: str, sources: pd.DataFrame | None = None) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(flows, cite, sources)
    return WRITERS[fmt](flows, cite)
