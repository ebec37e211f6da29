"""Read a user's file (CSV or XLSX) into a table of strings, whatever its encoding,
separator or header layout; a file that is not a table gives one clear message.

Reading never raises on bad content: problems in cells are reported later by
row and column (`coop_data.importer`); only a file that cannot be read at all
raises `InputError`, whose message is meant for the user.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import columns
from .messages import Message
from .schema import FLOW_EXTRA_FIELDS, INTERCHANGE_FIELDS, Table

INTERCHANGE = Table(
    "interchange",
    "Flows (interchange format)",
    "Dossier layout.",
    INTERCHANGE_FIELDS + FLOW_EXTRA_FIELDS,
    primary_key="record_id",
)
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200


class InputError(ValueError):
    """A file that cannot be read as a table at all; `message` is for the user, in any language."""

    def __init__(self, key: str, **params):
        self.message = Message(key, params)
        super().__init__(self.message.text())


@dataclass
class RawTable:
    """The user's table as strings; `rows` gives each row's number in the file (header row + 1 …)."""

    data: pd.DataFrame
    rows: pd.Series
    format: str
    details: dict = field(default_factory=dict)


def too_big(data: bytes) -> InputError:
    """The one size message of the page and the CLI, in MB of 2**20 bytes as the limit is stated."""
    return InputError("msg.too_big", size=f"{len(data) / 2**20:.1f}", limit=f"{MAX_BYTES / 2**20:.0f}")


def _limit_rows(n: int) -> None:
    if n > MAX_ROWS:
        raise InputError("msg.too_many_rows", n=f"{n:,}", limit=f"{MAX_ROWS:,}")


def read_csv(data: bytes) -> RawTable:
    if len(data) > MAX_BYTES:
        raise too_big(data)
    if not data.strip():
        raise InputError("msg.empty")
    if data[:2] == b"PK":
        raise InputError("msg.zip_as_csv")
    if b"\x00" in data[:4096]:
        raise InputError("msg.binary")
    text, used = None, ""
    bom = data[:3] == b"\xef\xbb\xbf"
    body = data[3:] if bom else data
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            text = body.decode(enc)
            used = enc
            break
        except UnicodeDecodeError:
            continue
    first = text.lstrip("\ufeff").splitlines()[0] if text else ""
    sep = max([",", ";", "\t"], key=first.count)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep, skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise InputError("msg.csv_error", error=str(e).splitlines()[0]) from None
    _limit_rows(len(df))
    if len(df.columns) > MAX_COLUMNS:
        raise InputError("msg.too_many_cols", n=len(df.columns), limit=MAX_COLUMNS)
    df.columns = [str(c).strip() for c in df.columns]
    rows = pd.Series(range(2, len(df) + 2), index=df.index)
    keep = (
        df.apply(lambda c: c.str.strip().ne("")).any(axis=1)
        if len(df.columns)
        else pd.Series(False, index=df.index)
    )
    enc_name = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}[used] + (
        " with BOM" if bom else ""
    )
    details = {
        "encoding": enc_name,
        "separator": {",": "comma", ";": "semicolon", "\t": "tab"}[sep],
        "blank_rows": int((~keep).sum()),
    }
    return RawTable(df[keep], rows[keep], "csv", details)


def read_xlsx(data: bytes) -> RawTable:
    """First sheet; merged cells take the merged value; the header row is the one whose names map best."""
    import openpyxl

    if len(data) > MAX_BYTES:
        raise too_big(data)
    if not data:
        raise InputError("msg.empty")
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as e:
        raise InputError("msg.bad_xlsx", error=type(e).__name__) from None
    ws = wb.worksheets[0]
    if ws.max_row > MAX_ROWS + 20:
        _limit_rows(ws.max_row - 1)
    if ws.max_column > MAX_COLUMNS:
        raise InputError("msg.sheet_cols", n=ws.max_column, limit=MAX_COLUMNS)
    grid = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        top = grid[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                grid[r - 1][c - 1] = top
    if not any(any(v for v in row) for row in grid):
        raise InputError("msg.sheet_empty")
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]

    def score(row):
        hs = [h for h in row if h]
        return (
            max(sum(v is not None for v in columns.suggest(hs, k).values()) for k in columns.KINDS)
            if hs
            else -1
        )

    def joined(i):
        """A two-level header ("Donor" merged over "City | Country") read as "Donor City", "Donor Country"."""
        above = grid[i - 1]
        if i == 0 or len({v for v in above if v}) < 2:
            return None
        return [f"{a} {h}".strip() if a and a != h else h for a, h in zip(above, grid[i])]

    options = []
    for i in range(min(10, len(grid))):
        options.append((score(grid[i]), -i, i, False))
        j = joined(i)
        if j is not None:
            options.append((score(j), -i, i, True))
    _, _, head_i, merged_group = max(options)
    headers = joined(head_i) if merged_group else list(grid[head_i])
    headers = [
        h.strip() or f"column {openpyxl.utils.get_column_letter(j + 1)}" for j, h in enumerate(headers)
    ]
    seen: dict[str, int] = {}
    for j, h in enumerate(headers):
        if h in seen:
            seen[h] += 1
            headers[j] = f"{h} ({seen[h]})"
        else:
            seen[h] = 1
    body = grid[head_i + 1 :]
    _limit_rows(len(body))
    df = pd.DataFrame(body, columns=headers, dtype=str)
    rows = pd.Series(range(head_i + 2, head_i + 2 + len(df)), index=df.index)
    keep = df.apply(lambda c: c.str.strip().ne("")).any(axis=1) if len(df) else pd.Series(dtype=bool)
    details = {
        "sheet": ws.title,
        "header_row": head_i + 1,
        "two_level_header": merged_group,
        "blank_rows": int((~keep).sum()) if len(df) else 0,
    }
    return RawTable(df[keep] if len(df) else df, rows[keep] if len(df) else rows, "xlsx", details)


def _cell_text(v) -> str:
    if v is None:
        return ""
    if hasattr(v, "isoformat"):
        s = v.isoformat()
        return s[:10] if s.endswith("T00:00:00") else s
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def read_upload(filename: str, data: bytes) -> RawTable:
    """Dispatch on content first (a ZIP signature is XLSX), then on the extension."""
    name = (filename or "").lower()
    if data[:2] == b"PK" or name.endswith((".xlsx", ".xlsm")):
        if data[:2] != b"PK":
            raise InputError("msg.fake_xlsx")
        return read_xlsx(data)
    if name.endswith(".xls"):
        raise InputError("msg.xls")
    if name.endswith((".json", ".geojson", ".xml", ".pdf", ".parquet")) or data.lstrip()[:1] in (b"{", b"["):
        raise InputError("msg.not_a_table", ext=Path(name).suffix or "?")
    return read_csv(data)


def read_path(path: str | Path) -> RawTable:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise InputError("msg.cannot_open", path=str(path), error=e.strerror) from None
    return read_upload(str(path), data)


__all__ = [
    "INTERCHANGE",
    "InputError",
    "RawTable",
    "read_csv",
    "read_xlsx",
    "read_upload",
    "read_path",
]
