"""Highlight a place or one flow on any geo figure: what a presenter points at in a scene.

A highlight names a place as drawn (its label, e.g. 'Oita') or a flow by its
record id (e.g. 'CN-0039'); several are separated by ';'. Names that match
nothing are returned, so the caller can say so instead of drawing nothing silently.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..i18n import t
from .common import escape_text
from .flowmap import extent, lanes, with_gaps

COLOR = "#D55E00"


def parse(text: str) -> list[str]:
    return [x.strip() for x in str(text or "").split(";") if x.strip()][:10]


def place_points(b, names: list[str]) -> pd.DataFrame:
    """Coordinates of named places: flow ends first (labels as drawn), then partnership cities."""
    f = b.flows
    parts = [
        pd.DataFrame({"label": f[f"{s}_label"].astype(str), "lat": f[f"{s}_lat"], "lon": f[f"{s}_lon"]})
        for s in ("donor", "recipient")
    ]
    p = b.partnerships
    parts += [
        pd.DataFrame(
            {
                "label": p[f"city_{s}"].astype(str),
                "lat": pd.to_numeric(p[f"latitude_{s}"], errors="coerce"),
                "lon": pd.to_numeric(p[f"longitude_{s}"], errors="coerce"),
            }
        )
        for s in ("a", "b")
    ]
    pts = pd.concat(parts).dropna(subset=["lat", "lon"]).drop_duplicates("label")
    return pts[pts["label"].isin(names)]


def _matches(b, names: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The drawable flows whose record id is named, and the places to ring (named places and those flows' ends)."""
    f = b.flows
    flows = f[f["record_id"].astype(str).isin(names) & f["donor_lat"].notna() & f["recipient_lat"].notna()]
    ends = pd.DataFrame(
        {
            "label": list(flows["donor_label"]) + list(flows["recipient_label"]),
            "lat": list(flows["donor_lat"]) + list(flows["recipient_lat"]),
            "lon": list(flows["donor_lon"]) + list(flows["recipient_lon"]),
        }
    )
    return flows, pd.concat([place_points(b, names), ends]).drop_duplicates("label")


def unmatched(b, text: str) -> list[str]:
    """The names of a highlight that match no drawable place or flow (said on screen, never dropped silently)."""
    names = parse(text)
    return _missing(names, *_matches(b, names)) if names else []


def _missing(names: list[str], flows: pd.DataFrame, pts: pd.DataFrame) -> list[str]:
    found = set(pts["label"]) | set(flows["record_id"].astype(str))
    return [n for n in names if n not in found]


def add(fig: go.Figure, b, text: str, lang: str = "en") -> list[str]:
    """Draw the highlighted places (ringed and named) and flows (a thick arc); return the names that matched nothing."""
    names = parse(text)
    if not names:
        return []
    flows, pts = _matches(b, names)
    if len(flows):
        lat, lon = lanes(  # the same curve as the flow map's arc, so the highlight lies on it
            flows["donor_lat"].values,
            flows["donor_lon"].values,
            flows["recipient_lat"].values,
            flows["recipient_lon"].values,
        )
        fig.add_trace(
            go.Scattergeo(
                lat=with_gaps(lat),
                lon=with_gaps(lon),
                mode="lines",
                line=dict(width=5, color=COLOR),
                name=t("hl.flow", lang),
                hoverinfo="skip",
            )
        )
    if len(pts):
        _unlabel(fig, set(pts["label"]))
        fig.add_trace(
            go.Scattergeo(
                lat=pts["lat"],
                lon=pts["lon"],
                mode="markers+text",
                text=pts["label"],
                textposition="top center",
                textfont=dict(size=15, color=COLOR),
                marker=dict(size=18, color="rgba(0,0,0,0)", line=dict(width=3, color=COLOR)),
                name=t("hl.place", lang),
                hoverinfo="text",
            )
        )
    _keep_in_view(fig, list(pts["lat"]), list(pts["lon"]))
    return _missing(names, flows, pts)


def _unlabel(fig: go.Figure, labels: set[str]) -> None:
    """The map's own label of a highlighted place is blanked: the highlight names it (once, in its colour)."""
    named = labels | {escape_text(x) for x in labels}
    for tr in fig.data:
        if tr.type == "scattergeo" and tr.mode == "text" and tr.text is not None:
            tr.text = ["" if x in named else x for x in tr.text]


def _keep_in_view(fig: go.Figure, lats: list[float], lons: list[float]) -> None:
    """Widen a fitted map so the highlighted places are inside it (a highlight is never drawn off the map)."""
    lo, la = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    if not lats or lo is None or la is None:
        return
    inside = all(
        la[0] <= y <= la[1] and (lo[0] <= x <= lo[1] or lo[0] <= x + 360 <= lo[1]) for y, x in zip(lats, lons)
    )
    if inside:
        return
    ext = extent([la[0], la[1], *lats], [lo[0], lo[1], *lons], pad=0.05)
    fig.update_geos(
        lonaxis_range=list(ext[0]), lataxis_range=list(ext[1]), projection_rotation_lon=sum(ext[0]) / 2
    )
