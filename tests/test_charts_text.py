"""Counts read as a person reads them (issue 14: "(1 flows)" in text alternatives, captions and hovers)."""

import re

import pytest

from coop_data import aggregate, alttext
from coop_data.figures import flow_map
from coop_data.figures.common import count_key, unit_word
from coop_data.i18n import t
from coop_data.load import load_bundle

LANGS = ("en", "fr", "es")


@pytest.fixture(scope="module")
def flows():
    return load_bundle().flows


def test_unit_words_take_the_singular_for_one():
    assert (
        unit_word("flows", 1) == "flow"
        and unit_word("flows", 2) == "flows"
        and unit_word("flows", 0) == "flows"
    )
    assert unit_word("masques", 0, "fr") == "masque" and unit_word("mascarillas", 1, "es") == "mascarilla"
    assert (
        unit_word("EUR", 1) == "EUR" and unit_word("boxes of gloves", 1) == "boxes of gloves"
    )  # no singular kept
    assert (
        count_key("alt.unplaced", 1) == "alt.unplaced_one" and count_key("alt.unplaced", 3) == "alt.unplaced"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_single_flow_is_one_flow_in_the_text_alternative_and_the_hover(flows, lang):
    placed = flows[flows["donor_lat"].notna() & flows["recipient_lat"].notna()]
    placed = placed[
        (placed["donor_lat"] != placed["recipient_lat"]) | (placed["donor_lon"] != placed["recipient_lon"])
    ]
    one = placed.head(1)
    unplaced = flows[flows["donor_lat"].isna()].head(1)
    text = alttext.flows_summary(pd_concat(one, unplaced), "flows", lang=lang)
    plural, single = t("unit.flows", lang), t("unit.flows_one", lang)
    assert f"(1 {single})" in text, text
    if plural != single:
        assert f"(1 {plural})" not in text, text
    assert t("alt.unplaced_one", lang, n="1") in text, text
    fig, _ = flow_map(one, "flows", "t", "s", "src", lang=lang)
    hovers = [h for tr in fig.data if tr.hovertext is not None for h in tr.hovertext]
    arc = next(h for h in hovers if "→" in h)
    assert re.search(rf": 1 {re.escape(single)} \(1 {re.escape(t('map.records_one', lang))}:", arc), arc


def pd_concat(*parts):
    import pandas as pd

    return pd.concat(parts)


def test_sankey_alt_text_says_one_flow(flows):
    links = aggregate.node_table(flows.head(1), ["donor_level", "recipient_country"], "flows", top_n=5)
    assert "(1 flow)" in alttext.links_summary(links, "flows", lang="en")


def test_sankey_hovers_count_in_words(flows):
    """The Sankey's hovers said "1 flows" (plotly's valuesuffix); they now carry the count as words."""
    from coop_data.figures import sankey

    links = aggregate.node_table(flows, ["donor_level", "recipient_country"], "flows", top_n=5)
    fig = sankey(links, "t", "s", "src", "flows")
    tr = fig.data[0]
    link_text = {c[3] for c in tr.link.customdata}
    node_text = {c[2] for c in tr.node.customdata}
    assert "%{customdata[3]}" in tr.link.hovertemplate and "%{customdata[2]}" in tr.node.hovertemplate
    ones = [v for v, x in zip(tr.link.value, tr.link.customdata) if v == 1]
    assert all(x[3] == "1 flow" for v, x in zip(tr.link.value, tr.link.customdata) if v == 1) and ones
    assert "1 flows" not in link_text | node_text
