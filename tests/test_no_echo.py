"""Nothing is ever echoed: no page, on any URL of the matrix, shows a repr, a bare None or a docstring.

Streamlit's "magic" wrote bare expressions to the page: the Sankey page printed a line of source and the whole
docstring of DeltaGenerator, /sankey?city=zzzz printed "None". Magic is off (.streamlit/config.toml); these tests
read every text element of every page (AppTest) and, once, the page text in a browser.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest
from test_app import PAGES, _walk, app

from conftest import open_page
from coop_data.i18n import t

ECHO = [
    re.compile(r"DeltaGenerator"),
    re.compile(r"^\s*`?None`?\s*$"),  # st.write(None) shows `None`
    re.compile(r"<coop_data[\w.]*[^>]*object at 0x", re.I),
    re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>"),
    re.compile(r"<function [\w.<>]+ at 0x"),
    re.compile(r"^\s*`?(True|False|nan|NaN)`?\s*$"),
    re.compile(r"Streamlit's\s+DeltaGenerator|Inserts or updates elements"),  # st.help of a DeltaGenerator
]
URLS = [
    {},
    {"city": "zzzz"},
    {"direction": "north_south", "from": "2020-01", "to": "2020-12"},
    {"donor_country": "DEU", "recipient_country": "ITA,FRA"},
]
SANKEY_NETWORKS = "networks"  # Stages "Network / fund → Beneficiary"


def texts(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) of every element on the page that shows text."""
    out = []
    for node in _walk(at._tree):
        kind = getattr(node, "type", "")
        if kind in (
            "help",
            "help_info",
            "doc_string",
        ):  # st.help: what magic draws for an object such as a DeltaGenerator
            out.append((kind, "DeltaGenerator? " + str(getattr(node, "proto", ""))[:200]))
            continue
        for attr in ("value", "body", "label"):
            try:
                v = getattr(node, attr, None)
            except Exception:  # widgets without a value in this run
                continue
            if isinstance(v, str):
                out.append((kind, v))
    return out


def echoed(at: AppTest) -> list[str]:
    return [f"{kind}: {text[:120]!r}" for kind, text in texts(at) if any(p.search(text) for p in ECHO)]


@pytest.mark.parametrize("params", URLS, ids=lambda p: ",".join(p) or "default")
@pytest.mark.parametrize("page", PAGES)
def test_no_page_echoes_anything(page, params):
    at = app(page, params)
    assert not at.exception, [e.value for e in at.exception]
    assert texts(at), "no text read: the check would see nothing"
    assert echoed(at) == []


def test_sankey_networks_patients_treated_echoes_nothing():
    """The reported case: Stages "Network / fund → Beneficiary", Measure "Patients treated"."""
    at = app("app_pages/sankey.py", {})
    at.selectbox(key="v_stages").set_value(SANKEY_NETWORKS).run()
    at.selectbox(key="v_measure").set_value("patients").run()
    assert not at.exception
    shown = " ".join(text for _, text in texts(at))
    # The chart, or the notice that this view has no patients for these stages (the case that echoed).
    assert t("stage.channel") in shown or t("sankey.none", measure=t("measure.patients").lower()) in shown
    assert echoed(at) == []


def test_echo_check_catches_magic_output():
    """Control: with magic on, a bare None and the Sankey page's old bare conditional expression are written to
    the page, and the check sees both (so the tests above can fail)."""
    from streamlit import config

    was = config.get_option("runner.magicEnabled")
    config.set_option("runner.magicEnabled", True)
    try:
        script = "import streamlit as st\nNone\nst.info('x') if False else st.info('y')\n"
        found = echoed(AppTest.from_string(script).run())
    finally:
        config.set_option("runner.magicEnabled", was)
    assert any("None" in f for f in found) and any("DeltaGenerator" in f for f in found), found


@pytest.mark.parametrize(
    "url", ["sankey?city=zzzz", "sankey", "map?donor_country=DEU&recipient_country=ITA,FRA", "timeline"]
)
def test_browser_page_text_shows_no_repr(server, browser, url):
    ctx, page, _ = open_page(browser, f"{server}/{url}")
    try:
        page.wait_for_selector("[data-testid='stSidebar'] [data-testid='stButton']", timeout=60000)
        main = page.locator("[data-testid='stMain']")
        main.locator("h1").first.wait_for(timeout=60000)
        text = main.inner_text()
        lines = [line for line in text.splitlines() if line.strip()]
        assert lines, "no page text read"
        bad = [line for line in lines if any(p.search(line) for p in ECHO)]
        assert bad == [], bad
    finally:
        ctx.close()
