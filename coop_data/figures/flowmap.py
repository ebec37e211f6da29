"""Flow map: great-circle arcs donor → recipient, city markers, country choropleth.

Arcs are batched into one trace per (direction, width class) with gaps between
arcs, so the figure has a handful of traces however many flows are drawn, and
at most `max_arcs` arcs (the largest) are drawn; the rest are counted in the
note, never dropped silently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import aggregate, classify
from ..i18n import country_name, number, t
from .common import base_layout, escape_text, map_legend

WIDTHS = (1.2, 2.6, 4.5)


def great_circle(lat1, lon1, lat2, lon2, n: int = 24, at=None) -> tuple[np.ndarray, np.ndarray]:
    """Points along great circles, vectorised: arrays (k,) in -> arrays (k, n), at n even steps or at the fractions `at`."""
    p1 = np.radians(np.c_[lat1, lon1])
    p2 = np.radians(np.c_[lat2, lon2])

    def xyz(p):
        return np.c_[np.cos(p[:, 0]) * np.cos(p[:, 1]), np.cos(p[:, 0]) * np.sin(p[:, 1]), np.sin(p[:, 0])]

    a, b = xyz(p1), xyz(p2)
    omega = np.arccos(np.clip((a * b).sum(1), -1, 1))[:, None]
    t = (np.linspace(0, 1, n) if at is None else np.asarray(at, float))[None, :]
    so = np.sin(omega)
    safe = np.where(so < 1e-9, 1.0, so)
    w1 = np.where(so < 1e-9, 1 - t, np.sin((1 - t) * omega) / safe)
    w2 = np.where(so < 1e-9, t, np.sin(t * omega) / safe)
    pts = w1[..., None] * a[:, None, :] + w2[..., None] * b[:, None, :]
    lat = np.degrees(np.arctan2(pts[..., 2], np.hypot(pts[..., 0], pts[..., 1])))
    lon = np.degrees(np.arctan2(pts[..., 1], pts[..., 0]))
    return lat, lon


def arc_lines(lat1, lon1, lat2, lon2) -> tuple[np.ndarray, np.ndarray]:
    """Scattergeo line arrays for arcs: each arc is its two ends, then a break (float32: 1e-5° precision, half the bytes).

    plotly.js draws every segment of a line on a map as a great circle (d3-geo), so points in between
    would add bytes and drawing time without changing the shape: 8 times less to send and draw than 24 points per arc.
    """
    gap = np.full(len(lat1), np.nan)
    return (
        np.c_[lat1, lat2, gap].ravel().astype(np.float32),
        np.c_[lon1, lon2, gap].ravel().astype(np.float32),
    )


def arcs_table(flows: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One row per drawable donor→recipient pair and direction, with the measure summed."""
    keys = [
        "donor_label",
        "recipient_label",
        "donor_lat",
        "donor_lon",
        "recipient_lat",
        "recipient_lon",
        "direction",
    ]
    f = flows[keys + ["record_id"]].assign(
        value=aggregate.measure_values(flows, measure)
    )  # only the columns used: no copy of the other 50
    placed = f["donor_lat"].notna() & f["recipient_lat"].notna()
    same = (f["donor_lat"] == f["recipient_lat"]) & (f["donor_lon"] == f["recipient_lon"])
    d = f[placed & ~same & (f["value"] > 0)]
    g = d.groupby(keys, observed=True, sort=False)
    out = g.agg(value=("value", "sum"), n=("record_id", "size")).reset_index()
    out["ids"] = _first_ids(g.ngroup().to_numpy(), d["record_id"].to_numpy(), len(out))
    return out


def _first_ids(codes: np.ndarray, ids: np.ndarray, n_groups: int, k: int = 6) -> list[str]:
    """The first k record ids of each group, joined; one sort instead of a Python call per group."""
    if not len(codes):
        return [""] * n_groups
    order = np.argsort(codes, kind="stable")
    cs, rid = codes[order], ids[order]
    starts = np.r_[0, np.flatnonzero(np.diff(cs)) + 1]
    out = [""] * n_groups
    for code, a, b in zip(cs[starts], starts, np.r_[starts[1:], len(cs)]):
        out[code] = ", ".join(rid[a : min(b, a + k)])
    return out


def flow_map(
    flows: pd.DataFrame,
    measure: str,
    title: str,
    subtitle: str,
    source: str,
    max_arcs: int = 400,
    choropleth: str | None = "given",
    show_markers: bool = True,
    height: int = 600,
    max_places: int = 1500,
    lang: str = "en",
) -> tuple[go.Figure, dict]:
    """Build the map. Returns the figure and a note dict {drawn, arcs, not_drawn_unplaced, not_drawn_cap, places_not_drawn}."""
    unit = t(f"unit.{aggregate.MEASURES[measure][1]}", lang)
    dir_name = {d: t(f"dir.{d}", lang) for d in classify.DIRECTION_LABELS}
    arcs = arcs_table(flows, measure).sort_values("value", ascending=False)
    capped = max(0, len(arcs) - max_arcs)
    arcs = arcs.head(max_arcs)
    fig = go.Figure()
    if choropleth:
        side = "donor" if choropleth == "given" else "recipient"
        g = (
            flows.assign(v=aggregate.measure_values(flows, measure))
            .groupby(f"{side}_country_iso3")
            .agg(v=("v", "sum"), name=(f"{side}_country", "first"))
        )
        g = g[(g.index != "") & (g["v"] > 0)]
        c = g["v"]
        names = [escape_text(country_name(iso, lang, str(name))) for iso, name in zip(g.index, g["name"])]
        fig.add_trace(
            go.Choropleth(
                locations=c.index,
                z=c.values,
                locationmode="ISO-3",
                colorscale="Blues",
                marker_line_color="#999",
                marker_line_width=0.4,
                colorbar=dict(
                    title=dict(text=f"{unit}<br>{t('map.' + choropleth, lang)}"),
                    len=0.38,
                    x=1.0,
                    xanchor="left",
                    y=0,
                    yanchor="bottom",
                ),
                name=t("map.countries_by", lang, unit=unit, side=t("map." + choropleth, lang)),
                text=names,
                hovertemplate="%{text}: %{z:,.0f} " + unit + "<extra></extra>",
                showlegend=False,
                customdata=c.index,
            )
        )
    if len(arcs):
        vmax = arcs["value"].max()
        cls = np.digitize(arcs["value"] / vmax, [0.1, 0.4]) if vmax > 0 else np.zeros(len(arcs), int)
        ends = (
            arcs["donor_lat"].values,
            arcs["donor_lon"].values,
            arcs["recipient_lat"].values,
            arcs["recipient_lon"].values,
        )
        for direction in classify.DIRECTION_LABELS:
            for k, width in enumerate(WIDTHS):
                sel = np.where((arcs["direction"].astype(str).values == direction) & (cls == k))[0]
                if not len(sel):
                    continue
                la, lo = arc_lines(*(e[sel] for e in ends))
                first = not any(t.legendgroup == direction for t in fig.data)
                fig.add_trace(
                    go.Scattergeo(
                        lat=la,
                        lon=lo,
                        mode="lines",
                        line=dict(width=width, color=classify.DIRECTION_COLORS[direction]),
                        opacity=0.75,
                        name=dir_name[direction],
                        legendgroup=direction,
                        showlegend=first,
                        hoverinfo="skip",
                    )
                )
        # Arrowheads at the recipient end, oriented along the arc's last stretch.
        lat, lon = great_circle(*ends, at=[0.92, 1.0])
        for direction in classify.DIRECTION_LABELS:
            sel = np.where(arcs["direction"].astype(str).values == direction)[0]
            if not len(sel):
                continue
            sub = arcs.iloc[sel]
            # Pairs (92 % point, tip), no break: markers need none, and plotly.js's hover fails on a marker at NaN.
            la, lo = lat[sel].ravel().astype(np.float32), lon[sel].ravel().astype(np.float32)
            size = np.tile([0, 10], len(sel))
            rec = t("map.records", lang)
            tips = np.array(
                [
                    f"{a} → {b}: {number(v, lang)} {unit} ({n} {rec}: {ids})"
                    for a, b, v, n, ids in zip(
                        sub["donor_label"], sub["recipient_label"], sub["value"], sub["n"], sub["ids"]
                    )
                ],
                dtype=object,
            )
            blank = np.full(len(tips), "", dtype=object)
            text = np.c_[blank, tips].ravel()  # only the arrowhead (the visible point) carries the hover text
            fig.add_trace(
                go.Scattergeo(
                    lat=la,
                    lon=lo,
                    mode="markers",
                    marker=dict(
                        symbol="triangle-up",
                        angleref="previous",
                        size=size,
                        color=classify.DIRECTION_COLORS[direction],
                        line=dict(width=0),
                    ),
                    legendgroup=direction,
                    showlegend=False,
                    hovertext=text,
                    hoverinfo="text",
                    name=dir_name[direction] + " ▲",
                )
            )
    places_capped = 0
    if show_markers:
        pts = city_points(flows).sort_values("total", ascending=False)
        places_capped = max(0, len(pts) - max_places)
        pts = pts.head(max_places)
        # Two traces (exact places, country-level points) so marker styles are scalars, not per-point arrays.
        for approx, name, line_w, line_c, symbol in (
            (False, t("map.places", lang), 1.6, "#333", "circle"),
            (True, t("map.country_points", lang), 1.0, "#999", "circle-open"),
        ):
            p = pts[(pts["placement"] == "country_point") == approx]
            if not len(p):
                continue
            note = t("map.approx_note", lang) if approx else ""
            fig.add_trace(
                go.Scattergeo(
                    lat=p["lat"].to_numpy(np.float32),
                    lon=p["lon"].to_numpy(np.float32),
                    mode="markers",
                    name=name,
                    marker=dict(
                        size=np.clip(4 + 3 * np.sqrt(p["total"].to_numpy()), 5, 30),
                        color=line_c if approx else "white",
                        line=dict(width=line_w, color=line_c),
                        symbol=symbol,
                    ),
                    customdata=p[["label", "country"]].to_numpy(dtype=object),
                    hovertext=np.array(
                        [
                            t("map.place_hover", lang, place=lab, country=c, out=o, into=i) + note
                            for lab, c, o, i in zip(p["label"], p["country"], p["out"], p["in"])
                        ],
                        dtype=object,
                    ),
                    hoverinfo="text",
                )
            )
    base_layout(fig, title, subtitle, source, height=height)
    fig.update_geos(
        projection_type="natural earth",
        showcountries=True,
        countrycolor="#bbb",
        showland=True,
        landcolor="#f2f2ee",
        showcoastlines=False,
        showocean=False,
        showframe=False,
        lataxis_range=[-58, 85],
    )
    fig.update_layout(legend=map_legend(t("sb.direction", lang)), dragmode="pan")
    unplaced = int((flows["donor_lat"].isna() | flows["recipient_lat"].isna()).sum())
    return fig, {
        "drawn": int(arcs["n"].sum()) if len(arcs) else 0,
        "arcs": len(arcs),
        "not_drawn_unplaced": unplaced,
        "not_drawn_cap": capped,
        "places_not_drawn": places_capped,
    }


def city_points(flows: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for side, kind in (("donor", "out"), ("recipient", "in")):
        p = flows[flows[f"{side}_lat"].notna()]
        parts.append(
            pd.DataFrame(
                {
                    "label": p[f"{side}_label"].astype(str),
                    "country": p[f"{side}_country_iso3"].astype(str),
                    "lat": p[f"{side}_lat"],
                    "lon": p[f"{side}_lon"],
                    "placement": p[f"{side}_placement"].astype(str),
                    kind: 1,
                }
            )
        )
    pts = pd.concat(parts).fillna({"out": 0, "in": 0})
    g = (
        pts.groupby(["label", "country", "lat", "lon", "placement"])
        .agg(out=("out", "sum"), **{"in": ("in", "sum")})
        .reset_index()
    )
    g["out"], g["in"] = g["out"].astype(int), g["in"].astype(int)
    g["total"] = g["out"] + g["in"]
    return g
