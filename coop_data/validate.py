"""Check a table against its schema and report every problem by row and column.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first
record row 2. Checks are vectorised so a 100,000-row file is checked in
about a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pycountry

from .messages import Message, allowed, field
from .schema import Table

_COUNTRIES = {c.alpha_3 for c in pycountry.countries}
_CURRENCIES = {c.alpha_3 for c in pycountry.currencies}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: Message

    def as_dict(self, lang: str = "en") -> dict:
        """For JSON output: the message in `lang`, and as data (key and parameters)."""
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message.text(lang),
            **self.message.as_dict(),
        }


@dataclass
class Report:
    rows: int
    problems: list[Problem]

    @property
    def invalid_rows(self) -> set[int]:
        return {p.row for p in self.problems if p.row > 1}

    @property
    def header_ok(self) -> bool:
        return not any(p.row == 1 for p in self.problems)

    @property
    def valid_rows(self) -> int:
        """Rows with no problem; none when the header lacks a required column."""
        return self.rows - len(self.invalid_rows) if self.header_ok else 0

    def as_dict(self, lang: str = "en") -> dict:
        return {
            "rows": self.rows,
            "valid_rows": self.valid_rows,
            "invalid_rows": len(self.invalid_rows),
            "errors": [p.as_dict(lang) for p in self.problems],
        }


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | (s.astype("string").str.strip() == "")


def stripped(s: pd.Series) -> pd.Series:
    """s.str.strip(), or s itself (its memory shared, not copied) when no cell has spaces to strip."""
    ends = _end_bytes(s)
    if ends is not None:
        # Every space (ASCII or not) is written with bytes outside the printable ASCII range: a cell that starts
        # and ends with a printable ASCII byte has none to strip. Only the other cells (a few names ending in
        # an accent, say) are stripped to see whether any changes.
        first, last = ends
        maybe = np.flatnonzero((first < 0x21) | (first > 0x7E) | (last < 0x21) | (last > 0x7E))
        if not len(maybe):
            return s
        some = s.iloc[maybe]
        if _same_lengths(some, some.str.strip()):
            return s
    out = s.str.strip()
    return s if _same_lengths(s, out) else out


def _end_bytes(s: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """The first and last byte of every non-empty cell of Arrow-backed text (an empty cell gets a neighbour's:
    it has nothing to strip anyway), read from its buffers without copying the text; None for other columns."""
    import pyarrow as pa

    try:
        chunks = pa.chunked_array(s.array._pa_array).chunks
    except AttributeError:
        return None
    firsts, lasts = [np.zeros(0, np.uint8)], [np.zeros(0, np.uint8)]
    for c in chunks:
        if not (pa.types.is_large_string(c.type) or pa.types.is_string(c.type)):
            return None
        width = np.dtype(np.int64 if pa.types.is_large_string(c.type) else np.int32)
        _, offsets, text = c.buffers()
        if not len(c):
            continue
        at = np.frombuffer(offsets, dtype=width, count=len(c) + 1, offset=c.offset * width.itemsize)
        if text is None or not text.size:  # every cell empty
            firsts.append(np.full(len(c), ord("A"), np.uint8))
            lasts.append(firsts[-1])
            continue
        data = np.frombuffer(text, dtype=np.uint8)
        firsts.append(data.take(at[:-1], mode="clip"))
        lasts.append(data.take(at[1:] - 1, mode="clip"))
    return np.concatenate(firsts), np.concatenate(lasts)


def _increasing(s: pd.Series) -> bool:
    """Whether the Arrow-backed text `s` has no missing cell and each cell sorts after the one before."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        a = pa.chunked_array(s.array._pa_array)
    except AttributeError:
        return False
    if len(a) < 2 or a.null_count:
        return len(a) < 2 and not a.null_count
    return pc.all(pc.less(a.slice(0, len(a) - 1), a.slice(1))).as_py() is True


def _same_lengths(a: pd.Series, b: pd.Series) -> bool:
    """Whether every cell of b is as long in bytes as a's: stripping `a` into `b` stripped nothing. Arrow reads the
    lengths from the offsets, without scanning the text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        la, lb = (pc.binary_length(pa.chunked_array(x.array._pa_array)) for x in (a, b))
    except AttributeError:  # text not kept by Arrow
        return bool(a.eq(b).all())
    return pc.all(pc.equal(la, lb)).as_py() is not False


def parse_number(s: pd.Series) -> pd.Series:
    """Numbers as written in the interchange format: digits, optional decimal point."""
    return pd.to_numeric(s.astype("string").str.strip().str.replace(r"^\+", "", regex=True), errors="coerce")


def date_is_real(s: pd.Series) -> pd.Series:
    """True where a YYYY, YYYY-MM or YYYY-MM-DD string names a real calendar date."""
    text = s.astype("string").str.strip()
    full = text.where(text.str.len() != 4, text + "-01-01")
    full = full.where(full.str.len() != 7, full + "-01")
    return pd.to_datetime(full, format="%Y-%m-%d", errors="coerce").notna()


def check(
    df: pd.DataFrame, table: Table, *, require_columns: bool = True, row_numbers: pd.Series | None = None
) -> Report:
    """Validate `df` (strings as read from CSV) against `table`.

    `row_numbers` gives each row's number in the user's file when it is not
    header-on-row-1 (an XLSX with title rows above the header).
    """
    problems: list[Problem] = []
    missing_cols = [f.name for f in table.fields if f.required and f.name not in df.columns]
    if require_columns:
        for name in missing_cols:
            problems.append(Problem(1, name, Message("msg.required_missing", {"field": name})))
    rownum = row_numbers if row_numbers is not None else pd.Series(range(2, len(df) + 2), index=df.index)

    def add(mask: pd.Series, column: str, make) -> None:
        for idx in mask[mask].index:
            problems.append(
                Problem(int(rownum[idx]), column, make(df.at[idx, column] if column in df else None))
            )

    texts: dict[str, pd.Series] = {}
    blanks: dict[str, pd.Series] = {}

    def text_of(name: str) -> pd.Series:
        """A column's cells stripped, computed once however many checks read them."""
        if name not in texts:
            texts[name] = stripped(df[name].astype("string"))
        return texts[name]

    def blank_of(name: str) -> pd.Series:
        if name not in blanks:
            blanks[name] = df[name].isna() | (text_of(name) == "")
        return blanks[name]

    for f in table.fields:
        number = f.type in ("number", "integer")
        if f.name not in df.columns or not (
            f.required or number or f.enum or f.pattern and f.type == "string"
        ):
            continue  # a free text column: nothing in it can be wrong
        col = df[f.name]
        blank = blank_of(f.name)
        if f.required:
            add(blank, f.name, lambda v, f=f: Message("msg.missing", {"field": field(f.name)}))
        present = ~blank
        if not present.any():
            continue  # every other check is of the cells written
        text = text_of(f.name)
        if number:
            bad, below = _number_problems(col, text, present, f.minimum)
            add(bad, f.name, lambda v: Message("msg.not_number", {"v": _short(v)}))
            if f.minimum is not None:
                add(
                    below,
                    f.name,
                    lambda v, f=f: Message("msg.negative", {"field": field(f.name), "v": _short(v)}),
                )
        if f.enum:
            bad = present & ~text.isin(f.enum)
            add(
                bad,
                f.name,
                lambda v, f=f: Message(
                    "msg.vocab_unknown",
                    {"what": field(f.name), "v": _short(v), "allowed": allowed(f.enum, f.name)},
                ),
            )
        if f.pattern and f.type == "string":
            ok = text.str.match(f.pattern).fillna(False).astype(bool)
            if f.name.endswith("iso3") or f.name == "iso3":
                add(present & ~ok, f.name, lambda v: Message("msg.not_iso3", {"v": _short(v)}))
                add(
                    present & ok & ~text.isin(_COUNTRIES),
                    f.name,
                    lambda v: Message("msg.unknown_code", {"v": _short(v)}),
                )
            elif f.name == "currency":
                add(
                    present & ~(ok & text.isin(_CURRENCIES)),
                    f.name,
                    lambda v: Message("msg.not_currency", {"v": _short(v)}),
                )
            elif f.pattern.startswith(r"^\d{4}"):
                add(present & ~ok, f.name, lambda v: Message("msg.date_form", {"v": _short(v)}))
                add(
                    present & ok & ~date_is_real(col),
                    f.name,
                    lambda v: Message("msg.date_calendar", {"v": _short(v)}),
                )
            else:
                add(
                    present & ~ok,
                    f.name,
                    lambda v: Message("msg.not_url", {"v": _short(v)}),
                )
    if "date" in df.columns and "date_precision" in df.columns:
        length = text_of("date").str.len()
        expected = length.map({4: "year", 7: "month", 10: "day"})
        prec = text_of("date_precision")
        bad = ~blank_of("date") & ~blank_of("date_precision") & expected.notna() & (expected != prec)
        add(bad, "date_precision", lambda v: Message("msg.precision", {"v": _short(v)}))
    if table.primary_key and table.primary_key in df.columns:
        key = text_of(table.primary_key)
        if not _increasing(
            key
        ):  # keys in strictly increasing order (the usual numbered rows) have no duplicates
            dup = key.duplicated(keep="first") & ~blank_of(table.primary_key)
            add(dup, table.primary_key, lambda v: Message("msg.duplicate", {"v": _short(v)}))
    if {"quantity", "quantity_unit"} <= set(df.columns):
        add(
            ~blank_of("quantity") & blank_of("quantity_unit"),
            "quantity_unit",
            lambda v: Message("msg.no_unit"),
        )
    if {"amount", "currency"} <= set(df.columns):
        add(
            ~blank_of("amount") & blank_of("currency"),
            "currency",
            lambda v: Message("msg.no_currency"),
        )
    problems.sort(key=lambda p: (p.row, p.column))
    return Report(rows=len(df), problems=problems)


def _number_problems(
    col: pd.Series, text: pd.Series, present: pd.Series, minimum: float | None
) -> tuple[pd.Series, pd.Series]:
    """(not a number, below the minimum) of the cells written. Plain digits (up to 300) are numbers, never below
    zero: only the other cells (a few, if any) are parsed."""
    plain = text.str.fullmatch(r"\+?[0-9]{1,300}(\.[0-9]{1,300})?").fillna(False).astype(bool)
    if minimum is not None and minimum > 0:
        plain &= False
    rest = present & ~plain
    bad, below = pd.Series(False, index=col.index), pd.Series(False, index=col.index)
    if rest.any():
        num = parse_number(col[rest])
        bad[rest] = num.isna().to_numpy(dtype=bool)
        if minimum is not None:
            below[rest] = (num < minimum).fillna(False).to_numpy(dtype=bool)
    return bad, below


def _short(v, n: int = 60) -> str:
    s = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
    return s if len(s) <= n else s[: n - 1] + "…"
