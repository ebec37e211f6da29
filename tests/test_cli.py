"""The command line on the real data and on good and bad files, in a subprocess like a user runs it."""

import json
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from conftest import ROOT

GOOD_ROW = {
    "record_id": "T-1",
    "date": "2020-04",
    "date_precision": "month",
    "donor_name": "City of Cologne",
    "donor_level": "city",
    "donor_city": "Cologne",
    "donor_country_iso3": "DEU",
    "recipient_name": "City of Lille",
    "recipient_level": "city",
    "recipient_city": "Lille",
    "recipient_country_iso3": "FRA",
    "aid_kind": "cash",
    "items": "",
    "quantity": "",
    "quantity_unit": "",
    "amount": "10000",
    "currency": "EUR",
    "amount_qualifier": "exact",
    "channel_network": "",
    "relationship_stated": "twin cities",
    "summary": "test row",
    "source_url": "https://example.org/a",
    "source_publisher": "x",
    "source_date": "2020-04-02",
}


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "coop_data", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def write_csv(tmp_path, rows, name="f.csv"):
    p = tmp_path / name
    pd.DataFrame(rows).to_csv(p, index=False)
    return p


def test_summary_json_accounts_for_every_flow():
    r = run("summary", "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert (
        s["dossier"]["accounted_for"] and s["dossier"]["flows_in_dossier"] == 393 + 194
    )  # both research rounds
    assert s["flows_without_source_url"] == 0
    for cat in (
        "china_to_partner",
        "partner_to_china",
        "north_north",
        "north_south",
        "south_south",
        "network_to_south",
        "unclassified",
    ):
        assert s["flows_by_direction"][cat] > 0
    names = " ".join(u["name"] for u in s["unresolved_places"])
    assert "Noceva" in names and "Koroskacerna" in names
    assert s["totals_delivered"]["per_unit"]["masks"]["total"] > 1_000_000
    assert s["counts"]["partnerships"] == 328 and s["counts"]["funds"] == 35


def test_summary_human_readable():
    r = run("summary")
    assert r.returncode == 0 and "all accounted for: True" in r.stdout


def test_validate_good_file(tmp_path):
    p = write_csv(tmp_path, [GOOD_ROW, {**GOOD_ROW, "record_id": "T-2"}])
    r = run("validate", str(p), "--json")
    out = json.loads(r.stdout)
    assert r.returncode == 0 and out["valid_rows"] == 2 and out["errors"] == []


def test_validate_bad_rows_named_by_row_and_column(tmp_path):
    rows = [
        GOOD_ROW,
        {**GOOD_ROW, "record_id": "T-2", "date": "2020-02-31", "date_precision": "day"},
        {**GOOD_ROW, "record_id": "T-3", "donor_name": "", "donor_city": "", "recipient_country_iso3": "XXX"},
        {**GOOD_ROW, "record_id": "T-4", "amount": "ten thousand", "currency": "EU"},
        {**GOOD_ROW, "record_id": "T-4", "aid_kind": "hugs", "quantity": "-5", "quantity_unit": "masks"},
        {**GOOD_ROW, "record_id": "T-6", "donor_city": "Noceva", "donor_country_iso3": "ITA"},
    ]
    r = run("validate", str(write_csv(tmp_path, rows)), "--json")
    out = json.loads(r.stdout)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    errs = {(e["row"], e["column"]) for e in out["errors"]}
    assert (3, "date") in errs  # 31 Feb does not exist
    assert (4, "donor_name") in errs and (4, "recipient_country_iso3") in errs
    assert (5, "amount") in errs and (5, "currency") in errs
    assert (6, "aid_kind") in errs and (6, "quantity") in errs and (6, "record_id") in errs  # duplicate id
    assert out["valid_rows"] == 2  # rows 2 and 7
    assert any(
        u["row"] == 7 and u["column"] == "donor_city" and u["name"] == "Noceva" for u in out["unplaced"]
    )
    msgs = " ".join(e["message"] for e in out["errors"])
    assert (
        "does not exist in the calendar" in msgs
        and "unknown country code 'XXX'" in msgs
        and "negative quantity" in msgs
    )


@pytest.mark.parametrize(
    "content,needle",
    [
        (b"", "empty"),
        (b"\x00\x01\x02PK binary", "binary"),
        (b"record_id,date\n", None),
    ],
)
def test_validate_unreadable_files_give_messages_not_tracebacks(tmp_path, content, needle):
    p = tmp_path / "x.csv"
    p.write_bytes(content)
    r = run("validate", str(p), "--json")
    assert r.returncode != 0 and "Traceback" not in r.stderr + r.stdout
    out = json.loads(r.stdout)
    assert out["valid_rows"] == 0
    if needle:
        assert needle in out["errors"][0]["message"]
    else:
        assert any("(required)" in e["message"] for e in out["errors"])


def test_validate_the_dossier_layout_itself():
    from conftest import DOSSIER

    src = DOSSIER / "flows_world.csv" if DOSSIER.exists() else None
    if src is None:
        pytest.skip("dossier absent")
    r = run("validate", str(src), "--json")
    out = json.loads(r.stdout)
    assert out["rows"] == 119 and out["valid_rows"] == 119, out["errors"][:3]


def test_export_csv_filtered_and_neutralised(tmp_path):
    out = tmp_path / "ns.csv"
    r = run("export", "--format", "csv", "--out", str(out), "--direction", "north_south", "--json")
    assert r.returncode == 0, r.stderr
    meta = json.loads(r.stdout)
    df = pd.read_csv(out, dtype=str, keep_default_na=False)  # a clean table: no comment line to skip
    # 40 in the first round + WD-0111/0112 (Uruguay high income at their dates) + 47 from the second round
    assert len(df) == meta["rows"] == 89 and set(df["direction"]) == {"north_south"}
    assert df["source_url"].str.startswith("http").all()
    assert "North → South" in meta["filter"] and not out.read_text().splitlines()[-1].startswith("#")


def test_export_zip_carries_the_citation_beside_the_csv(tmp_path):
    import zipfile

    out = tmp_path / "ns.zip"
    assert run("export", "--format", "zip", "--out", str(out), "--direction", "north_south").returncode == 0
    z = zipfile.ZipFile(out)
    assert sorted(z.namelist()) == ["README.md", "city-solidarity-flows.csv", "datapackage.json"]
    assert len(pd.read_csv(z.open("city-solidarity-flows.csv"))) == 89  # as the CSV export above
    assert "North → South" in z.read("README.md").decode()


def test_export_xlsx_has_sources_and_citation(tmp_path):
    out = tmp_path / "x.xlsx"
    assert run("export", "--format", "xlsx", "--out", str(out), "--donor-country", "DEU").returncode == 0
    wb = openpyxl.load_workbook(out)
    assert {"flows", "sources", "cite"} <= set(wb.sheetnames)
    assert "donor in Germany" in wb["cite"]["A2"].value


def test_export_geojson(tmp_path):
    out = tmp_path / "x.geojson"
    assert run("export", "--format", "geojson", "--out", str(out)).returncode == 0
    g = json.loads(out.read_text())
    assert g["features"] and g["features"][0]["geometry"]["type"] == "LineString"
    assert len(g["features"]) + len(g["not_drawn"]) == 583


def test_export_bad_filter_value_warns(tmp_path):
    r = run(
        "export", "--format", "json", "--out", str(tmp_path / "x.json"), "--direction", "sideways", "--json"
    )
    assert r.returncode == 0 and "Ignored unknown direction" in r.stderr


def test_neutralise_formulas():
    from coop_data.export import neutralise

    df = pd.DataFrame({"a": ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx", "ok"]})
    out = neutralise(df)["a"].tolist()
    assert out[:5] == ['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)", "'\tx"] and out[5] == "ok"


# --- one import pipeline: nothing stored without a row to store ---------------------------------------


def _stored_ids(store_path):
    import sqlite3

    if not store_path.exists():
        return []
    with sqlite3.connect(store_path) as c:
        return [r[0] for r in c.execute("SELECT id FROM datasets")]


@pytest.mark.parametrize(
    "name,content,code,says",
    [
        ("header-only.csv", ",".join(GOOD_ROW) + "\n", 3, "header but no rows"),
        ("nothing-known.csv", "colour,shape\nred,round\n", 3, "required field has no column"),
        ("data.json", '{"flows": [1, 2]}', 2, "not a CSV or XLSX table"),
    ],
)
def test_import_of_a_file_with_no_importable_row_stores_nothing_and_says_why(
    tmp_path, name, content, code, says
):
    store = tmp_path / "s.sqlite"
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    r = run("import", str(f), "--store", str(store))
    assert r.returncode == code, (r.stdout, r.stderr)
    assert "nothing stored" in r.stderr and says in r.stderr and "Traceback" not in r.stderr
    assert _stored_ids(store) == []
    j = run("import", str(f), "--store", str(store), "--json")
    assert j.returncode == code and json.loads(j.stdout)["stored"] is False


def test_validate_of_a_header_only_file_fails_with_a_message(tmp_path):
    f = tmp_path / "h.csv"
    f.write_text(",".join(GOOD_ROW) + "\n", encoding="utf-8")
    r = run("validate", str(f))
    assert r.returncode == 1 and "header but no rows" in r.stderr


def test_import_piped_into_head_ends_without_a_traceback(tmp_path):
    f = write_csv(tmp_path, [GOOD_ROW] * 40)
    cmd = f"{sys.executable} -m coop_data import --json {f} --store {tmp_path / 's.sqlite'} | head -c 100"
    r = subprocess.run(["bash", "-c", cmd], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert len(r.stdout) == 100  # JSON to a pipe is one line: the reader stops inside it
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr, r.stderr


def test_the_remembered_mapping_note_only_when_the_mapping_differs(tmp_path):
    """A user who maps a column by hand and runs the same command again is not told they mapped it differently."""
    row = {k: v for k, v in GOOD_ROW.items() if k != "summary"} | {"blurb": "test row"}
    f = write_csv(tmp_path, [row])
    store = str(tmp_path / "s.sqlite")
    note = "mapped a file with these headers differently before"
    first = run("import", str(f), "--store", store, "--map", "blurb=summary", "--json")
    again = run("import", str(f), "--store", store, "--map", "blurb=summary", "--json")
    plain = run("import", str(f), "--store", store, "--json")  # the headers' own guess leaves blurb unmapped
    assert first.returncode == again.returncode == plain.returncode == 0, first.stderr
    assert note not in first.stderr and note not in again.stderr, again.stderr
    assert note in plain.stderr
