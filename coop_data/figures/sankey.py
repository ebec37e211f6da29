"""Sankey of flows across configurable stages, with an 'Other' node per stage."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import classify
from ..i18n import CATALOG, category, t
from .common import base_layout


def node_name(stage: str, value: str, lang: str = "en") -> str:
    """A node's name on screen: category values translated, 'Other (stage)' in the language, data values as recorded."""
    if value.startswith("Other (") and value.endswith(")"):
        return (
            f"{t('stage.other', lang)} ({t('stage.' + value[7:-1].replace(' ', '_'), lang).lower()})"
            if f"stage.{value[7:-1].replace(' ', '_')}" in CATALOG
            else value
        )
    if value == "no network stated":
        return t("stage.no_network", lang)
    return category(stage, value, lang)


def sankey(
    links: pd.DataFrame,
    title: str,
    subtitle: str,
    source: str,
    unit: str,
    height: int = 600,
    lang: str = "en",
) -> go.Figure:
    nodes: list[str] = []
    keys: dict[tuple[str, str], int] = {}
    for stage_col, name_col in (("source_stage", "source"), ("target_stage", "target")):
        for st, nm in zip(links[stage_col], links[name_col]):
            if (st, nm) not in keys:
                keys[(st, nm)] = len(nodes)
                nodes.append(nm)
    stage_of = {i: st for (st, _), i in keys.items()}
    label = [node_name(stage_of[i], n, lang) for i, n in enumerate(nodes)]
    color = [
        classify.DIRECTION_COLORS.get(n, "#8c8c8c" if n.startswith("Other") else "#4C78A8") for n in nodes
    ]
    src = [keys[(s, n)] for s, n in zip(links["source_stage"], links["source"])]
    tgt = [keys[(s, n)] for s, n in zip(links["target_stage"], links["target"])]
    link_color = [
        classify.DIRECTION_COLORS.get(
            links["source"].iloc[i], classify.DIRECTION_COLORS.get(links["target"].iloc[i], "#bbbbbb")
        )
        + "66"
        for i in range(len(links))
    ]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",.0f",
            valuesuffix=f" {unit}",
            node=dict(
                label=label,
                color=color,
                pad=14,
                thickness=16,
                line=dict(color="#666", width=0.5),
                customdata=[
                    t("stage." + stage_of[i], lang) if "stage." + stage_of[i] in CATALOG else stage_of[i]
                    for i in range(len(nodes))
                ],
                hovertemplate="%{customdata}: %{label}<br>%{value}<extra></extra>",
            ),
            link=dict(source=src, target=tgt, value=links["value"].tolist(), color=link_color),
        )
    )
    return base_layout(fig, title, subtitle, source, height=height)
