"""Issue 18, big files: the fast CSV reader reads exactly what the pandas reader read, the CLI's own limits, and
progress that only a terminal sees. Rows here are test fixtures labelled SYNTHETIC."""

import io

import pandas as pd
import pytest

from conftest import HEADER, NEWSROOM, csv_bytes
from coop_data import importer, interchange, pipeline

SAMPLES = {
    "newsroom, semicolon, cp1252 with BOM": csv_bytes(HEADER, NEWSROOM),
    "utf-8 comma": "Ville,Pays,Montant\nSYNTHETIC Córdoba,Espagne,10\nLyon,FRA,\n".encode(),
    "tab, Windows line ends": b"a\tb\r\n1\t2\r\n3\t4\r\n",
    "quoted separator and newline in a cell": b'a,b,c\n"SYNTHETIC, one","two\nlines",3\nx,,\n',
    "blank lines keep their row numbers": b"a,b\n1,2\n\n3,4\n",
    "ragged rows": b"a,b,c\n1,2\n3,4,5\n",
    "repeated header": b"a,a,b\n1,2,3\n",
    "cells that look like numbers or NA stay text": b"a,b\n007,NA\n1e3,null\n",
}


@pytest.mark.parametrize("name", SAMPLES)
def test_the_fast_reader_reads_what_pandas_read(name, monkeypatch):
    fast = interchange.read_csv(SAMPLES[name])
    monkeypatch.setattr(interchange, "_arrow_csv", lambda *a: None)  # the reader before issue 18
    slow = interchange.read_csv(SAMPLES[name])
    pd.testing.assert_frame_equal(fast.data, slow.data)
    pd.testing.assert_series_equal(fast.rows, slow.rows)
    assert fast.details == slow.details


def test_cells_are_kept_as_written():
    raw = interchange.read_csv(SAMPLES["cells that look like numbers or NA stay text"])
    assert raw.data.to_dict("records") == [{"a": "007", "b": "NA"}, {"a": "1e3", "b": "null"}]
    assert list(raw.rows) == [2, 3]
    assert list(interchange.read_csv(SAMPLES["blank lines keep their row numbers"]).rows) == [2, 4]


def test_the_encoding_is_read_from_the_whole_file():
    """One Windows-1252 byte in the last row makes the file Windows-1252, however much UTF-8-looking text is above
    it; a UTF-8 file keeps its accents; a header line is found whatever ends it."""
    rows = "".join(f"SYNTHETIC Córdoba {i},ESP\n" for i in range(50_000))
    late = ("city,country\n" + rows).encode() + "Besançon,FRA\n".encode("cp1252")
    raw = interchange.read_csv(late, max_bytes=2**30, max_rows=10**6)
    assert raw.details["encoding"] == "Windows-1252" and raw.data.iloc[-1, 0] == "Besançon"
    assert raw.data.iloc[0, 0] == "SYNTHETIC CÃ³rdoba 0"  # UTF-8 bytes read as Windows-1252, as before
    utf8 = interchange.read_csv(("city;country\r" + rows.replace(",", ";").replace("\n", "\r")).encode())
    assert utf8.details == {"encoding": "UTF-8", "separator": "semicolon", "blank_rows": 0}
    assert utf8.data.iloc[-1].tolist() == ["SYNTHETIC Córdoba 49999", "ESP"]


def test_spaces_are_stripped_whatever_their_bytes():
    """Cells are stripped of ASCII and other spaces (no-break, ideographic) and only of them: names ending in an
    accent or starting with a non-Latin letter stay as written."""
    cells = ["\u00a0Lyon", "Bogotá", "Zürich\u3000", " São Paulo ", "Łódź", "東京"]
    text = "record_id,donor_city\n" + "".join(f"R{i},{c}\n" for i, c in enumerate(cells))
    p = importer.prepare(interchange.read_csv(text.encode()), "flows")
    assert p.table["donor_city"].tolist() == ["Lyon", "Bogotá", "Zürich", "São Paulo", "Łódź", "東京"]


def test_the_cli_reads_files_above_the_upload_limits():
    many = b"a,b\n" + b"1,2\n" * (interchange.MAX_ROWS + 1)
    with pytest.raises(interchange.InputError, match="limit is 200,000"):
        pipeline.read("many.csv", many)  # the page
    assert len(pipeline.read_local("many.csv", many).data) == interchange.MAX_ROWS + 1  # the command line
    over = b"a,b\n" + b"1,2\n" * (interchange.CLI_LIMITS[1] + 1)
    with pytest.raises(interchange.InputError, match="limit is 2,000,000"):
        pipeline.read_local("over.csv", over)


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_goes_to_a_terminal_only():
    assert pipeline.terminal_progress(io.StringIO()) is pipeline.no_progress  # a pipe or a log: nothing
    tty = Terminal()
    show = pipeline.terminal_progress(tty)
    for step in pipeline.STEPS:
        show(step, 1_000_000)
    lines = tty.getvalue().splitlines()
    assert (
        lines[0] == "[  0%] Read 1,000,000 rows from the file" and lines[-1] == "[100%] Stored 1,000,000 rows"
    )
    assert len(lines) == len(pipeline.STEPS)


def test_an_import_reports_each_step_with_its_counts(tmp_path):
    from coop_data.store import Store

    seen = []
    pipeline.import_bytes(
        "d.csv",
        csv_bytes(HEADER, NEWSROOM),
        Store(tmp_path / "s.sqlite"),
        progress=lambda s, n: seen.append((s, n)),
    )
    assert seen == [("read", 5), ("check", 5), ("build", 3), ("store", 3), ("done", 3)]


def test_the_page_refuses_a_million_row_file_stating_its_limits(server, browser, tmp_path):
    """A file of a million flows (~200 MB, beyond Streamlit's default upload size) reaches the app's own refusal,
    in the viewer's language, with every limit; the limits are stated before any file is chosen."""
    from conftest import SHOTS, open_page
    from coop_data import i18n

    limits = i18n.t("imp.limits", "fr", mb=20, rows=i18n.number(interchange.MAX_ROWS, "fr"), cols=200)
    refusal = interchange.InputError("msg.too_big", size="205.0", limit="20").message.text("fr")
    f = tmp_path / "million.csv"
    with f.open("wb") as out:  # SYNTHETIC: only its size matters, the reader refuses it before parsing
        out.write(b"a,b\n")
        out.truncate(205 * 2**20)
    ctx, page, w = open_page(browser, f"{server}/import?lang=fr")
    try:
        page.get_by_text(limits, exact=False).first.wait_for(timeout=60000)  # before any file
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(f))
        alert = page.locator("[data-testid='stAlert']").first
        alert.wait_for(timeout=120000)
        text = alert.inner_text()
        assert text.strip() == f"million.csv: {refusal}. {limits}", text
        assert "or smaller" not in page.inner_text("body")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "import-refused-million-fr.png"))
        assert w.errors == []
    finally:
        ctx.close()
