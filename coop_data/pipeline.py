"""The one import pipeline of the page and the CLI: read a file, propose a column mapping, check it, store it.

Each step is its own function so the page can show what happens between them (the mapping to review, the check
report, the place choices) while the CLI runs them in one go; both refuse the same files with the same messages.
"""

from __future__ import annotations

import gc
import getpass
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from . import columns, importer
from .datasets import built_parts, to_dataset
from .i18n import t
from .interchange import CLI_LIMITS, RawTable, read_path, read_upload
from .messages import Message, render_frame
from .store import Store, frame_bytes

read = read_upload
# Steps of a long import, in order, with the share of the work done when each starts (measured at 1M rows).
STEPS = {"read": 0.0, "check": 0.15, "build": 0.6, "store": 0.85, "done": 1.0}


def no_progress(step: str, rows: int) -> None:
    """The default: say nothing."""


def terminal_progress(stream=None):
    """The CLI's progress: one line per step on stderr, only when stderr is a terminal (never in a pipe or a log)."""
    import sys

    stream = stream or sys.stderr
    if not stream.isatty():
        return no_progress

    def show(step: str, rows: int) -> None:
        print(
            f"[{STEPS[step]:4.0%}] " + t(f"imp.step_{step}", "en", rows=f"{rows:,}"), file=stream, flush=True
        )

    return show


class NothingToStore(Exception):
    """A checked file none of whose rows can be stored; `message` says why."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(message.text())


@dataclass(frozen=True)
class MappingProposal:
    """What the reader is offered for the columns: the guess from the headers, and the mapping this owner used last
    time for the same headers (offered and announced, never applied without being chosen)."""

    header_key: str
    kind: str
    suggested: dict
    remembered: dict | None


def cli_owner() -> str:
    """Whose remembered mappings the command line uses: the local account's."""
    return f"cli:{getpass.getuser()}"


def propose_mapping(raw: RawTable, kind: str | None, store: Store, owner: str) -> MappingProposal:
    headers = list(raw.data.columns)
    kind = kind or columns.detect_kind(headers)
    hk = columns.header_key(headers)
    remembered = store.recall_mapping(owner, hk, kind)
    return MappingProposal(hk, kind, columns.suggest(headers, kind), remembered)


@contextmanager
def gc_paused():
    """No cyclic garbage collection while an import runs. It makes millions of small objects (names, candidate
    records, report rows) that live until it ends, and the collector kept walking them: about a tenth of a 100k
    import's time. What the import drops is freed by reference counting all the same; only cycles wait for the end.
    Whoever paused first resumes it, so nested or concurrent imports leave it on at the end."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def check(
    raw: RawTable,
    kind: str | None = None,
    mapping: dict | None = None,
    options: importer.Options | None = None,
) -> importer.Prepared:
    """`importer.prepare`, with the collector paused (see `gc_paused`)."""
    with gc_paused():
        return importer.prepare(raw, kind, mapping, options)


def release_memory() -> None:
    """Between the import's stages: the memory Arrow's allocator and C's kept from the last one goes back to the
    system (freed pages of a million-row table would otherwise count until the process ends)."""
    import ctypes
    import ctypes.util

    from .places import _release_arrow

    _release_arrow()
    libc = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(libc), "malloc_trim", None) if libc else None
    if trim is not None:  # glibc only
        trim(0)


def refusal(prep: importer.Prepared) -> Message | None:
    """Why nothing of this file can be stored, or None when at least one row can."""
    if prep.raw.data.empty:
        return Message("imp.no_rows")
    if not prep.report.header_ok:
        return Message("imp.header_bad")
    if prep.counts()["imported"] == 0:
        return Message("imp.none_ok")
    return None


def save(
    prep: importer.Prepared,
    data: bytes,
    filename: str,
    store: Store,
    *,
    owner: str,
    choices: dict[str, int] | None = None,
    name: str = "",
    progress=no_progress,
    release_input: bool = False,
) -> tuple[str, str]:
    """Store the accepted rows with their built tables (one transaction) and remember the mapping for this owner.
    Returns (id, key). `release_input`: the caller no longer needs the file's cells as read nor the checked table
    (the command line, which takes `prep.counts()` before), so they are let go before the wide tables are built
    and the parts written (at a million rows, 0.7 GB)."""
    why = refusal(prep)
    if why is not None:
        raise NothingToStore(why)
    with gc_paused():
        return _save(prep, data, filename, store, owner, choices, name, progress, release_input)


def _save(prep, data, filename, store, owner, choices, name, progress, release_input) -> tuple[str, str]:
    n = prep.counts()["imported"]
    progress("build", n)
    ds = to_dataset(prep, choices, name or filename, filename, data)
    if release_input:
        prep.raw.data = prep.raw.data.iloc[0:0]  # the headers stay: the mapping is remembered by them
    release_memory()
    # The accepted rows are written as Parquet (C++, off the interpreter lock) while they are placed and
    # enriched: the two cores work at once, and the rows can be let go before the store writes.
    with ThreadPoolExecutor(1) as writer:
        rows_part = writer.submit(frame_bytes, ds.rows)
        ds.parts = built_parts(ds)  # placed and enriched once, here, so that opening only reads them
        ds.parts["rows"] = rows_part.result()
    ds.rows = ds.rows.iloc[0:0]  # already in `parts`
    if release_input:
        prep.table = prep.table.iloc[0:0]
    release_memory()
    progress("store", n)
    ds_id, key = store.save(ds)
    progress("done", n)
    store.remember_mapping(owner, columns.header_key(list(prep.raw.data.columns)), prep.kind, prep.mapping)
    return ds_id, key


def import_bytes(
    filename: str,
    data: bytes,
    store: Store,
    *,
    kind: str | None = None,
    mapping: dict | None = None,
    options: importer.Options | None = None,
    choices: dict[str, int] | None = None,
    name: str = "",
    owner: str = "",
    progress=no_progress,
) -> tuple[str, str, importer.Prepared]:
    """Read, check and store a file in one go. Without `mapping` the headers' own guess is used, never a remembered
    mapping. Raises InputError (unreadable file) or NothingToStore. Returns (id, delete key, prepared)."""
    raw = read(filename, data)
    progress("read", len(raw.data))
    prop = propose_mapping(raw, kind, store, owner or cli_owner())
    progress("check", len(raw.data))
    prep = check(raw, prop.kind, prop.suggested if mapping is None else mapping, options)
    ds_id, key = save(
        prep, data, filename, store, owner=owner or cli_owner(), choices=choices, name=name, progress=progress
    )
    return ds_id, key, prep


def cli_line(problem, lang: str = "en") -> str:
    """One problem as the command line prints it: 'row 3, column date: …' in `lang`."""
    return t("msg.cli_problem", lang, row=problem.row, column=problem.column, text=problem.message.text(lang))


def cli_note(note: Message, lang: str = "en") -> str:
    return t("msg.cli_note", lang, text=note.text(lang))


def records(df, lang: str = "en") -> list[dict]:
    """A report table (unplaced names, check report) for JSON output, its messages in `lang`."""
    return render_frame(df, lang).to_dict("records")


def read_local(filename: str, data: bytes) -> RawTable:
    """A file read by the command line: its own machine's limits, not the shared server's upload limits."""
    return read_upload(filename, data, CLI_LIMITS)


def validate_file(path):
    """Check a flows file (CSV/XLSX, any layout the mapping understands). Returns the prepared check."""
    return check(read_path(path, CLI_LIMITS), "flows")
