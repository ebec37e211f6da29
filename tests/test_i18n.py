"""Interface languages: the catalog is complete in English, French and Spanish; numbers and dates follow the language;
the `lang` URL parameter switches the interface and survives page switches."""
import logging
import re

import pytest

from coop_data import i18n


def test_every_catalog_string_exists_in_all_three_languages():
    for key, entry in i18n.CATALOG.items():
        assert set(entry) == set(i18n.LANGS), key
        assert all(v.strip() for v in entry.values()), key
        fields = {lang: set(re.findall(r"{(\w+)}", v)) for lang, v in entry.items()}
        assert len({frozenset(f) for f in fields.values()}) == 1, f"{key}: placeholders differ {fields}"


def test_every_direction_category_has_a_name():
    from coop_data.schema import DIRECTIONS

    for d in DIRECTIONS:
        assert i18n.t(f"dir.{d}", "fr") and i18n.t(f"dir.{d}", "es")


def test_missing_translation_raises_in_tests_and_falls_back_visibly_at_run_time(monkeypatch, caplog):
    monkeypatch.setitem(i18n.CATALOG, "test.only_en", {"en": "Only English"})
    with pytest.raises(KeyError, match="no 'fr' translation"):
        i18n.t("test.only_en", "fr")
    monkeypatch.setenv("COOP_I18N_STRICT", "0")
    with caplog.at_level(logging.WARNING):
        assert i18n.t("test.only_en", "fr") == "Only English"
    assert "has no 'fr' translation" in caplog.text


@pytest.mark.parametrize("lang,expected", [("en", "1,234,567.5"), ("fr", "1\u202f234\u202f567,5"), ("es", "1.234.567,5")])
def test_number_formats(lang, expected):
    assert i18n.number(1234567.5, lang, 1) == expected


def test_dates_in_the_interface_language():
    assert i18n.month("2020-03-12", "fr") == "mars 2020" and i18n.month("2020-03-12", "es", day=True) == "12 mar. 2020"


def test_french_interface_by_url_and_across_pages():
    from test_app import app

    at = app("app_pages/home.py", {"lang": "fr", "direction": "north_south"})
    assert not at.exception
    assert {m.label for m in at.metric} >= {"Flux", "Villes", "Pays"}
    side = " ".join(c.value for c in at.sidebar.caption)
    assert "flux sur 393 correspondent" in side and "sens Nord → Sud" in side and "Nord/Sud selon" in side
    assert any(m.label == "Sens" for m in at.multiselect)
    at.switch_page("app_pages/story.py").run()
    assert at.query_params["lang"] == "fr" and at.query_params["direction"] == "north_south"
    assert any(b.label == "Suivant ▶" for b in at.button)
    es = app("app_pages/home.py", {"lang": "es"})
    assert {m.label for m in es.metric} >= {"Flujos", "Ciudades"}
    bad = app("app_pages/home.py", {"lang": "xx"})
    assert {m.label for m in bad.metric} >= {"Flows"} and "lang" not in bad.query_params
