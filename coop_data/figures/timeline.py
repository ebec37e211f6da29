"""Flows per month (or week) by direction category, delivered vs announced shown apart."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import vocab
from ..i18n import t as tr
from .common import base_layout, escape_text, phone_texts


def _period_ticks(t: pd.DataFrame, lang: str) -> dict:
    """One tick per bar's period (or every few periods), on the period's start, where each bar stands.

    Left to itself plotly put ticks every half month under a few months' bars and labelled two of them "Mar 2020",
    so every bar after the first read one month early."""
    periods = pd.Series(pd.to_datetime(t["period"].unique())).sort_values()
    if periods.empty:
        return {}
    first, last = periods.iloc[0], periods.iloc[-1]
    weekly = len(periods) > 1 and periods.diff().dt.days.min() < 20
    if weekly:
        step = max(1, -(-len(periods) // MAX_TICKS))
        fmt = "%d %b<br>%Y" if lang == "en" else "%d/%m<br>%Y"
        vals = pd.date_range(first, last, freq=f"{7 * step}D")
    else:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        fmt = "%b<br>%Y" if lang == "en" else "%m<br>%Y"
        vals = pd.date_range(first, last, freq=f"{max(1, -(-months // MAX_TICKS))}MS")
    # Listed, not stepped: the axis is padded (_padded), and stepped ticks went on into months without bars.
    return dict(tickformat=fmt, tickmode="array", tickvals=list(vals))


# Labels on two lines ("Mar" over "2020"), at most 8, upright: 12 one-line labels turned on end on a phone and the
# legend below them sat on them. Upright labels keep a height known here, so the source line can go right under.
MAX_TICKS = 8
TICKS_PX = 44


def timeline_chart(
    t: pd.DataFrame, title: str, subtitle: str, source: str, height: int = 640, lang: str = "en"
) -> go.Figure:
    fig = go.Figure()
    not_delivered, flows_word = tr("tl.not_delivered", lang), tr("unit.flows", lang)
    fmt = "%b %Y" if lang == "en" else "%m/%Y"
    for direction in vocab.DIRECTIONS:
        d = t[t["direction"].astype(str) == direction]
        if d.empty:
            continue
        shown = False
        for delivered in (True, False):
            dd = d[(d["status"].astype(str) == "delivered") == delivered]
            if dd.empty:
                continue
            s = dd.groupby("period")["flows"].sum()
            name = tr(f"dir.{direction}", lang) + ("" if delivered else f" ({not_delivered})")
            # One legend entry per direction (it toggles both parts); the subtitle says what hatching means.
            # Two entries per direction wrapped the legend over the source line.
            fig.add_trace(
                go.Bar(
                    x=list(s.index),
                    y=s.values.tolist(),
                    name=name,
                    showlegend=not shown,
                    marker=dict(
                        color=vocab.DIRECTIONS[direction],
                        pattern=dict(shape="" if delivered else "/"),
                        opacity=1.0 if delivered else 0.55,
                    ),
                    legendgroup=direction,
                    hovertemplate="%{x|"
                    + fmt
                    + "}: %{y} "
                    + flows_word
                    + "<extra>"
                    + escape_text(name)
                    + "</extra>",
                )
            )
            shown = True
    base_layout(fig, title, subtitle, source, height=height)
    top, bottom = phone_texts(fig, TICKS_PX)
    fig.update_layout(
        barmode="stack",
        xaxis=dict(
            title="",
            gridcolor="#eee",
            tickangle=0,
            tickfont=dict(size=12),
            range=_padded(t),
            **_period_ticks(t, lang),
        ),
        yaxis=dict(title=tr("tl.yaxis", lang), gridcolor="#eee"),
        # Under the subtitle, over the bars: a legend at the container's top pushes the plot down by its own
        # height, however many rows it wraps to (one entry a row on a phone, two on a laptop). Below the bars it
        # sat on the month labels and the source line.
        legend=dict(
            orientation="h",
            x=0,
            xanchor="left",
            yref="container",
            y=1 - top / height,
            yanchor="top",
            font=dict(size=11),
            bgcolor="rgba(0,0,0,0)",
            borderwidth=0,
        ),
        margin=dict(l=10, r=10, t=top, b=bottom),
    )
    return fig


def _padded(t: pd.DataFrame) -> list | None:
    """The period axis with room on both sides: the first month's label, centred on its bar, no longer reaches
    into the count labels of the y axis."""
    periods = pd.to_datetime(t["period"])
    if periods.empty:
        return None
    first, last = periods.min(), periods.max()
    pad = max(pd.Timedelta(days=20), (last - first) * 0.06)
    return [first - pad, last + pad]
