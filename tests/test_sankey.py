"""Sankeys that explain themselves (issue 14, item 3), on the real data: coloured links in every preset, named nodes,
one 'not stated' node, 'Other' never the largest node by default, a fixed node order, labels kept apart."""

import re

import pytest

from coop_data import aggregate, filters, vocab
from coop_data.figures import sankey
from coop_data.figures.sankey import LABEL_CHARS, PAD_PX


def links_of(bundle, preset, measure="flows", top=0, colour="direction", flows=None):
    stages = vocab.SANKEY_PRESETS[preset]
    v = aggregate.sankey_view(bundle.flows if flows is None else flows, stages)
    return aggregate.node_table(v, stages, measure, top, colour, bundle.funds)


def test_a_network_stage_keeps_the_flows_through_a_network_whatever_the_preset(bundle):
    f = bundle.flows
    through = int(((f["channel_network"] != "") | (f["fund_id"] != "")).sum())
    assert 0 < through < len(f)
    for preset, stages in vocab.SANKEY_PRESETS.items():
        assert len(aggregate.sankey_view(f, stages)) == (through if "channel" in stages else len(f)), preset
    assert len(aggregate.sankey_view(f, ("aid_kind", "channel"))) == through


def node_sizes(links) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for side in ("source", "target"):
        for (stage, name), v in links.groupby([f"{side}_stage", side])["value"].sum().items():
            out[(stage, name)] = max(out.get((stage, name), 0.0), v)
    return out


@pytest.mark.parametrize("preset", list(vocab.SANKEY_PRESETS))
def test_links_are_coloured_by_direction_in_every_preset(bundle, preset):
    fig = sankey(links_of(bundle, preset), "t", "s", "src", "flows")
    colours = set(fig.data[0].link.color)
    assert len(colours) >= 4, colours  # was one grey for every link outside the 'regions' preset
    legend = [t.name for t in fig.data[1:]]
    assert "China → partner" in legend or preset == "networks"
    assert fig.layout.legend.title.text == "Direction"


def test_links_can_be_coloured_by_another_stage(bundle):
    links = links_of(bundle, "countries", colour="aid_kind")
    fig = sankey(links, "t", "s", "src", "flows")
    assert {"masks", "cash", "patients treated"} <= {t.name for t in fig.data[1:]}
    masks = links[links["colour"] == "masks"]
    assert (
        masks["value"].sum()
        == (bundle.flows["aid_kind"] == "masks").sum()
        - bundle.flows.loc[bundle.flows["aid_kind"] == "masks", "overlaps_details"].sum()
    )


def test_nodes_are_named_never_an_id(bundle):
    """NF-33 (Fondo Alavés de Emergencia) and NF-34 (Comune di Milano) reach the chart by their network's name."""
    links = links_of(bundle, "networks")
    labels = list(sankey(links, "t", "s", "src", "flows").data[0].node.label)
    assert not [x for x in labels if re.fullmatch(r"NF-\d+", x)]
    assert {"Fondo Alavés de Emergencia", "Comune di Milano", "AIMF"} <= set(labels)


def test_one_not_stated_node_instead_of_unknown_and_unclassified(bundle):
    links = links_of(bundle, "regions")
    fig = sankey(links, "t", "s", "src", "flows")
    labels = list(fig.data[0].node.label)
    assert not {"unknown", "Unclassified", "unclassified", "no network stated"} & set(labels)
    # One per stage; the direction stage's says why, as the other charts do.
    assert labels.count("not stated") == 2 and labels.count("Unclassified (country unknown)") == 1
    sizes = node_sizes(links)
    f = bundle.flows[~bundle.flows["overlaps_details"]]  # a programme total with its detail rows counts once
    for side in ("donor", "recipient"):
        assert sizes[(f"{side}_region", aggregate.NOT_STATED)] == (f[f"{side}_region"] == "unknown").sum() > 0
    unclassified = (f["direction"] == "unclassified").sum()  # a country is not stated
    assert sizes[("direction", aggregate.NOT_STATED)] == unclassified > 0
    assert "non indiqué" in sankey(links, "t", "s", "src", "flux", lang="fr").data[0].node.label


@pytest.mark.parametrize("preset", list(vocab.SANKEY_PRESETS))
@pytest.mark.parametrize("measure", list(vocab.MEASURES))
def test_other_is_never_the_largest_node_by_default(bundle, preset, measure):
    links = links_of(bundle, preset, measure)
    if links.empty:
        return
    sizes = node_sizes(links)
    for stage in vocab.SANKEY_PRESETS[preset]:
        column = {n: v for (s, n), v in sizes.items() if s == stage}
        other = column.get(aggregate.OTHER, 0.0)
        named = [v for n, v in column.items() if n not in (aggregate.OTHER, aggregate.NOT_STATED)]
        assert other < max(named) and other <= sum(column.values()) / 2, (stage, other, max(named))


def test_automatic_top_n_and_the_readers_own(bundle):
    """With N=10, 'Other (recipient country)' held 125 of 384 flows, the largest node (China: 79). Automatic N is the
    smallest that leaves Other below the largest named node and half its stage; the reader can still ask for 10."""
    auto = links_of(bundle, "countries")
    n = auto.attrs["top_n"]
    sizes = node_sizes(auto)
    for stage in ("donor_country", "recipient_country"):
        col = {x: v for (s, x), v in sizes.items() if s == stage}
        named = max(v for x, v in col.items() if x not in (aggregate.OTHER, aggregate.NOT_STATED))
        assert col.get(aggregate.OTHER, 0) < named and col.get(aggregate.OTHER, 0) <= sum(col.values()) / 2
    smaller = node_sizes(links_of(bundle, "countries", top=n - 1))  # one fewer would not do
    assert any(
        smaller.get((s, aggregate.OTHER), 0)
        >= max(
            v
            for (st, x), v in smaller.items()
            if st == s and x not in (aggregate.OTHER, aggregate.NOT_STATED)
        )
        or smaller.get((s, aggregate.OTHER), 0) > sum(v for (st, _), v in smaller.items() if st == s) / 2
        for s in ("donor_country", "recipient_country")
    )
    ten = node_sizes(links_of(bundle, "countries", top=10))
    assert ten[("recipient_country", aggregate.OTHER)] > ten[("recipient_country", "CHN")]  # why N is chosen


def test_category_stages_are_never_folded(bundle):
    links = links_of(bundle, "regions", top=3)
    stages = set(links["source"]) | set(links["target"])
    assert aggregate.OTHER not in stages and {"network_to_south", "south_south"} <= stages


def test_node_order_is_fixed_across_filters(bundle):
    """A node keeps its place: vocabulary order for categories, A-Z for names, whatever the filter."""

    def order(flows):
        fig = sankey(links_of(bundle, "regions", flows=flows), "t", "s", "src", "flows")
        node = fig.data[0].node
        return [lab for lab, x in zip(node.label, node.x) if 0.4 < x < 0.6]

    everything = order(bundle.flows)
    europe = order(filters.Filter(donor_region=("Europe",)).apply(bundle.flows))
    assert everything[:3] == ["China → partner", "Partner → China", "North → North"]
    assert europe == [d for d in everything if d in europe] and len(europe) >= 3


@pytest.mark.parametrize("preset", list(vocab.SANKEY_PRESETS))
def test_labels_have_room_and_are_short(bundle, preset):
    """Neighbouring nodes of a stage are at least PAD_PX apart on the drawn chart, so their 12 px labels never meet;
    a long name is shortened on the chart and given in full in the hover."""
    links = links_of(bundle, preset)
    fig = sankey(links, "t", "s", "src", "flows")
    node = fig.data[0].node
    m = fig.layout.margin
    plot_h = fig.layout.height - m.t - m.b
    scale = min(
        (plot_h - PAD_PX * (sum(1 for x in node.x if x == col) - 1))
        / sum(v for (s, _), v in node_sizes(links).items() if s == stage)
        for col, stage in zip(sorted(set(node.x)), vocab.SANKEY_PRESETS[preset])
    )
    assert scale > 0
    for col in set(node.x):
        ys = sorted(y * plot_h for x, y in zip(node.x, node.y) if x == col)
        assert all(b - a >= PAD_PX for a, b in zip(ys, ys[1:])), preset
    assert max(len(x) for x in node.label) <= LABEL_CHARS
    assert all(
        full.startswith(short.rstrip("…")) for short, (_, full, *_) in zip(node.label, node.customdata)
    )


def test_the_subtitle_ends_above_the_first_node(bundle):
    """The title block is anchored at the top and the margin holds all its lines (the second subtitle line ran into
    the first link)."""
    sub = " ".join(["A long subtitle that wraps onto a second line of text."] * 4)
    fig = sankey(links_of(bundle, "regions"), "A title", sub, "src", "flows")
    lines = 1 + fig.layout.title.text.count("<br>")
    assert lines == 3
    assert fig.layout.title.yanchor == "top" and fig.layout.title.yref == "container"
    top_px = (1 - fig.layout.title.y) * fig.layout.height
    assert top_px + lines * 22 <= fig.layout.margin.t


def test_country_nodes_are_named_in_the_viewers_language(bundle):
    links = links_of(bundle, "countries")
    fr = list(sankey(links, "t", "s", "src", "flux", lang="fr").data[0].node.label)
    en = list(sankey(links, "t", "s", "src", "flows").data[0].node.label)
    assert {"Allemagne", "Italie", "Chine"} <= set(fr) and not {"Germany", "Italy"} & set(fr)
    assert {"Germany", "Italy", "China"} <= set(en)
    donors = fr[: fr.index("Autres (pays donateur)")]
    assert donors == sorted(donors, key=str.lower)  # A-Z in the language of the page
