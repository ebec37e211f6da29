"""The import check in the viewer's language: field and side names, allowed codes with their words, singular
counts, and what a currency value was read as (the fresh-eyes French walk-through, session 7)."""

from conftest import HEADER, NEWSROOM, cell_problem_file, csv_bytes
from coop_data import importer, interchange, messages
from coop_data.messages import Message


def prepare_bytes(name, data):
    return importer.prepare(interchange.read_upload(name, data))


def _cell_problems(lang):
    header, rows = cell_problem_file()
    p = prepare_bytes("x.csv", csv_bytes(header, rows, sep=",", encoding="utf-8", bom=False))
    return {(x.row, x.column): x.message.text(lang) for x in p.report.problems}


def test_field_names_and_allowed_codes_read_in_french():
    fr = _cell_problems("fr")
    assert fr[(3, "donor_name")] == "valeur manquante : nom du donateur"
    assert fr[(5, "quantity")] == "valeur négative pour quantité : « -5 »"
    kind = fr[(9, "aid_kind")]
    assert kind.startswith(
        "valeur inconnue pour type d'aide : « hugs » (valeurs admises : masks (masques), ppe ("
    )
    assert "ventilators (respirateurs)" in kind and "aid kind" not in kind
    es = _cell_problems("es")
    assert es[(3, "donor_name")] == "falta nombre del donante"
    assert "masks (mascarillas)" in es[(9, "aid_kind")]


def test_side_words_and_counts_of_one_in_notes():
    p = prepare_bytes("news.csv", csv_bytes(HEADER, NEWSROOM))
    fr = [n.text("fr") for n in p.notes]
    assert any(
        n.startswith("niveau du donateur : le fichier n'indique pas le niveau du donateur : les 5 donateurs")
        for n in fr
    )
    assert any(
        n.startswith(
            "nom du bénéficiaire : 5 lignes ne nomment pas de bénéficiaire : la ville du bénéficiaire"
        )
        for n in fr
    )
    assert not any("« donor »" in n or "« recipient »" in n for n in fr), fr
    assert "quantité : 1 nombre lu avec virgule décimale, séparateurs de milliers retirés." in fr
    en = [n.text("en") for n in p.notes]
    assert any("so the 5 donors given with a city are taken as cities" in n for n in en), en


def test_a_currency_read_as_a_code_says_what_it_was_read_as_in_the_singular():
    header, rows = cell_problem_file()
    rows = [r[:] for r in rows[:1]]
    cur = header.index("currency")
    rows[0][cur] = "EURO"
    p = prepare_bytes("x.csv", csv_bytes(header, rows, sep=",", encoding="utf-8", bom=False))
    notes = {messages.render(n.params["field"]): n.params["text"] for n in p.notes}
    assert notes["currency"].text("en") == "1 currency value written as an ISO 4217 code (EURO → EUR)"
    assert notes["currency"].text("fr") == "1 devise écrite en code ISO 4217 (EURO → EUR)"
    assert p.table.loc[0, "currency"] == "EUR"


def test_messages_with_word_lists_survive_the_store():
    m = Message(
        "msg.vocab_unknown",
        {"what": messages.field("status"), "v": "maybe", "allowed": messages.allowed(["planned"], "status")},
    )
    back = messages.load(messages.stored(m))
    assert (
        back == m
        and back.text("fr") == "valeur inconnue pour statut : « maybe » (valeurs admises : planned (prévu))"
    )
    assert messages.render(messages.stored(m), "fr") == m.text("fr")
