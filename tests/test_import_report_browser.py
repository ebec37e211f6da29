"""The import page's report as a new user reads it, in a real browser at laptop and phone size, in English and French:
a name given without a country is listed under its own heading (not "not found"), the notes name fields in words,
money given as a quantity in a currency is said to be taken as the amount, and row numbers are said to be the file's."""

import pytest
from test_import_report import user_file

from conftest import SHOTS, open_page
from coop_data import i18n

# (caption above a table, the table's text) for every table of the page, in page order
TABLES_JS = """() => {
  const out = []; let cap = '';
  for (const e of document.querySelectorAll('[data-testid=stCaptionContainer], [data-testid=stMain] table')) {
    if (e.tagName === 'TABLE') out.push([cap, e.innerText]); else cap = e.innerText;
  }
  return out;
}"""

WORDS = {
    "en": {
        "picker": "Bordeaux (no country given) — row 2 of your file",
        "note": "• donor country: 3 country values written as ISO 3166 alpha-3 codes",
        "money": "• amount: 2 rows give money as a quantity in a currency (column 'quantity', unit EUR in column 'unit')",
        "row_head": "Row in file",
    },
    "fr": {
        "picker": "Bordeaux (aucun pays indiqué) — ligne 2 de votre fichier",
        "note": "• pays du donateur : 3 pays écrits en codes ISO 3166 alpha-3",
        "money": "• montant : 2 lignes donnent de l'argent comme une quantité dans une devise (colonne « quantity »",
        "row_head": "Ligne du fichier",
    },
}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("size", [(1400, 900), (390, 844)], ids=["laptop", "phone"])
def test_place_lists_notes_and_row_numbers_read_as_they_mean(server, browser, tmp_path, lang, size):
    f = tmp_path / "user.csv"
    f.write_bytes(user_file())
    ctx, page, w = open_page(browser, f"{server}/import?lang={lang}")
    try:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(f))
        page.get_by_text(i18n.t("imp.s5", lang), exact=True).wait_for(timeout=60000)
        page.get_by_text(i18n.t("imp.unplaced_help", lang)).wait_for(timeout=60000)
        words = WORDS[lang]
        page.get_by_text(i18n.t("msg.row_numbers", lang)).wait_for()  # said above the report
        page.get_by_text(words["picker"], exact=True).wait_for()
        body = page.inner_text("[data-testid=stMain]")
        assert words["note"] in body and words["money"] in body, body
        assert "• donor_country_iso3" not in body and "• recipient_city" not in body
        for name in (
            "Bordeaux",
            "Xyzzyqton",
        ):  # both lists drawn (Streamlit sends elements one after another)
            page.locator("table", has_text=name).wait_for(timeout=30000)
        tables = page.evaluate(TABLES_JS)
        by_caption = {cap: text for cap, text in tables}
        no_country = by_caption[i18n.t("imp.no_country_help", lang)]
        not_found = by_caption[i18n.t("imp.unplaced_help", lang)]
        assert "Bordeaux" in no_country and "Xyzzyqton" not in no_country
        assert "Xyzzyqton" in not_found and "Bordeaux" not in not_found
        assert i18n.t("msg.choose_place", lang) in " ".join(no_country.split())
        assert no_country.startswith(words["row_head"]) or words["row_head"] in no_country.split("\n")[0]
        table = page.locator("table", has_text="Bordeaux")
        cell = table.locator("td", has_text=i18n.t("msg.choose_place", lang)[:20])
        box, table_box = cell.bounding_box(), table.bounding_box()
        assert (
            box["x"] + box["width"] <= table_box["x"] + table_box["width"] + 1
        )  # the reason wraps in its table
        assert table_box["x"] + table_box["width"] <= size[0] + 1, table_box  # and the table fits the screen
        SHOTS.mkdir(parents=True, exist_ok=True)
        table.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"import-places-{lang}-{size[0]}.png"))
        assert w.external == [] and w.errors == []
    finally:
        ctx.close()
