"""No raw field name as a table header (fresh-eyes, session 7: Answers › Wuhan's last column read "source")."""

import json
import re

import pytest
from test_app import app


def _labels(at) -> list[list[str]]:
    out = []
    for d in at.dataframe:
        cols = json.loads(d.proto.columns)
        out.append([v["label"] for k, v in cols.items() if k in d.value.columns and v])
    return out


def test_the_wuhan_tables_have_every_header_in_words():
    at = app("app_pages/answers.py", {"place": "wuhan", "entity": "country", "question": "recip"})
    assert not at.exception
    tables = _labels(at)
    assert tables and tables[0][-1] == "Source", tables  # the flows into Wuhan: its source column
    for labels in tables:
        assert all(label[:1].isupper() or not label[:1].isalpha() for label in labels), labels


@pytest.mark.parametrize("page", ["app_pages/explorer.py", "app_pages/partnerships.py", "app_pages/funds.py"])
def test_no_header_is_a_raw_field_name_in_french(page):
    at = app(page, {"lang": "fr"})
    assert not at.exception
    for labels in _labels(at):
        raw = [x for x in labels if re.fullmatch(r"[a-z0-9_]+", x) or "_" in x]
        assert raw == [], raw
        assert all(x[:1].isupper() or not x[:1].isalpha() for x in labels), labels
