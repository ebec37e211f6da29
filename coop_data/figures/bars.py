"""Home's "Flows by direction": one horizontal bar per direction, in the direction colours, its count beside it."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import vocab
from ..i18n import number, t
from .common import base_layout, escape_text, phone_texts

ROW_PX = 40  # a name (14 px) over its bar (16 px) and some air
BAR = 0.4  # bar thickness in rows
AXIS_PX = 48  # x tick labels and the axis title under the plot


def direction_bars(
    split: pd.DataFrame, title: str, subtitle: str, source: str, lang: str = "en"
) -> go.Figure:
    """`split` is aggregate.by_direction's table (direction, flows …); bars in its order, top to bottom.

    Each direction is named above its bar, from the left edge: beside it, the names took half a phone's width
    and the source line, starting where the bars start, ran off the screen."""
    dirs = split["direction"].astype(str)
    names = [t(f"dir.{d}", lang) for d in dirs]
    rows = list(range(len(split)))
    bar = go.Figure(
        go.Bar(
            x=split["flows"],
            y=rows,
            width=BAR,
            orientation="h",
            marker_color=[vocab.DIRECTIONS[d] for d in dirs],
            text=[number(n, lang) for n in split["flows"]],
            textposition="outside",
            cliponaxis=False,
            hovertext=names,
            hoverinfo="text+x",
        )
    )
    base_layout(bar, title, subtitle, source)
    top, bottom = phone_texts(bar, AXIS_PX)
    most = float(split["flows"].max()) if len(split) else 0.0
    bar.update_layout(
        height=int(top + bottom + ROW_PX * max(1, len(split))),
        margin=dict(t=top, b=bottom),
        # room right of the longest bar for its count ("225" was cut to "2" on a phone)
        xaxis=dict(title=t("tl.yaxis", lang), range=[0, max(1.0, most) * 1.2], automargin=False),
        yaxis=dict(autorange="reversed", showticklabels=False, range=None, automargin=False),
        annotations=[
            *bar.layout.annotations,
            *(
                dict(
                    name="category",
                    text=escape_text(n),
                    x=0,
                    xref="paper",
                    y=i - BAR / 2,
                    yref="y",
                    xanchor="left",
                    yanchor="bottom",
                    showarrow=False,
                    font=dict(size=13, color="#333"),
                )
                for i, n in enumerate(names)
            ),
        ],
    )
    return bar
