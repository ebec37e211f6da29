"""Interface languages: the catalog is complete in English, French and Spanish; numbers and dates follow the language;
the `lang` URL parameter switches the interface and survives page switches."""

import json
import logging
import re
from pathlib import Path

import pytest

from coop_data import i18n, vocab
from coop_data.messages import Message, render


def test_every_catalog_string_exists_in_all_three_languages():
    for key, entry in i18n.CATALOG.items():
        assert set(entry) == set(i18n.LANGS), key
        assert all(v.strip() for v in entry.values()), key
        fields = {lang: set(re.findall(r"{(\w+)}", v)) for lang, v in entry.items()}
        assert len({frozenset(f) for f in fields.values()}) == 1, f"{key}: placeholders differ {fields}"


def test_every_direction_category_has_a_name():
    for d in vocab.DIRECTIONS:
        assert i18n.t(f"dir.{d}", "fr") and i18n.t(f"dir.{d}", "es")


def test_missing_translation_raises_in_tests_and_falls_back_visibly_at_run_time(monkeypatch, caplog):
    monkeypatch.setitem(i18n.CATALOG, "test.only_en", {"en": "Only English"})
    with pytest.raises(KeyError, match="no 'fr' translation"):
        i18n.t("test.only_en", "fr")
    monkeypatch.setenv("COOP_I18N_STRICT", "0")
    with caplog.at_level(logging.WARNING):
        assert i18n.t("test.only_en", "fr") == "Only English"
    assert "has no 'fr' translation" in caplog.text


@pytest.mark.parametrize(
    "lang,expected", [("en", "1,234,567.5"), ("fr", "1\u202f234\u202f567,5"), ("es", "1.234.567,5")]
)
def test_number_formats(lang, expected):
    assert i18n.number(1234567.5, lang, 1) == expected


def test_dates_in_the_interface_language():
    assert (
        i18n.month("2020-03-12", "fr") == "mars 2020"
        and i18n.month("2020-03-12", "es", day=True) == "12 mar. 2020"
    )


def test_french_interface_by_url_and_across_pages():
    from test_app import app

    at = app("app_pages/home.py", {"lang": "fr", "direction": "north_south"})
    assert not at.exception
    assert {m.label for m in at.metric} >= {"Flux", "Villes", "Pays"}
    side = " ".join(c.value for c in at.sidebar.caption)
    assert (
        "enregistrements sur 583 correspondent" in side
        and "sens Nord → Sud" in side
        and "Nord/Sud selon" in side
    )
    assert any(m.label == "Sens" for m in at.multiselect)
    assert {m.proto.placeholder for m in at.multiselect} == {
        "Choisir"
    }  # not Streamlit's English "Choose options"
    at.switch_page("app_pages/story.py").run()
    assert at.query_params["lang"] == "fr" and at.query_params["direction"] == "north_south"
    assert any(b.label == "Suivant ▶" for b in at.button)
    es = app("app_pages/home.py", {"lang": "es"})
    assert {m.label for m in es.metric} >= {"Flujos", "Ciudades"}
    bad = app("app_pages/home.py", {"lang": "xx"})
    assert {m.label for m in bad.metric} >= {"Flows"} and "lang" not in bad.query_params


# --- every page in French and Spanish: no English interface text left -------------------------------


def _english_fragments(lang: str) -> set[str]:
    """Literal pieces of English catalog strings (placeholders cut out) that the other language writes differently."""
    out = set()
    for key, entry in i18n.CATALOG.items():
        if key.startswith("msg.") or entry["en"] == entry[lang]:
            continue
        for piece in re.split(r"{\w+}", entry["en"]):
            piece = piece.strip(" .,:;()'\n-")
            if len(piece) >= 16 and " " in piece and piece not in entry[lang]:
                out.add(piece)
    return out


def _page_text(at) -> str:
    """Every element's content (titles, captions, labels, options, help, chart specs) as one string."""
    from google.protobuf import json_format

    parts = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(json.dumps(json_format.MessageToDict(proto), ensure_ascii=False))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


PAGE_FILTERS = {
    "app_pages/map.py": {"highlight": "Oita"},
    "app_pages/partnerships.py": {"highlight": "Montreuil"},
}


@pytest.mark.parametrize("lang", ["fr", "es"])
@pytest.mark.parametrize(
    "page",
    [
        "app_pages/home.py",
        "app_pages/map.py",
        "app_pages/sankey.py",
        "app_pages/timeline.py",
        "app_pages/partnerships.py",
        "app_pages/funds.py",
        "app_pages/explorer.py",
        "app_pages/story.py",
        "app_pages/import.py",
        "app_pages/methods.py",
    ],
)
def test_every_page_speaks_the_chosen_language(page, lang):
    from test_app import app

    at = app(page, {"lang": lang, **PAGE_FILTERS.get(page, {})})
    assert not at.exception
    text = _page_text(at)
    assert len(text) > 2000
    left = sorted(f for f in _english_fragments(lang) if f in text)
    assert not left, f"English left on {page} in {lang}: {left[:5]}"
    key = {"funds": "funds.title", "story": "story.next", "home": "home.map_title"}.get(
        Path(page).stem, f"nav.{Path(page).stem}"
    )
    assert i18n.t(key, lang) in text


def test_the_fragment_check_can_fail():
    """The same check on an English page finds English: the test above would catch an untranslated string."""
    from test_app import app

    at = app("app_pages/map.py", {})
    assert len([f for f in _english_fragments("fr") if f in _page_text(at)]) >= 5


def test_categories_sankey_and_maps_in_french(bundle):
    from coop_data import aggregate
    from coop_data.figures import flow_map, sankey

    fig, _ = flow_map(bundle.flows, "masks", "t", "s", "src", lang="fr")
    names = {t.name for t in fig.data}
    assert "Chine → partenaire" in names and "Lieux (taille : flux entrants + sortants)" in names
    links = aggregate.node_table(bundle.flows, ["donor_level", "aid_kind"], "flows", 4)
    labels = set(sankey(links, "t", "s", "src", "flux", lang="es").data[0].node.label)
    assert {"ciudad", "mascarillas"} <= labels and not {"city", "masks"} & labels
    assert i18n.category("aid_kind", "patients_treated", "fr") == "patients soignés"
    assert (
        i18n.category("aid_kind", "unheard-of", "fr") == "unheard-of"
    )  # data outside the vocabulary stays as recorded


def test_citation_words_follow_the_language():
    from coop_data import export

    fr = export.citation("Tous les flux.", "http://x/map?lang=fr", "données", lang="fr")
    assert "Consulté le" in fr and "Vue : http://x/map?lang=fr" in fr and "Retrieved" not in fr
    assert "Retrieved" in export.citation("All flows.", "http://x/map")


def test_text_alternatives_in_french(bundle):
    from coop_data import alttext

    fr = alttext.flows_summary(bundle.flows, "flows", lang="fr")
    assert fr.startswith("La carte montre") and "Chine → partenaire" in fr and "%" in fr
    assert alttext.flows_summary(bundle.flows.head(0), lang="es").startswith("El mapa no muestra")
    p = bundle.partnerships
    assert "partenariats déclarés" in alttext.partnerships_summary(p, 10, lang="fr")


def test_every_import_message_of_the_test_files_is_translated():
    """Every message the awkward test files produce is data (a Message) with its words in French and Spanish."""
    from test_import import prepare_bytes

    from conftest import HEADER, NEWSROOM, cell_problem_file, csv_bytes
    from coop_data import interchange

    header, rows = cell_problem_file(dated=True)
    messages = []
    for p in (
        prepare_bytes("news.csv", csv_bytes(HEADER, NEWSROOM)),
        prepare_bytes("x.csv", csv_bytes(header, rows, sep=",", encoding="utf-8", bom=False)),
    ):
        messages += list(p.notes) + list(p.problem_table()["message"]) + list(p.unplaced.get("why", []))
    for name, data in (
        ("empty.csv", b""),
        ("binary.csv", bytes(range(256)) * 40),
        ("zip.csv", b"PK\x03\x04" + b"\x00" * 100),
        ("fake.xlsx", b"text"),
        ("old.xls", b"\xd0\xcf\x11\xe0 old"),
    ):
        with pytest.raises(interchange.InputError) as e:
            interchange.read_upload(name, data)
        messages.append(e.value.message)
    assert len(messages) >= 20 and all(isinstance(m, Message) for m in messages)
    for lang in ("fr", "es"):
        left = [m for m in messages if m.text(lang) == m.text("en")]
        assert not left, left
    assert (
        Message("msg.date_calendar", {"v": "31/02/2020"}).text("fr")
        == "la date « 31/02/2020 » n'existe pas dans le calendrier"
    )
    for m in messages:  # a note about a column keeps its column in front, in the language's punctuation
        if m.key == "msg.note":
            field = render(m.params["field"], "fr")
            assert m.text("fr").startswith(field + " : ") and m.text("en").endswith("."), m
            assert "_" not in field, m  # the field's words, not its code (donor_country_iso3)


def test_no_english_sentence_is_parsed_back(monkeypatch):
    """Messages are data: the reverse parser of English text is gone, and a problem still reads in French after its
    English template is reworded (nothing matches words against templates)."""
    from test_import import HEADER, NEWSROOM, csv_bytes, prepare_bytes

    assert not hasattr(i18n, "message") and not hasattr(i18n, "_message_patterns")
    entry = i18n.CATALOG["msg.date_calendar"]
    monkeypatch.setitem(i18n.CATALOG, "msg.date_calendar", {**entry, "en": "no calendar has the day {v}"})
    p = prepare_bytes("news.csv", csv_bytes(HEADER, NEWSROOM))
    bad = next(x for x in p.report.problems if x.row == 3)
    assert str(bad.message) == "no calendar has the day 31/02/2020"
    assert bad.message.text("fr") == "la date « 31/02/2020 » n'existe pas dans le calendrier"


def test_import_report_of_a_bad_file_reads_in_french_with_row_and_column():
    """The check report, the rows set aside (as stored and downloaded) and the notes of a newsroom file, in French."""
    from test_import import HEADER, NEWSROOM, csv_bytes, prepare_bytes

    from coop_data import messages

    p = prepare_bytes("news.csv", csv_bytes(HEADER, NEWSROOM))
    report = messages.render_frame(p.problem_table(), "fr")
    rows = {(r.row, r.column): r.message for r in report.itertuples()}
    assert rows[(3, "Date → date")] == "la date « 31/02/2020 » n'existe pas dans le calendrier"
    assert rows[(6, "Type d'aide → aid_kind")].startswith("valeur inconnue pour type d'aide : « =HYPERLINK")
    aside = messages.render_frame(messages.stored_frame(p.set_aside()), "fr").set_index("row")["problems"]
    assert aside[3] == "Date → date : la date « 31/02/2020 » n'existe pas dans le calendrier"
    notes = [n.text("fr") for n in p.notes]
    assert any(n.startswith("montant : ") and "virgule décimale" in n for n in notes), notes
    assert any("Espagne → ESP" in n and "codes ISO 3166 alpha-3" in n for n in notes), notes
    es = messages.render_frame(p.problem_table(), "es").set_index(["row", "column"])["message"]
    assert es[(3, "Date → date")] == "la fecha «31/02/2020» no existe en el calendario"


def test_scene_highlight_rings_a_place_and_a_flow(bundle):
    from coop_data import story

    sc = story.Scene("t", "c", "map", {}, "flows", highlight="Oita; CN-0039; Atlantis")
    fig, _, _ = story.scene_figure(sc, bundle)
    hl = [t for t in fig.data if t.name in ("Highlighted place", "Highlighted flow")]
    assert {t.name for t in hl} == {"Highlighted place", "Highlighted flow"}
    ring = next(t for t in hl if t.name == "Highlighted place")
    assert "Oita" in list(ring.text)
    # Named once: the map's own label of a ringed place gives way to the highlight's (slide 6 said "Oita" twice).
    few = story.Scene("t", "c", "map", {"city": "Oita"}, "flows", highlight="Oita")
    fig, _, _ = story.scene_figure(few, bundle)
    labels = [x for tr in fig.data if tr.type == "scattergeo" and tr.mode == "text" for x in tr.text]
    ringed = [x for tr in fig.data if tr.name == "Highlighted place" for x in tr.text]
    assert ringed == ["Oita"] and "Oita" not in labels and "Wuhan" in labels, labels
    import plotly.graph_objects as go

    from coop_data.figures import highlight

    assert highlight.add(go.Figure(), bundle, "Oita; Atlantis") == ["Atlantis"]
    body = story.to_body([sc])
    assert story.from_body(body)[0].highlight == "Oita; CN-0039; Atlantis"


def test_shipped_story_has_the_case_studies_scene_with_computed_numbers(bundle):
    from coop_data import story

    scenes = story.shipped(bundle)
    case = scenes[-1]
    assert case.chart == "partnerships" and "Quelimane" in case.highlight
    f = bundle.facts.set_index("fact_id")
    assert "EUR 338,530" in case.caption and str(int(f.loc["SF-25", "value"])) in case.caption
    places = ("Milan", "Quelimane", "Montreuil", "Cercle de Yélimané")
    n = int((bundle.flows["donor_label"].isin(places) & bundle.flows["recipient_label"].isin(places)).sum())
    assert f"found {n} COVID-era flows" in case.caption
    fr = story.shipped(bundle, "fr")[-1]
    assert "338 530 EUR" in fr.caption.replace("\u202f", " ")


def test_every_key_the_code_asks_for_exists():
    """Literal keys in the code, and the families built from a value (stage.<field>, imp.lists_<kind> …), are in the catalog."""
    import glob

    from coop_data import classify, story

    root = Path(__file__).resolve().parents[1]
    keys = set()
    for f in (
        glob.glob(str(root / "app_pages" / "*.py"))
        + glob.glob(str(root / "coop_ui" / "*.py"))
        + glob.glob(str(root / "coop_data" / "**" / "*.py"), recursive=True)
    ):
        s = Path(f).read_text()
        keys |= set(re.findall(r"\b[Tt]\([\"']([\w.]+)[\"']", s))
    keys = {k for k in keys if not k.endswith((".", "_"))}
    keys |= {
        f"stage.{f}"
        for f in (
            "donor_level",
            "recipient_level",
            "donor_region",
            "recipient_region",
            "direction",
            "aid_kind",
            "recipient_country",
            "donor_country",
            "channel",
            "recipient_label",
            "status",
        )
    }
    keys |= {f"imp.lists_{k}" for k in ("flows", "partnerships")} | {
        f"imp.kind_{k}" for k in ("flows", "partnerships")
    }
    keys |= {f"imp.const_{f}" for f in ("source_url", "currency")} | {f"map.shade_{s}" for s in vocab.SHADES}
    keys |= {f"tl.{p}_{f}" for p in ("per", "title", "sub", "note") for f in "MW"}
    keys |= {f"measure.{m}" for m in vocab.MEASURES} | {f"unit.{u}" for u in vocab.MEASURES.values()}
    keys |= {f"dir.{d}" for d in vocab.DIRECTIONS} | {f"scheme.{s}" for s in classify.SCHEMES}
    keys |= {f"chartkind.{c}" for c in story.CHARTS} | {f"num.{x}" for x in ("k", "m", "bn")}
    keys |= (
        {f"aid.{a}" for a in vocab.AID_KINDS}
        | {f"status.{s}" for s in vocab.STATUSES}
        | {f"level.{lv}" for lv in vocab.LEVELS}
    )
    missing = sorted(k for k in keys if k not in i18n.CATALOG)
    assert not missing, missing


def test_a_missing_key_shows_the_key_at_run_time_and_fails_in_tests(monkeypatch, caplog):
    with pytest.raises(KeyError):
        i18n.t("no.such.key", "fr")
    monkeypatch.setenv("COOP_I18N_STRICT", "0")
    with caplog.at_level(logging.ERROR):
        assert i18n.t("no.such.key", "fr") == "no.such.key"
    assert "no.such.key" in caplog.text


def test_date_labels_follow_the_language_and_keep_their_precision(bundle):
    assert (
        i18n.date_label("12 Mar 2020", "fr") == "12 mars 2020"
        and i18n.date_label("Mar 2020", "es") == "mar. 2020"
    )
    assert (
        i18n.date_label("2020", "fr") == "2020" and i18n.date_label("date unknown", "fr") == "date inconnue"
    )
    from test_app import app

    at = app("app_pages/explorer.py", {"lang": "fr", "recipient_country": "CHN", "to": "2020-02"})
    shown = at.dataframe[0].value
    with_month = shown["date_label"].str.len() > 4
    assert with_month.sum() > 10 and shown.loc[with_month, "date_label"].str.contains("janv.|févr.").all()
    assert not shown["date_label"].str.contains("Jan|Feb").any()
    rows = bundle.flows.set_index("record_id").loc[shown["record_id"], "date_label"]
    assert [i18n.date_label(x, "fr") for x in rows] == list(shown["date_label"])


def test_a_highlight_that_cannot_be_drawn_is_said_on_the_story_page():
    from test_app import app

    at = app("app_pages/story.py", {"story": "shipped", "scene": "7"})
    assert not at.exception
    said = " ".join(c.value for c in at.caption)
    assert "Nothing to highlight for: Cercle de Yélimané" in said  # the Cercle has no coordinates in the data


@pytest.mark.parametrize(
    "lang,city_a,since", [("en", "City A", "Since"), ("fr", "Ville A", "Depuis"), ("es", "Ciudad A", "Desde")]
)
def test_shown_tables_have_headers_in_the_language_and_downloads_keep_field_names(lang, city_a, since):
    """coop_ui.headers: the partnerships table shows translated headers; its data (and so its download) keeps the field names."""
    from test_app import app

    at = app("app_pages/partnerships.py", {"lang": lang})
    table = at.dataframe[0]
    cfg = json.loads(table.proto.columns)
    assert cfg["city_a"]["label"] == city_a
    assert cfg["since_year"]["label"] == since and cfg["since_year"]["type_config"] == {
        "type": "number",
        "format": "%d",
    }  # merged
    assert cfg["source_url"]["type_config"]["type"] == "link"
    assert list(table.value.columns)[:2] == ["city_a", "country_a_iso3"]


def test_panel_tables_show_aid_kinds_and_statuses_in_the_language(monkeypatch):
    """coop_ui.categories_in_language (the map's place/country panel): our codes become words; anything else stays as given."""
    import pandas as pd

    import coop_ui

    monkeypatch.setattr(coop_ui.text, "lang", lambda: "fr")
    df = pd.DataFrame(
        {
            "aid_kind": ["ppe", "masks", "not-a-code"],
            "status": ["delivered", "cancelled", "unknown"],
            "quantity": [1, None, 3],
        }
    )
    out = coop_ui.categories_in_language(df)
    assert list(out["aid_kind"]) == ["équipements de protection", "masques", "not-a-code"]
    assert list(out["status"]) == ["livré", i18n.t("status.cancelled", "fr"), i18n.t("status.unknown", "fr")]
    assert out["quantity"].equals(df["quantity"]) and list(df["aid_kind"]) == [
        "ppe",
        "masks",
        "not-a-code",
    ]  # the input is not changed


def test_reciprocity_table_speaks_french():
    """The partnerships page's reciprocity table: headers and aid kinds in the language, record ids kept."""
    from test_app import app

    at = app("app_pages/partnerships.py", {"lang": "fr"})
    recip = next(d.value for d in at.dataframe if "type d'aide A→B" in d.value.columns)
    assert {"type d'aide B→A", "quantité A→B", "enregistrement B→A", "date A→B"} <= set(recip.columns)
    assert not any(
        str(c).endswith(("_1", "_2")) for c in recip.columns if not str(c).startswith("source_url")
    )
    kinds = set(recip["type d'aide A→B"]) | set(recip["type d'aide B→A"])
    assert "masques" in kinds and "masks" not in kinds
    assert recip["enregistrement A→B"].str.match(r"^[A-Z]+-\d+").all()


@pytest.mark.parametrize(
    "lang,note,unmapped,label",
    [
        ("fr", "montant : 2 nombres lus avec virgule décimale", "Colonnes non importées", "(non importée)"),
        ("es", "importe: 2 números leídos con coma decimal", "Columnas no importadas", "(no importada)"),
    ],
)
def test_a_stored_import_report_reads_in_the_viewers_language(lang, note, unmapped, label):
    """The notes of a stored dataset are put into words when shown, in French or Spanish; its mapping table names a
    column not imported in the language (no English sentinel between the page and the table)."""
    from test_app import app, texts
    from test_import import HEADER, NEWSROOM, csv_bytes

    from coop_data import columns, pipeline
    from coop_data.store import Store

    mapping = {**columns.suggest(HEADER, "flows"), "Quantité": None, "Unité": None}
    ds_id, _, _ = pipeline.import_bytes("d.csv", csv_bytes(HEADER, NEWSROOM), Store(), mapping=mapping)
    at = app("app_pages/import.py", {"dataset": ds_id, "lang": lang})
    assert not at.exception
    shown = texts(at)
    assert note in shown and unmapped in shown and "numbers read with" not in shown, shown[:2000]
    table = at.dataframe[0].value
    assert table.iloc[:, 1].tolist().count(label) == 2, table


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_flow_without_a_date_says_so_in_the_language(lang):
    """WD-0016 (Bayreuth → La Spezia) has no date: the explorer's table says so in French or Spanish, and the
    bundled data's label in a citation is the locale's (no English sentinel reaches the page)."""
    from test_app import app

    from coop_data import export, load, story

    at = app("app_pages/explorer.py", {"lang": lang, "city": "Bayreuth"})
    assert not at.exception
    table = at.dataframe[0].value
    row = table[table.astype(str).apply(lambda r: r.str.contains("La Spezia").any(), axis=1)]
    assert i18n.t("date.unknown", lang) in row.astype(str).to_numpy().ravel().tolist(), table.head()
    assert "date unknown" not in table.astype(str).to_numpy().ravel().tolist()
    label = i18n.t("data.bundled", lang, version=export.VERSION)
    assert story.data_label(load.load_bundle(), lang) == label and label in export.citation("x", lang=lang)


def test_a_count_of_one_reads_in_the_singular_in_every_language():
    """'1 flows.' read wrong (issue 14): a count `n` picks the `_one` string where the catalog has one; French takes
    the singular for 0 and 1, English and Spanish for 1 only; a count written as text counts too."""
    assert i18n.t("explorer.head", "en", n="1", filter="", data="d").startswith("**1 flow.**")
    assert i18n.t("explorer.head", "en", n=0, filter="", data="d").startswith("**0 flows.**")
    assert i18n.t("explorer.head", "es", n=1, filter="", data="d").startswith("**1 flujo.**")
    assert i18n.t("explorer.head", "fr", n="0", filter="", data="d").startswith("**0 flux.**")
    assert i18n.t("ans.single_note", "fr", n=1).startswith("1 lieu a reçu")
    assert i18n.t("ans.single_note", "en", n="1,234").startswith("1,234 places")
    for key in [k for k in i18n.CATALOG if k.endswith("_one")]:
        assert key[: -len("_one")] in i18n.CATALOG, f"{key} has no plural form"
