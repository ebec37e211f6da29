"""The import page in French, in a real browser: the check report of a bad file names row and column, in French."""

from conftest import SHOTS, open_page
from coop_data import i18n


def test_check_report_of_a_bad_file_reads_in_french_with_row_and_column(server, browser, tmp_path):
    from test_import import HEADER, NEWSROOM, csv_bytes

    f = tmp_path / "dons.csv"
    f.write_bytes(csv_bytes(HEADER, NEWSROOM))
    ctx, page, w = open_page(browser, f"{server}/import?lang=fr")
    try:
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(f))
        page.get_by_text(i18n.t("imp.s4", "fr")).wait_for(timeout=60000)
        cell = page.get_by_text("la date « 31/02/2020 » n'existe pas dans le calendrier").first
        cell.wait_for(state="attached", timeout=60000)  # a grid cell
        cells = [c.strip() for c in page.locator("tr", has=cell).locator("td").all_inner_texts()]
        assert cells[-3:] == ["3", "Date → date", "la date « 31/02/2020 » n'existe pas dans le calendrier"], (
            cells
        )
        heads = [h.strip() for h in page.locator("table", has=cell).locator("th").all_inner_texts()]
        assert [h for h in heads if h] == ["Ligne du fichier", "Colonne", "Problème"], (
            heads
        )  # not "row / column / message"
        long = page.locator("td", has_text="valeur inconnue pour type d'aide").first  # the longest message
        assert long.inner_text().strip().endswith("mixed (aide mixte), other (autre))")
        box, table_box = long.bounding_box(), page.locator("table", has=cell).bounding_box()
        assert (
            box["x"] + box["width"] <= table_box["x"] + table_box["width"] + 1
        )  # wrapped, not cut at the edge
        assert "masks (masques)" in long.inner_text()
        page.get_by_text("montant : 2 nombres lus avec virgule décimale", exact=False).wait_for(timeout=30000)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.get_by_text(i18n.t("imp.s4", "fr")).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "import-report-fr.png"))
        body = page.inner_text("body")
        assert "does not exist in the calendar" not in body and "numbers read with" not in body
        assert "« donor »" not in body and "les 5 donateurs donnés avec une ville" in body
        assert "1 nombre lu avec virgule décimale" in body  # the singular
        assert w.external == [] and w.errors == []
    finally:
        ctx.close()
