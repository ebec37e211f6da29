"""Read a user's file (CSV or XLSX) into a table of strings, whatever its encoding,
separator or header layout; a file that is not a table gives one clear message.

Reading never raises on bad content: problems in cells are reported later by
row and column (`coop_data.importer`); only a file that cannot be read at all
raises `InputError`, whose message is meant for the user.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
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
# The command line reads a file its user has on their own machine: the upload limits protect the shared server, the
# CLI's only keep a run within the memory of a small machine (1M flows take about 2 GB at peak).
CLI_LIMITS = (1024 * 2**20, 2_000_000)


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


def too_big(data: bytes, limit: int = MAX_BYTES) -> InputError:
    """The one size message of the page and the CLI, in MB of 2**20 bytes as the limit is stated."""
    return InputError("msg.too_big", size=f"{len(data) / 2**20:.1f}", limit=f"{limit / 2**20:.0f}")


def _limit_rows(n: int, limit: int = MAX_ROWS) -> None:
    if n > limit:
        raise InputError("msg.too_many_rows", n=f"{n:,}", limit=f"{limit:,}")


def _arrow_csv(data: bytes, sep: str, max_rows: int) -> pd.DataFrame | None:
    """Read a well-formed UTF-8 CSV with pyarrow's multithreaded reader, every cell as text (as pandas with
    dtype=str, keep_default_na=False). None when the file has what only pandas reads the way this tool always has:
    blank lines (they keep their row numbers), ragged rows, empty or repeated header names.

    Arrow skips one UTF-8 BOM itself. Cells are read as large_string, the type pandas keeps its text in, so the
    table becomes a DataFrame without a copy."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    if b"\n\n" in data or b"\n\r\n" in data or b"\r\r" in data:
        return None
    try:
        t = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.large_string() for i in range(MAX_COLUMNS + 1)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
        return None
    if t.num_rows == 0 or t.num_columns > MAX_COLUMNS:
        return None
    _limit_rows(t.num_rows - 1, max_rows)
    header = [t.column(i)[0].as_py() for i in range(t.num_columns)]
    if any(not h.strip() for h in header) or len(set(header)) < len(header):
        return None
    df = t.slice(1).to_pandas()
    df.columns = header
    return df


def read_csv(data: bytes, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> RawTable:
    if len(data) > max_bytes:
        raise too_big(data, max_bytes)
    if not data or data.isspace():  # as `not data.strip()`, without a copy of the file
        raise InputError("msg.empty")
    if data[:2] == b"PK":
        raise InputError("msg.zip_as_csv")
    if b"\x00" in data[:4096]:
        raise InputError("msg.binary")
    bom = data[:3] == _BOM
    start = 3 if bom else 0
    used, text = _encoding(data, start)
    if text is None:  # UTF-8: only the header line is decoded here, arrow reads the bytes themselves
        ends = [i for i in (data.find(b"\n", start), data.find(b"\r", start)) if i >= 0]
        first = _first_line(data[start : min(ends, default=len(data))].decode("utf-8"))
        # one BOM is skipped by arrow; a second one stays in the header, as it did when the first was cut off
        df = _arrow_csv(data[3:] if bom and data[3:6] == _BOM else data, sep := _separator(first), max_rows)
    else:
        df = _arrow_csv(text.encode("utf-8"), sep := _separator(_first_line(text)), max_rows)
    if df is None:  # a file the fast reader does not take exactly as pandas does: pandas reads it
        try:
            df = pd.read_csv(
                io.StringIO(data[start:].decode("utf-8") if text is None else text),
                dtype=str,
                keep_default_na=False,
                sep=sep,
                skip_blank_lines=False,
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
            raise InputError("msg.csv_error", error=str(e).splitlines()[0]) from None
    del text
    _limit_rows(len(df), max_rows)
    if len(df.columns) > MAX_COLUMNS:
        raise InputError("msg.too_many_cols", n=len(df.columns), limit=MAX_COLUMNS)
    df.columns = [str(c).strip() for c in df.columns]
    rows = pd.Series(range(2, len(df) + 2), index=df.index)
    keep = _not_blank(df)
    enc_name = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}[used] + (
        " with BOM" if bom else ""
    )
    details = {
        "encoding": enc_name,
        "separator": {",": "comma", ";": "semicolon", "\t": "tab"}[sep],
        "blank_rows": int((~keep).sum()),
    }
    if keep.all():  # the usual file: the table as read, not a filtered copy of it
        return RawTable(df, rows, "csv", details)
    return RawTable(df[keep], rows[keep], "csv", details)


_BOM = b"\xef\xbb\xbf"
# Where str.splitlines() ends a line.
_LINE_END = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _encoding(data: bytes, start: int) -> tuple[str, str | None]:
    """The first of UTF-8, Windows-1252 and Latin-1 that decodes data[start:], with the text except for UTF-8
    (a million rows are not held a second time as text)."""
    if data.isascii() or _is_utf8(data, start):
        return "utf-8", None
    try:
        return "cp1252", data[start:].decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1", data[start:].decode("latin-1")


def _is_utf8(data: bytes, start: int) -> bool:
    """Checked by Arrow on the bytes in place (no decoded copy), as strictly as Python's decoder."""
    import pyarrow as pa

    ends = pa.array([start, len(data)], pa.int64()).buffers()[1]
    try:
        pa.Array.from_buffers(pa.large_binary(), 1, [None, ends, pa.py_buffer(data)]).cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _first_line(text: str) -> str:
    """The header line as text.lstrip("\ufeff").splitlines()[0] gives it, without splitting the whole file."""
    text = text.lstrip("\ufeff")
    end = _LINE_END.search(text)
    return text[: end.start()] if end else text


def _separator(first_line: str) -> str:
    return max([",", ";", "\t"], key=first_line.count)


def _not_blank(df: pd.DataFrame) -> pd.Series:
    """Rows with a cell that is not blank. A column is looked at only for the rows the columns before it left
    blank: in most files the first column settles every row."""
    keep = np.zeros(len(df), dtype=bool)
    for c in range(len(df.columns)):
        todo = np.flatnonzero(~keep)
        if not len(todo):
            break
        col = df.iloc[:, c]
        keep[todo] = (col if len(todo) == len(df) else col.iloc[todo]).str.strip().ne("").to_numpy(bool)
    return pd.Series(keep, index=df.index)


def read_xlsx(data: bytes, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> RawTable:
    """First sheet; merged cells take the merged value; the header row is the one whose names map best."""
    import openpyxl

    if len(data) > max_bytes:
        raise too_big(data, max_bytes)
    if not data:
        raise InputError("msg.empty")
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as e:
        raise InputError("msg.bad_xlsx", error=type(e).__name__) from None
    ws = wb.worksheets[0]
    if ws.max_row > max_rows + 20:
        _limit_rows(ws.max_row - 1, max_rows)
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
    _limit_rows(len(body), max_rows)
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


def read_upload(filename: str, data: bytes, limits: tuple[int, int] = (MAX_BYTES, MAX_ROWS)) -> RawTable:
    """Dispatch on content first (a ZIP signature is XLSX), then on the extension. `limits`: (bytes, rows)."""
    name = (filename or "").lower()
    if data[:2] == b"PK" or name.endswith((".xlsx", ".xlsm")):
        if data[:2] != b"PK":
            raise InputError("msg.fake_xlsx")
        return read_xlsx(data, *limits)
    if name.endswith(".xls"):
        raise InputError("msg.xls")
    if name.endswith((".json", ".geojson", ".xml", ".pdf", ".parquet")) or data.lstrip()[:1] in (b"{", b"["):
        raise InputError("msg.not_a_table", ext=Path(name).suffix or "?")
    return read_csv(data, *limits)


def read_path(path: str | Path, limits: tuple[int, int] = (MAX_BYTES, MAX_ROWS)) -> RawTable:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise InputError("msg.cannot_open", path=str(path), error=e.strerror) from None
    return read_upload(str(path), data, limits)


__all__ = [
    "INTERCHANGE",
    "InputError",
    "RawTable",
    "read_csv",
    "read_xlsx",
    "read_upload",
    "read_path",
]
