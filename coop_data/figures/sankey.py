"""Sankey of flows across stages: links coloured by a category (direction unless another is chosen), named nodes
in a fixed order, labels kept apart whatever the number of nodes, one 'Other' and one 'not stated' node per stage."""

from __future__ import annotations

import functools

import pandas as pd
import plotly.graph_objects as go

from .. import vocab
from ..aggregate import NOT_STATED, OTHER, node_order, vocabulary
from ..i18n import CATALOG, category, country_name, number, t
from .common import base_layout, escape_text, unit_word, wrap_words

LABEL_CHARS = 30  # longer names are shortened on the chart; the hover and the table give them in full
LINE_PX = 22  # one line of the title block (plotly spaces <br> lines by the title's font, not the subtitle's)
PAD_PX = 18  # space between two nodes of a stage: their 12 px labels never touch
GREY, LIGHT = "#8c8c8c", "#bdbdbd"
PALETTE = (  # Okabe-Ito, then Tableau: told apart by most colour-blind readers
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#332288",
    "#4E79A7",
    "#F28E2B",
    "#59A14F",
    "#B07AA1",
    "#9C755F",
)


def stage_name(stage: str, lang: str = "en") -> str:
    return t(f"stage.{stage}", lang) if f"stage.{stage}" in CATALOG else stage


def node_name(stage: str, value: str, lang: str = "en") -> str:
    """A node's name on screen: category values translated, 'Other (stage)' and 'not stated' in the language,
    data values (places, networks) as recorded."""
    if value == OTHER:
        return f"{t('stage.other', lang)} ({stage_name(stage, lang).lower()})"
    if value == NOT_STATED:
        # A flow without direction is one whose country is not stated: named as every other chart names it.
        return (
            category("direction", "unclassified", lang)
            if stage == "direction"
            else t("stage.not_stated", lang)
        )
    if stage in ("donor_country", "recipient_country"):
        return country_name(value, lang, _english_names().get(value, value))
    return category(stage, value, lang)


@functools.lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    """ISO3 -> the country's name in the bundled country table (every dataset shares it)."""
    from ..load import load_bundle  # deferred: the bundle is read once, only when a country stage is drawn

    c = load_bundle().countries
    return dict(zip(c["iso3"], c["name"]))


def short(name: str, n: int = LABEL_CHARS) -> str:
    return name if len(name) <= n else name[: n - 1].rstrip() + "…"


def colours(stage: str, values) -> dict[str, str]:
    """A fixed colour per category value: the direction colours, else the palette in vocabulary order."""
    if stage == "direction":
        out = {v: vocab.DIRECTIONS.get(v, GREY) for v in values}
    else:  # by place in the whole vocabulary, so a category keeps its colour whatever the filter
        known = list(vocabulary(stage))
        extra = sorted(set(values) - set(known) - {OTHER, NOT_STATED})
        out = {v: PALETTE[(known + extra).index(v) % len(PALETTE)] for v in set(values) - {OTHER, NOT_STATED}}
    return {**out, OTHER: GREY, NOT_STATED: LIGHT}


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


def sankey(
    links: pd.DataFrame,
    title: str,
    subtitle: str,
    source: str,
    unit: str,
    height: int = 600,
    lang: str = "en",
) -> go.Figure:
    """The chart of node_table's links. Nodes are placed by hand (x by stage, y in node_order) so a node keeps its
    place across filters; the chart grows with the largest stage so labels keep PAD_PX apart."""
    stages = list(dict.fromkeys(list(links["source_stage"]) + list(links["target_stage"])))
    colour_stage = links.attrs.get("colour", "direction")
    has_colour = "colour" in links
    nodes: list[tuple[str, str]] = []
    for s in stages:
        vals = set(links.loc[links["source_stage"] == s, "source"]) | set(
            links.loc[links["target_stage"] == s, "target"]
        )
        nodes += [(s, v) for v in node_order(s, {str(v) for v in vals}, lambda v, s=s: node_name(s, v, lang))]
    index = {n: i for i, n in enumerate(nodes)}
    src = [index[(s, str(v))] for s, v in zip(links["source_stage"], links["source"])]
    tgt = [index[(s, str(v))] for s, v in zip(links["target_stage"], links["target"])]
    values = links["value"].astype(float).tolist()

    cat = links["colour"].astype(str) if has_colour else pd.Series([""] * len(links))
    palette = colours(colour_stage, set(cat))
    link_colour = [_rgba(palette.get(c, GREY), 0.45) for c in cat]
    node_colour = [
        GREY
        if v == OTHER
        else LIGHT
        if v == NOT_STATED
        else palette[v]
        if s == colour_stage and v in palette
        else "#4a5a6a"
        for s, v in nodes
    ]
    full = [node_name(s, v, lang) for s, v in nodes]
    # values as a count reads them ("1 flow", "2 flows"): plotly's valuesuffix cannot tell one from many
    amount = [
        f"{number(v, lang)} {unit_word(unit, v, lang)}" for v in _node_sizes(len(nodes), src, tgt, values)
    ]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",.0f",
            valuesuffix=f" {unit}",
            textfont=dict(size=12, color="#222"),
            node=dict(
                label=[short(n) for n in full],
                color=node_colour,
                pad=PAD_PX,
                thickness=14,
                line=dict(color="#666", width=0.5),
                customdata=[[stage_name(s, lang), f, a] for (s, _), f, a in zip(nodes, full, amount)],
                hovertemplate="%{customdata[0]}: %{customdata[1]}<br>%{customdata[2]}<extra></extra>",
            ),
            link=dict(
                source=src,
                target=tgt,
                value=values,
                color=link_colour,
                customdata=[
                    [
                        full[a],
                        full[b],
                        node_name(colour_stage, c, lang) if has_colour else "",
                        f"{number(v, lang)} {unit_word(unit, v, lang)}",
                    ]
                    for a, b, c, v in zip(src, tgt, cat, values)
                ],
                hovertemplate="%{customdata[0]} → %{customdata[1]}<br>%{customdata[2]}: %{customdata[3]}<extra></extra>",
            ),
        )
    )
    if has_colour:  # the colour key: empty markers, one per category, in a legend beside the chart
        for c in [v for v in node_order(colour_stage, set(cat))]:
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    marker=dict(symbol="square", size=12, color=palette.get(c, GREY)),
                    name=short(node_name(colour_stage, c, lang), 24),
                    hoverinfo="skip",
                )
            )
    fig = base_layout(fig, title, subtitle, source, height=height)
    top = 16 + LINE_PX * (1 + len(wrap_words(subtitle)))  # the whole title block above the first node
    m = fig.layout.margin
    per_stage = max(sum(1 for s, _ in nodes if s == st) for st in stages) if nodes else 1
    plot_h = max(height - top - m.b, int(PAD_PX * (per_stage - 1) / 0.5))  # half the height for the values
    fig.update_layout(
        height=top + m.b + plot_h,
        margin=dict(t=top),
        title=dict(y=1 - 10 / (top + m.b + plot_h), yanchor="top", yref="container"),
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
        showlegend=has_colour,
        legend=dict(  # outside the plot on the right: plotly widens the margin to fit it
            title=dict(text=escape_text(stage_name(colour_stage, lang))),
            x=1.01,
            xanchor="left",
            y=1.0,
            yanchor="top",
            borderwidth=0,
            font=dict(size=12),
        ),
    )
    _place(fig, nodes, stages, src, tgt, values, plot_h)
    return fig


def _node_sizes(n: int, src, tgt, values) -> list[float]:
    """Each node's value as plotly sizes it: the larger of what flows in and what flows out."""
    into, out = [0.0] * n, [0.0] * n
    for a, b, v in zip(src, tgt, values):
        out[a] += v
        into[b] += v
    return [max(i, o) for i, o in zip(into, out)]


def _place(fig, nodes, stages, src, tgt, values, plot_h: int) -> None:
    """x by stage, y in node order, as plotly would size them (one scale for every stage)."""
    size = _node_sizes(len(nodes), src, tgt, values)
    cols = {s: [i for i, (st, _) in enumerate(nodes) if st == s] for s in stages}
    scale = min(
        (plot_h - PAD_PX * (len(ix) - 1)) / max(sum(size[i] for i in ix), 1e-9) for ix in cols.values() if ix
    )
    xs, ys = [0.0] * len(nodes), [0.0] * len(nodes)
    last = max(len(stages) - 1, 1)
    for k, s in enumerate(stages):
        y = 0.0
        for i in cols[s]:
            h = size[i] * scale
            xs[i] = min(max(k / last, 0.001), 0.999)
            ys[i] = min(max((y + h / 2) / plot_h, 0.001), 0.999)
            y += h + PAD_PX
    fig.update_traces(node=dict(x=xs, y=ys), selector=dict(type="sankey"))
