"""No raw field name as a table header (fresh-eyes, session 7: Answers › Wuhan's last column read "source")."""

import json
import re

import pytest
from test_app import app

from coop_data import answers, i18n, load_bundle
from coop_ui.text import md_escape


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


def test_network_options_with_flows_first_and_an_empty_view_says_why():
    """UCLG's four entries (fresh-eyes, session 7) have no flow in the data: listed after every network with flows,
    and a view filtered to one of them says it has no flow and points to the funds page."""
    at = app("app_pages/explorer.py", {"network": "NF-09"})
    assert not at.exception
    box = next(m for m in at.multiselect if m.label == i18n.t("sb.network"))
    b = load_bundle()
    nets = answers.network_directory(b.flows, b.funds).set_index("value")
    flows = [bool(nets.loc[v, "flows_in_data"]) for v in _values(box, nets)]
    assert flows == sorted(flows, reverse=True) and flows[0] and not flows[-1], flows
    name = nets.loc["NF-09", "name"]
    said = i18n.t("ui.empty_network_one", names=md_escape(name), page=i18n.t("nav.funds"))
    assert said in [x.value for x in at.info], [x.value for x in at.info]
    assert said in [x.value for x in at.sidebar.caption]


def _values(box, nets):
    """The multiselect's options as filter values (AppTest gives them as shown: a name, marked when it has no flow)."""
    mark = f" ({i18n.t('sb.network_no_flow')})"
    shown = {n + ("" if f else mark): v for v, n, f in zip(nets.index, nets["name"], nets["flows_in_data"])}
    return [shown[o] for o in box.options]
