"""Exports of exactly the filtered view, with sources and a citation line.

The CSV is a clean table (header and rows, nothing else), so Excel, Datawrapper
and pandas read it as it is. Its citation, filter and data dictionary travel
beside it, as Our World in Data does: a ZIP of the CSV, a `datapackage.json`
describing its fields and a README with the citation. XLSX, JSON and GeoJSON
carry the citation inside (a sheet, a key).

Spreadsheet cells that start with = + - @ tab or CR are prefixed with an
apostrophe so no spreadsheet runs them as formulas.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from datetime import date

import pandas as pd

from .datapackage import LICENSE, NAME, TITLE, VERSION

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


# Columns of an export that the app derives (they are not in the interchange schema), described for the
# datapackage.json and README that travel with a CSV: name, Frictionless type, description.
_DERIVED = """
date_label           string   The date as precise as the source, in words (a month is never shown as a day).
direction            string   Direction category of the flow (North/South by World Bank income group, China slice).
amount_eur           number   `amount` converted to euros at the yearly average rate of `fx_year`; empty if unknown.
amount_usd           number   `amount` converted to US dollars at the yearly average rate of `fx_year`.
fx_year              integer  Year of the exchange rate used for amount_eur and amount_usd.
fx_note              string   How the amount was converted, or why it was not.
counted              boolean  True for a delivered flow counted at its value (a programme total whose details are listed is not).
overlaps_details     boolean  True for a programme total whose detailed rows are in the data: not a flow of its own.
rest_of_programme    boolean  True for a delivered total whose rest (beyond its detailed rows) is counted.
counted_quantity     number   The quantity that enters totals (the rest, for a delivered programme total).
counted_eur          number   The euro amount that enters totals (the rest, for a delivered programme total).
donor_lat            number   Latitude of the donor's place on the map (WGS84); empty when it cannot be placed.
donor_lon            number   Longitude of the donor's place on the map (WGS84).
donor_placement      string   How the donor is placed: city, at_named_city, country_point or unplaced.
recipient_lat        number   Latitude of the recipient's place on the map (WGS84); empty when unplaced.
recipient_lon        number   Longitude of the recipient's place on the map (WGS84).
recipient_placement  string   How the recipient is placed: city, at_named_city, country_point or unplaced.
"""
DERIVED_FIELDS = {
    name: (typ, desc) for name, typ, desc in (line.split(None, 2) for line in _DERIVED.strip().splitlines())
}
SLUG_MAX = 60  # characters of the filter part of a file name


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


def citation(filter_text: str, url: str = "", dataset: str | None = None, lang: str = "en") -> str:
    """The 'cite this view' line of every export: dataset (the bundled data's label when None) and version, the
    filter in words, date, permalink."""
    from .i18n import t

    dataset = t("data.bundled", lang, version=VERSION) if dataset is None else dataset
    today = date.today().isoformat()
    link = f" {t('cite.view', lang)} {url}" if url else ""
    return f"{TITLE} ({NAME} v{VERSION}), {dataset}. {filter_text} {t('cite.retrieved', lang)} {today}.{link}"


def view_table(flows: pd.DataFrame) -> pd.DataFrame:
    """A flows view in the export's columns and order; another table (a Sankey's links, partnerships, funds) whole."""
    if not is_flows(flows):
        return flows.reset_index(drop=True)
    cols = [c for c in EXPORT_COLUMNS if c in flows.columns]
    return flows[cols].astype(
        {c: str for c in ("direction", "aid_kind", "status", "donor_level", "recipient_level") if c in cols}
    )


# The schema table a table to export belongs to, known by its key column (a Sankey's links belong to none).
SCHEMA_OF = {"record_id": "flows", "partnership_id": "partnerships", "fund_id": "funds"}


def schema_table(columns) -> str | None:
    return next((t for key, t in SCHEMA_OF.items() if key in columns), None)


def is_flows(table: pd.DataFrame) -> bool:
    return schema_table(table.columns) == "flows"


def to_csv(flows: pd.DataFrame, cite: str = "") -> bytes:
    """Header and rows only: a trailing comment line became a junk row in Excel, Datawrapper and pandas.
    The citation travels beside the CSV (`to_zip`)."""
    buf = io.StringIO()
    neutralise(view_table(flows)).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def fields_of(columns: list[str], table: pd.DataFrame | None = None) -> list[dict]:
    """Frictionless field descriptors of an export's columns: from the schema of the table they belong to (flows
    unless `table` says otherwise), else the derived ones; a column known to neither is typed from `table`."""
    from .schema import TABLES

    kind = schema_table(columns if table is None else table.columns) or ("flows" if table is None else None)
    declared = {f.name: f for f in TABLES[kind].fields} if kind else {}
    out = []
    for c in columns:
        if c in declared:
            d = declared[c].frictionless()
            d.pop(
                "constraints", None
            )  # a filtered view's values meet the schema, but "required" is the source's
            out.append(d)
        elif c in DERIVED_FIELDS:
            typ, desc = DERIVED_FIELDS[c]
            out.append({"name": c, "type": typ, "description": desc})
        else:
            out.append({"name": c, "type": _frictionless_type(table, c), "description": ""})
    return out


def _frictionless_type(table: pd.DataFrame | None, column: str) -> str:
    if table is None or column not in table.columns:
        return "string"
    dt = table[column].dtype
    if pd.api.types.is_bool_dtype(dt):
        return "boolean"
    if pd.api.types.is_integer_dtype(dt):
        return "integer"
    return "number" if pd.api.types.is_numeric_dtype(dt) else "string"


def descriptor(
    columns: list[str],
    name: str,
    cite: str,
    filter_text: str,
    url: str,
    rows: int,
    table: pd.DataFrame | None = None,
) -> dict:
    """datapackage.json of one exported CSV: its fields, the filter, the citation and the licence."""
    return {
        "name": name,
        "title": TITLE,
        "version": VERSION,
        "description": filter_text,
        "created": date.today().isoformat(),
        "licenses": [LICENSE],
        "sources": [{"title": f"{TITLE} v{VERSION}", "path": url}]
        if url
        else [{"title": f"{TITLE} v{VERSION}"}],
        "citation": cite,
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "rows": rows,
                "schema": {"fields": fields_of(columns, table)},
            }
        ],
    }


def readme(
    name: str,
    cite: str,
    filter_text: str,
    url: str,
    rows: int,
    columns: list[str],
    lang: str = "en",
    table: pd.DataFrame | None = None,
    sources: str = "",
) -> str:
    """README.md beside the CSV: what the file is, how to cite it, the filter, the chart's source line when given,
    what each column means."""
    from .i18n import t

    lines = [
        f"# {TITLE}",
        "",
        t(
            "xp.readme_file" if table is None or is_flows(table) else "xp.readme_table",
            lang,
            file=f"{name}.csv",
            n=rows,
        ),
        "",
        f"## {t('xp.readme_cite', lang)}",
        "",
        cite,
        "",
        f"## {t('xp.readme_filter', lang)}",
        "",
        filter_text,
        "",
    ]
    if sources:
        lines += [f"## {t('xp.readme_sources', lang)}", "", sources, ""]
    if url:
        lines += [t("xp.readme_link", lang, url=url), ""]
    lines += [
        t("xp.readme_licence", lang, licence=LICENSE["title"], url=LICENSE["path"]),
        "",
        t("xp.readme_formulas", lang),
        "",
        f"## {t('xp.readme_fields', lang)}",
        "",
        "| field | type | description |",
        "| --- | --- | --- |",
    ]
    for f in fields_of(columns, table):
        desc = f["description"].replace("|", "/")
        lines.append(f"| {f['name']} | {f['type']} | {desc} |")
    return "\n".join(lines) + "\n"


def to_zip(
    flows: pd.DataFrame,
    cite: str,
    filter_text: str = "",
    url: str = "",
    name: str = NAME,
    lang: str = "en",
    sources: str = "",
) -> bytes:
    """The clean CSV with its datapackage.json and README.md (citation, filter, data dictionary) in one ZIP.
    Any table to export goes this way: a flows view, a Sankey's links, partnerships or funds."""
    table = view_table(flows)
    cols = list(table.columns)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{name}.csv", to_csv(flows))
        pkg = descriptor(cols, name, cite, filter_text, url, len(table), table)
        z.writestr("datapackage.json", json.dumps(pkg, indent=2, ensure_ascii=False) + "\n")
        z.writestr("README.md", readme(name, cite, filter_text, url, len(table), cols, lang, table, sources))
    return buf.getvalue()


def slug(text: str, limit: int = SLUG_MAX) -> str:
    """ASCII lower-case words joined by '-', at most `limit` characters, cut at a word."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
    if len(s) > limit:
        s = s[: limit + 1].rsplit("-", 1)[0] if "-" in s[: limit + 1] else s[:limit]
    return s.strip("-")


def filter_slug(params: dict[str, str]) -> str:
    """The active filter (its URL parameters) as a short file-name part: 'north-south_deu-to-ita-fra_2020'."""
    parts = []
    if params.get("direction"):
        parts.append(params["direction"].replace(",", "-"))
    donor, recip = params.get("donor_country", ""), params.get("recipient_country", "")
    if donor or recip:
        parts.append("-to-".join(x for x in (donor or "any", recip or "any")))
    for k in ("donor_region", "recipient_region", "aid_kind", "status", "level", "network", "city", "scheme"):
        if params.get(k):
            parts.append(params[k])
    a, b = params.get("from", ""), params.get("to", "")
    if a and b:
        parts.append(
            a[:4] if a[:4] == b[:4] and a[5:] in ("", "01") and b[5:] in ("", "12") else f"{a}-to-{b}"
        )
    elif a or b:
        parts.append(f"from-{a}" if a else f"to-{b}")
    out = [p for p in (slug(x, SLUG_MAX) for x in parts) if p]
    joined = "_".join(out)
    while len(joined) > SLUG_MAX and len(out) > 1:  # drop the least telling parts, never cut mid-word
        out.pop(len(out) - 2 if len(out) > 2 else -1)
        joined = "_".join(out)
    return slug(joined.replace("_", "~"), SLUG_MAX).replace("~", "_") if len(joined) > SLUG_MAX else joined


def file_name(kind: str, params: dict[str, str], ext: str, size: str = "") -> str:
    """'city-solidarity-flows_map_north-south_2020.png': the project, the chart or table, the filter, the size."""
    parts = [NAME, slug(kind, 30), filter_slug(params), slug(size, 10)]
    return "_".join(p for p in parts if p) + f".{ext}"


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
MIME = {
    "csv": "text/csv",
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "geojson": "application/geo+json",
}


def export(
    flows: pd.DataFrame,
    fmt: str,
    cite: str,
    sources: pd.DataFrame | None = None,
    filter_text: str = "",
    url: str = "",
    lang: str = "en",
) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(flows, cite, sources)
    if fmt == "zip":
        return to_zip(flows, cite, filter_text, url, lang=lang)
    return WRITERS[fmt](flows, cite)
