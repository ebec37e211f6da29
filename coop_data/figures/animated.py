"""The flow map played week by week (play/pause and a scrubber).

Each frame shows the flows dated in that week in full colour and those of the
three weeks before it faded, over a light grey layer of every dated flow of the
period. A flow dated only to the month appears in the week its month begins; flows
dated only by year, or not at all, cannot be placed in a week and are counted in
the note, not drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import vocab
from ..i18n import month, number, t
from .common import GEO_STYLE, base_layout, map_legend, unit_word
from .flowmap import arc_lines

FADE_WEEKS = 3


def _arcs(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return arc_lines(
        df["donor_lat"].to_numpy(),
        df["donor_lon"].to_numpy(),
        df["recipient_lat"].to_numpy(),
        df["recipient_lon"].to_numpy(),
    )


def weekly(flows: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Placed flows with the Monday of their week; the note counts what cannot be placed in a week."""
    prec = flows["date_precision"].astype(str)
    weekable = flows["date_start"].notna() & prec.isin(["day", "month"])
    placed = flows["donor_lat"].notna() & flows["recipient_lat"].notna()
    f = flows[weekable & placed].copy()
    f["week"] = f["date_start"].dt.to_period("W-SUN").dt.start_time
    return f, {
        "drawn": len(f),
        "not_in_a_week": int((~weekable).sum()),
        "unplaced": int((weekable & ~placed).sum()),
        "month_precision": int((weekable & placed & prec.eq("month")).sum()),
    }


CONTROLS_PX = 90  # height of the play buttons and week slider above the map


def animated_map(
    flows: pd.DataFrame,
    title: str,
    subtitle: str,
    source: str,
    start: str = "2020-01-01",
    end: str = "2021-12-31",
    height: int = 600,
    max_arcs_per_frame: int = 300,
    lang: str = "en",
) -> tuple[go.Figure, dict]:
    f, note = weekly(flows)
    weeks = pd.date_range(pd.Timestamp(start).to_period("W-SUN").start_time, end, freq="7D")
    f = f[(f["week"] >= weeks[0]) & (f["week"] <= weeks[-1])]
    dirs = [d for d in vocab.DIRECTIONS if (f["direction"].astype(str) == d).any()]
    fig = go.Figure()
    la, lo = _arcs(f)
    fig.add_trace(
        go.Scattergeo(
            lat=la,
            lon=lo,
            mode="lines",
            line=dict(width=0.8, color="#c8c8c8"),
            name=t("anim.all", lang),
            hoverinfo="skip",
        )
    )
    # Two animated traces per direction: this week (full colour) and the three weeks before (faded).
    previous = t("anim.previous", lang)
    for d in dirs:
        name = t(f"dir.{d}", lang)
        for width, opacity, label, shown in (
            (2.6, 1.0, name, True),
            (1.4, 0.35, f"{name} {previous}", False),
        ):
            fig.add_trace(
                go.Scattergeo(
                    lat=[],
                    lon=[],
                    mode="lines",
                    line=dict(width=width, color=vocab.DIRECTIONS[d]),
                    opacity=opacity,
                    name=label,
                    legendgroup=d,
                    showlegend=shown,
                    hoverinfo="skip",
                )
            )
    frames, steps, capped = [], [], 0
    fd = f["direction"].astype(str)
    for w in weeks:
        data = []
        for d in dirs:
            now = f[(f["week"] == w) & (fd == d)]
            before = f[(f["week"] < w) & (f["week"] >= w - pd.Timedelta(weeks=FADE_WEEKS)) & (fd == d)]
            capped += max(0, len(now) - max_arcs_per_frame)
            for part in (now.head(max_arcs_per_frame), before.head(max_arcs_per_frame)):
                la, lo = _arcs(part)
                data.append(go.Scattergeo(lat=la, lon=lo))
        name = w.strftime("%Y-%m-%d")
        n_now = int((f["week"] == w).sum())
        frames.append(go.Frame(data=data, name=name, traces=list(range(1, 1 + 2 * len(dirs)))))
        steps.append(
            dict(
                method="animate",
                label=month(w, lang, day=True),
                args=[
                    [name],
                    dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0)),
                ],
            )
        )
        note.setdefault("per_week", []).append((name, n_now))
    fig.frames = frames
    base_layout(fig, title, subtitle, source, height=height)
    # Play buttons and week slider sit between the title block and the map: in the title block they hid its subtitle.
    t0 = fig.layout.margin.t  # the title stays centred where it was, in the margin's first t0 pixels
    fig.update_layout(
        margin=dict(t=t0 + CONTROLS_PX), title=dict(y=1 - t0 / 2 / height, yanchor="middle"), showlegend=True
    )
    fig.update_geos(**GEO_STYLE, lataxis_range=[-58, 85])
    fig.update_layout(
        legend=map_legend(t("anim.legend", lang)),
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0.0,
                y=1.0,
                xanchor="left",
                yanchor="bottom",
                showactive=False,
                pad=dict(t=0, r=10, b=42),
                buttons=[
                    dict(
                        label="▶ " + t("anim.play", lang),
                        method="animate",
                        args=[
                            None,
                            dict(
                                frame=dict(duration=350, redraw=True),
                                fromcurrent=True,
                                transition=dict(duration=0),
                            ),
                        ],
                    ),
                    dict(
                        label="❚❚ " + t("anim.pause", lang),
                        method="animate",
                        args=[[None], dict(mode="immediate", frame=dict(duration=0, redraw=False))],
                    ),
                ],
            )
        ],
        sliders=[
            dict(
                active=0,
                steps=steps,
                x=0.3,
                len=0.7,
                y=1.0,
                yanchor="bottom",
                pad=dict(t=0, b=10),
                currentvalue=dict(prefix=t("anim.week_of", lang) + " ", font=dict(size=14)),
            )
        ],
    )
    # The busiest weeks: a still export (its first week) lists them in the band under the map.
    busiest = sorted(zip(steps, note.get("per_week", [])), key=lambda x: -x[1][1])[:30]
    unit, week_of = t("unit.flows", lang), t("anim.week_of", lang)
    fig.layout.meta = {
        **fig.layout.meta,
        "export_table": [t("anim.busiest", lang)]
        + [
            f"{week_of} {st['label']}: {number(n, lang)} {unit_word(unit, n, lang)}"
            for st, (_, n) in busiest
            if n
        ],
    }
    note["weeks"] = len(weeks)
    note["capped"] = capped
    return fig, note
