"""What a new user reads after an import (page report, notes, command line), from real files made here: a name given
without a country is not called "not found", money given as a quantity in a currency is kept as money and said so,
notes name fields in words, row numbers are the file's, and the command line names its unplaced places."""

from test_import import prepare_bytes, run

from conftest import csv_bytes
from coop_data import datasets, importer, pipeline
from coop_data.messages import render
from coop_data.store import Store

HEADER = [
    "donor city",
    "donor country",
    "recipient city",
    "recipient country",
    "aid kind",
    "quantity",
    "unit",
    "source",
]
# Real places; "Xyzzyqton" is a made-up name no gazetteer holds; the rows are SYNTHETIC test fixtures.
ROWS = [
    ["Bordeaux", "", "Wuhan", "China", "cash", "50000", "EUR", "https://example.org/synthetic-1"],
    ["Hamburg", "Germany", "Bergamo", "Italy", "masks", "1000", "masks", "https://example.org/synthetic-2"],
    ["Lyon", "France", "Xyzzyqton", "Italy", "masks", "500", "masks", "https://example.org/synthetic-3"],
    ["Toulouse", "FR", "Quelimane", "MOZ", "cash", "2000", "EUR", "https://example.org/synthetic-4"],
]


def user_file(rows=ROWS, header=HEADER) -> bytes:
    return csv_bytes(header, rows, sep=",", encoding="utf-8", bom=False)


def test_a_name_without_country_found_once_is_listed_as_such_not_as_not_found():
    p = prepare_bytes("user.csv", user_file())
    amb = p.ambiguous.set_index("name")
    assert (
        amb.loc["Bordeaux", "n_candidates"] == 1 and amb.loc["Bordeaux", "country"] == ""
    )  # one place world-wide
    not_found, no_country = importer.unplaced_groups(p.unplaced)
    assert no_country[["row", "name"]].values.tolist() == [[2, "Bordeaux"]]
    assert not_found[["row", "name"]].values.tolist() == [[4, "Xyzzyqton"]]
    why = no_country.iloc[0]["why"]
    assert why.key == "msg.choose_place" and "not found" not in why.text("en")
    assert "add the country to your file or choose the place" in why.text("en")
    assert "ajoutez le pays dans votre fichier ou choisissez le lieu" in why.text("fr")
    assert not_found.iloc[0]["why"].text("en") == "not in the offline gazetteer for ITA"
    # the column as the check report names it: the user's header and the field
    assert no_country.iloc[0]["column"] == "donor city → donor_city"


def test_money_given_as_a_quantity_in_a_currency_becomes_the_amount_and_the_note_names_rows_and_columns(
    tmp_path,
):
    p = prepare_bytes("user.csv", user_file())
    t = p.table.set_index(p.raw.rows)
    assert t.loc[2, ["amount", "currency", "quantity", "quantity_unit"]].tolist() == ["50000", "EUR", "", ""]
    assert t.loc[5, ["amount", "currency"]].tolist() == ["2000", "EUR"]
    assert t.loc[3, ["quantity", "quantity_unit", "amount"]].tolist() == ["1000", "masks", ""]
    notes = [n.text("en") for n in p.notes]
    assert (
        "amount: 2 rows give money as a quantity in a currency (column 'quantity', unit EUR in column 'unit') and "
        "no amount: the quantity is taken as the amount in EUR and counts as money (rows 2, 5 of the file)."
    ) in notes, notes
    fr = [n.text("fr") for n in p.notes]
    assert any(n.startswith("montant : 2 lignes donnent de l'argent comme une quantité") for n in fr), fr
    assert any("(lignes 2, 5 du fichier)" in n for n in fr), fr
    # stored and opened, the money counts as money (EUR at the ECB rate: itself)
    store = Store(tmp_path / "s.sqlite")
    ds_id, _ = pipeline.save(p, user_file(), "user.csv", store, owner="test")
    b, _ = datasets.open_bundle(ds_id, "imported", store)
    eur = b.flows.set_index("record_id")["amount_eur"]
    assert eur["R2"] == 50000 and eur["R5"] == 2000 and eur[["R3", "R4"]].isna().all()


def test_a_currency_unit_is_only_an_upper_case_code_or_a_euro_sign_and_an_amount_given_stays():
    rows = [
        ["Hamburg", "DEU", "Bergamo", "ITA", "other", "300", "pen", "https://example.org/synthetic-5"],
        ["Hamburg", "DEU", "Bergamo", "ITA", "cash", "400", "€", "https://example.org/synthetic-6"],
        ["Hamburg", "DEU", "Bergamo", "ITA", "cash", "500", "USD", "https://example.org/synthetic-7"],
    ]
    header = [*HEADER, "amount", "currency"]
    p = prepare_bytes(
        "u.csv", user_file([r + ["", ""] for r in rows[:2]] + [rows[2] + ["450", "EUR"]], header)
    )
    t = p.table.set_index(p.raw.rows)
    assert t.loc[2, ["quantity", "quantity_unit", "amount"]].tolist() == ["300", "pen", ""]  # pens, not soles
    assert t.loc[3, ["amount", "currency", "quantity"]].tolist() == ["400", "EUR", ""]
    assert t.loc[4, ["quantity", "quantity_unit", "amount", "currency"]].tolist() == [
        "500",
        "USD",
        "450",
        "EUR",
    ]
    notes = [n.text("en") for n in p.notes]
    assert any("1 row gives money as a quantity" in n and "(row 3 of the file)" in n for n in notes), notes
    assert any(
        n.startswith(
            "quantity: 1 row gives both an amount and a quantity in a currency (unit USD in column 'unit')"
        )
        and "(row 4 of the file)" in n
        for n in notes
    ), notes


def test_notes_name_fields_in_words_and_a_long_row_list_says_how_many_more():
    rows = [
        ["Toulouse", "FRA", "Quelimane", "MOZ", "cash", str(100 + i), "EUR", "https://example.org/s"]
        for i in range(13)
    ]
    p = prepare_bytes("u.csv", user_file(ROWS + rows))
    en, fr = [n.text("en") for n in p.notes], [n.text("fr") for n in p.notes]
    assert not [n for n in en + fr if n.split(":")[0].count("_")], en  # no donor_country_iso3 in front
    assert any(n.startswith("donor country: 3 country values written") for n in en), en
    assert any(n.startswith("pays du donateur : 3 pays écrits") for n in fr), fr
    money = next(n for n in en if n.startswith("amount: "))
    assert "(rows 2, 5, 6, 7, 8, 9, 10, 11, 12, 13 and 5 more of the file)" in money
    assert "15 rows give money" in money
    assert "et 5 autres du fichier)" in next(n for n in fr if n.startswith("montant : "))


def test_row_numbers_are_the_files_and_the_report_says_so():
    p = prepare_bytes("user.csv", user_file())
    assert list(p.raw.rows) == [2, 3, 4, 5]  # header = row 1, as the check report, ids and set-aside rows use
    assert p.table["record_id"].tolist() == ["R2", "R3", "R4", "R5"]
    assert render(importer.row_list([2])) == "2"


def test_cli_text_names_every_unplaced_place_with_its_reason_and_cuts_a_long_list(tmp_path):
    f = tmp_path / "user.csv"
    made_up = [  # SYNTHETIC: 22 made-up names no gazetteer holds, rows 6 to 27
        ["Lyon", "FRA", f"Xyzzyqton {i}", "ITA", "masks", "5", "masks", "https://example.org/s"]
        for i in range(22)
    ]
    f.write_bytes(user_file(ROWS + made_up))
    r = run("import", str(f), env_store=tmp_path / "s.sqlite")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    out = r.stdout
    assert "place names left unplaced: 24" in out and "names to choose: 1" in out
    assert "Row numbers are your file's rows as a spreadsheet numbers them: the header is row 1" in out
    assert "place names left unplaced (24): imported and counted, not drawn on maps" in out
    assert (
        "  row 2, column donor city → donor_city: 'Bordeaux': in the gazetteer, but no country given: add the "
        "country to your file or choose the place; not drawn until then"
    ) in out
    assert '    choose with --choose "Bordeaux|=GEONAMEID"; candidates: ' in out and "Bordeaux (FRA)" in out
    assert (
        "  row 4, column recipient city → recipient_city: 'Xyzzyqton': not in the offline gazetteer for ITA"
        in out
    )
    assert "'Xyzzyqton 17'" in out and "'Xyzzyqton 18'" not in out  # 20 listed
    assert "  … and 4 more (--json lists them all)" in out
    r = run("import", str(f), "--lang", "fr", env_store=tmp_path / "s.sqlite")
    assert (
        "  ligne 4, colonne recipient city → recipient_city : « Xyzzyqton » : absent du répertoire"
        in r.stdout
    )
    assert "  … et 4 autres (--json les liste tous)" in r.stdout
    assert (
        "noms de lieux non placés : 24" in r.stdout
        and "pour l'ouvrir : streamlit run dashboard.py" in r.stdout
    )
