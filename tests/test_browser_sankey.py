"""The Sankey as a reader sees it at 1280x720 in Chromium: its controls live in the URL (a reload shows the same
chart), node labels never overlap, and the title block ends above the chart."""

import re

import pytest

from conftest import choose, idle, track
from coop_data import vocab

CHART_JS = """() => { const gd = document.querySelector('.js-plotly-plot');
  return [gd.layout.title.text, Array.from(gd.data[0].node.label), document.querySelectorAll('.js-plotly-plot').length]; }"""
BOXES_JS = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const labels = Array.from(document.querySelectorAll('.sankey-node .node-label'))
    .filter(e => e.textContent.trim()).map(e => [e.textContent, ...box(e)]);
  const title = Array.from(document.querySelectorAll('.js-plotly-plot .gtitle')).map(box);
  const marks = Array.from(document.querySelectorAll('.sankey-node rect, .sankey-link')).map(box)
    .filter(b => b[3] > b[1]);
  return {labels, title, top: Math.min(...marks.map(b => b[1]))};
}"""


def sankey_page(browser, url):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    track(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("document.querySelectorAll('.sankey-node').length > 2", timeout=60000)
    idle(page)
    return ctx, page, errors


def drawn(page) -> tuple[str, list[str]]:
    """The title and node names of the chart on the page (plotly's own data, not the DOM it may be animating)."""
    page.wait_for_function("document.querySelectorAll('.sankey-node').length > 2", timeout=60000)
    idle(page)
    title, labels, charts = page.evaluate(CHART_JS)
    assert charts == 1
    return title, labels


def test_a_reload_shows_the_same_sankey(server, browser):
    """Stages, measure and top N chosen on the page go to the URL; reloading it draws the same chart (they reset
    before, and the permalink inside an exported Sankey led to a different one)."""
    ctx, page, errors = sankey_page(browser, f"{server}/sankey")
    try:
        default_title, _ = drawn(page)
        choose(page, "Stages", re.compile("^Donor country → Recipient country$"))
        page.wait_for_function("location.search.includes('stages=countries')", timeout=30000)
        choose(page, "Measure", re.compile("^Masks delivered"))
        page.wait_for_function("location.search.includes('measure=masks')", timeout=30000)
        choose(page, "Top N per stage", re.compile("^8$"))
        page.wait_for_function("location.search.includes('top=8')", timeout=30000)
        title, labels = drawn(page)
        assert title != default_title and "Masks delivered: Donor country" in title
        assert "Other (recipient country)" in labels
        url = page.url
        page.reload()
        again = drawn(page)
        assert page.url == url and again == (title, labels)
        fresh, page2, errors2 = sankey_page(browser, url)  # the permalink in another browser
        try:
            assert drawn(page2) == (title, labels)
        finally:
            fresh.close()
        assert errors == errors2 == []
    finally:
        ctx.close()


def test_bad_control_values_are_dropped_with_a_notice_in_the_language(server, browser):
    ctx, page, _ = sankey_page(browser, f"{server}/sankey?stages=sideways&top=abc&lang=es")
    try:
        text = page.locator("[data-testid='stAlert']").all_inner_texts()
        assert any("sideways" in t and "«etapas»" in t for t in text), text
        assert any("abc" in t and "número entero" in t for t in text), text
        page.wait_for_function("!location.search.includes('sideways')", timeout=30000)
    finally:
        ctx.close()


@pytest.mark.parametrize("preset", list(vocab.SANKEY_PRESETS))
def test_node_labels_never_overlap_and_the_title_clears_the_chart(server, browser, preset):
    ctx, page, errors = sankey_page(browser, f"{server}/sankey?stages={preset}")
    try:
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        got = page.evaluate(BOXES_JS)
        labels = got["labels"]
        assert len(labels) >= 8
        clashes = [
            (a[0], b[0])
            for i, a in enumerate(labels)
            for b in labels[i + 1 :]
            if a[1] < b[3] - 1 and b[1] < a[3] - 1 and a[2] < b[4] - 1 and b[2] < a[4] - 1
        ]
        assert clashes == []
        assert max(t[3] for t in got["title"]) <= got["top"], (got["title"], got["top"])
        assert errors == []
    finally:
        ctx.close()
