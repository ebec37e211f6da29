"""Map of stated city partnerships: one line per pair both of whose cities can be placed."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..i18n import number, t
from .common import base_layout
from .flowmap import arc_lines


def partnership_map(
    p: pd.DataFrame, source: str, lang: str = "en", title: str = "", height: int = 520
) -> tuple[go.Figure, int]:
    """The figure and how many pairs are drawn."""
    drawn = p.dropna(subset=["latitude_a", "latitude_b"])
    lat, lon = arc_lines(
        drawn["latitude_a"].astype(float).values,
        drawn["longitude_a"].astype(float).values,
        drawn["latitude_b"].astype(float).values,
        drawn["longitude_b"].astype(float).values,
    )
    fig = go.Figure(
        go.Scattergeo(
            lat=lat,
            lon=lon,
            mode="lines",
            line=dict(width=1.2, color="#0072B2"),
            opacity=0.6,
            name=t("pa.legend_line", lang),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scattergeo(
            lat=pd.concat([drawn["latitude_a"], drawn["latitude_b"]]),
            lon=pd.concat([drawn["longitude_a"], drawn["longitude_b"]]),
            mode="markers",
            marker=dict(size=5, color="#333"),
            name=t("pa.legend_city", lang),
            hovertext=pd.concat([drawn["city_a"], drawn["city_b"]]),
            hoverinfo="text",
        )
    )
    base_layout(
        fig,
        title or t("pa.map_title", lang),
        t(
            "pa.map_sub",
            lang,
            total=number(len(p), lang),
            drawn=number(len(drawn), lang),
            other=number(len(p) - len(drawn), lang),
        ),
        source,
        height=height,
    )
    # The cities with the most stated partnerships drawn: an export with room under the map lists them.
    top = pd.concat([drawn["city_a"], drawn["city_b"]]).astype(str).value_counts().head(30)
    fig.layout.meta = {
        **fig.layout.meta,
        "export_table": [t("pa.top_cities", lang)] + [f"{c}: {number(n, lang)}" for c, n in top.items()],
    }
    fig.update_geos(
        projection_type="natural earth",
        showcountries=True,
        countrycolor="#bbb",
        landcolor="#f2f2ee",
        showland=True,
        showcoastlines=False,
        lataxis_range=[-58, 85],
    )
    return fig, len(drawn)
