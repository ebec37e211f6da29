"""Home's "Flows by direction": one horizontal bar per direction, in the direction colours, its count beside it."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import vocab
from ..i18n import number, t
from .common import base_layout


def direction_bars(
    split: pd.DataFrame, title: str, subtitle: str, source: str, lang: str = "en"
) -> go.Figure:
    """`split` is aggregate.by_direction's table (direction, flows …); bars in its order, top to bottom."""
    dirs = split["direction"].astype(str)
    bar = go.Figure(
        go.Bar(
            x=split["flows"],
            y=[t(f"dir.{d}", lang) for d in dirs],
            orientation="h",
            marker_color=[vocab.DIRECTIONS[d] for d in dirs],
            text=[number(n, lang) for n in split["flows"]],
            textposition="outside",
        )
    )
    base_layout(bar, title, subtitle, source, height=380)
    bar.update_layout(yaxis=dict(autorange="reversed"), xaxis=dict(title=t("tl.yaxis", lang)))
    return bar
