"""Partnerships › chapter case studies: a fact whose value is a year is written as a year (fresh-eyes, session 7)."""

from streamlit.testing.v1 import AppTest

from conftest import ROOT
from coop_data import i18n


def _case_lines(lang: str) -> list[str]:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/partnerships.py").run()
    assert not at.exception
    return [m.value for m in at.markdown if "[SF-" in m.value]


def test_a_year_in_the_case_studies_is_written_as_a_year():
    lines = _case_lines("fr")
    sf25 = next(x for x in lines if "[SF-25;" in x)
    assert "— **1985** [SF-25; " in sf25 and sf25.endswith(" 1985]"), sf25  # SF-25: twinning signed in 1985
    assert "1,985" not in sf25 and "1 985" not in sf25 and "year" not in sf25.split("**")[1]
    sf23 = next(x for x in lines if "[SF-23;" in x)
    assert f"**{i18n.number(338530, 'fr')} EUR**" in sf23 and sf23.endswith(" 2016]"), (
        sf23
    )  # a quantity keeps the language's separator
