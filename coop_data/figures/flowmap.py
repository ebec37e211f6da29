"""Flow map: curved arcs donor → recipient, one marker per place, named largest places, country classes.

What a reader needs to read it at a glance, on screen and in every export (the figure itself carries it):
- the extent fits the places in view (`extent`), the world only when the data spans it;
- one marker per place: placement variants of a place (a city actor and a hospital at the same city) merge,
  and actors placed at the same country point share one marker that lists them (`place_markers`);
- the largest places are named, labels never collide (`pick_labels`, a greedy check in projected space);
- countries are shaded in discrete classes with integer labels "1–2, 3–5, 6–10 …" (`classes`);
- arcs bend to the right of their travel, so both legs of a reciprocity pair are two separate lanes (`lanes`);
- a roll-up to countries or UN regions aggregates arcs between the units' points (`rollup_flows`).

Arcs are batched into one trace per (direction, width class) with gaps between arcs, so the figure has a
handful of traces however many flows are drawn (added as dicts: plotly checks a trace object again when it is
added, which doubled the time of the 1,500 markers' colours), and at most `max_arcs` arcs (the largest) are drawn; the rest
are counted in the note, never dropped silently. Only places (markers) and invisible points along each arc
answer hover and click: arrowheads and labels do not, so a place is what the pointer finds on a place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from .. import aggregate, vocab
from ..i18n import category, country_name, number, t
from ..vocab import MAP_LABELS as DEFAULT_LABELS
from ..vocab import ROLLUPS
from .common import GEO_STYLE, base_layout, escape_text, map_legend, unit_word

WIDTHS = (1.2, 2.6, 4.5)
WORLD = ((-180.0, 180.0), (-58.0, 85.0))
# Map frame in pixels the label and hover-point checks assume: the laptop page's (exports are larger).
PLOT_PX = (760, 360)
LEGEND_PX = 64  # height kept below the map for its legend (two rows of entries at laptop width)
HALO = "1px 1px 2px #fff, -1px -1px 2px #fff, 1px -1px 2px #fff, -1px 1px 2px #fff"  # labels readable on any fill
# On a phone (static/js/geo_chart.js) the legend keeps the directions only: the two entries of the place markers took
# as many rows as four directions; a marker's hover still says what it is.
PHONE_NO_LEGEND = {"phone_legend": False}
LANE_POINTS = 9  # points per curved arc: plotly.js joins them by short great circles


def arc_lines(lat1, lon1, lat2, lon2) -> tuple[np.ndarray, np.ndarray]:
    """Scattergeo line arrays for straight arcs: each arc is its two ends, then a break (float32).

    plotly.js draws every segment of a line on a map as a great circle (d3-geo), so two ends suffice
    for a straight arc (used by the partnership and animated maps; the flow map bends its arcs, `lanes`).
    """
    gap = np.full(len(lat1), np.nan)
    return (
        np.c_[lat1, lat2, gap].ravel().astype(np.float32),
        np.c_[lon1, lon2, gap].ravel().astype(np.float32),
    )


def lanes(lat1, lon1, lat2, lon2, bend: float = 0.16, n: int = LANE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Arcs bent to the right of their travel (a quadratic curve in lon/lat): A→B and B→A are two lanes.

    Arrays (k,) in -> (k, n) out. Longitudes are unwrapped so an arc across the antimeridian takes the short way.
    """
    lat1, lon1, lat2, lon2 = (np.asarray(v, float) for v in (lat1, lon1, lat2, lon2))
    lon2u = lon1 + (lon2 - lon1 + 180) % 360 - 180
    k = np.cos(np.radians((lat1 + lat2) / 2)).clip(
        0.2, 1
    )  # degrees of longitude are shorter away from the equator
    dx, dy = (lon2u - lon1) * k, lat2 - lat1
    # right of travel: (dy, -dx) in (x, y); the control point sits 2*bend of the length aside (the curve: bend)
    cx = (lon1 + lon2u) / 2 + 2 * bend * dy / k
    cy = (lat1 + lat2) / 2 - 2 * bend * dx
    s = np.linspace(0, 1, n)[None, :]
    lon = (1 - s) ** 2 * lon1[:, None] + 2 * s * (1 - s) * cx[:, None] + s**2 * lon2u[:, None]
    lat = (1 - s) ** 2 * lat1[:, None] + 2 * s * (1 - s) * cy[:, None] + s**2 * lat2[:, None]
    return np.clip(lat, -89.5, 89.5), (lon + 180) % 360 - 180


def heading(screen, lat1, lon1, lat2, lon2) -> np.ndarray:
    """On-screen direction (degrees clockwise from up) from point 1 to point 2 on the drawn map, for markers with
    angleref "up". Plotly's own "north" reference is not usable: in plotly.js 4.1 it left every arrowhead of a
    scattergeo trace pointing east (measured in Chromium), so half the arrows pointed away from their recipient."""
    x1, y1 = screen(np.asarray(lon1, float), np.asarray(lat1, float))
    x2, y2 = screen(np.asarray(lon2, float), np.asarray(lat2, float))
    return (np.degrees(np.arctan2(x2 - x1, y1 - y2)) + 360) % 360


def with_gaps(a: np.ndarray) -> np.ndarray:
    """Rows of points (k, n) -> one line array with a break after each row (float32)."""
    return np.c_[a, np.full(len(a), np.nan)].ravel().astype(np.float32)


def natural_earth(lon, lat, lon0: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The Natural Earth projection plotly draws (d3-geo's formula), centred on lon0: x right, y up."""
    lam = np.radians((np.asarray(lon, float) - lon0 + 180) % 360 - 180)
    phi = np.radians(np.asarray(lat, float))
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


def extent(
    lat, lon, pad: float = 0.12, min_span: tuple[float, float] = (12.0, 8.0), aspect: float = 1.5
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(lon range, lat range) fitting the points with padding; the world when they span more than 200° of longitude.

    The box is widened or heightened towards the drawing area's shape, so a fitted map fills the frame.
    A range may run past 180° (e.g. 120 → 200): plotly centres the map there and draws across the antimeridian.
    """
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    lat, lon = lat[ok], lon[ok]
    if not len(lat):
        return WORLD
    # smallest longitude interval holding every point: the circle minus its widest empty gap
    s = np.sort(lon % 360)
    gaps = np.diff(np.r_[s, s[0] + 360])
    i = int(np.argmax(gaps))
    lo = s[(i + 1) % len(s)]
    span = 360 - gaps[i]
    if span > 200:
        return WORLD
    lo = (lo + 180) % 360 - 180
    lon_lo, lon_hi = lo, lo + span
    lat_lo, lat_hi = float(lat.min()), float(lat.max())
    lon_pad = max(span * pad, (min_span[0] - span) / 2, 2.0)
    lat_pad = max((lat_hi - lat_lo) * pad, (min_span[1] - (lat_hi - lat_lo)) / 2, 1.5)
    lon_lo, lon_hi, lat_lo, lat_hi = lon_lo - lon_pad, lon_hi + lon_pad, lat_lo - lat_pad, lat_hi + lat_pad
    k = max(np.cos(np.radians((lat_lo + lat_hi) / 2)), 0.3)
    w, h = (lon_hi - lon_lo) * k, lat_hi - lat_lo
    if w < aspect * h:  # too tall for the frame: widen
        extra = (aspect * h - w) / k / 2
        lon_lo, lon_hi = lon_lo - extra, lon_hi + extra
    elif w > aspect * h * 1.4:  # much wider than the frame: heighten a little (the map stays readable)
        extra = (w / (aspect * 1.4) - h) / 2
        lat_lo, lat_hi = lat_lo - extra, lat_hi + extra
    if lon_hi - lon_lo > 300:
        return WORLD
    lat_lo, lat_hi = max(lat_lo, -80.0), min(lat_hi, 85.0)
    return (round(float(lon_lo), 2), round(float(lon_hi), 2)), (
        round(float(lat_lo), 2),
        round(float(lat_hi), 2),
    )


def parse_view(text: str) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The map extent a reader zoomed or panned to, as the URL's `view` carries it: "lon0,lon1,lat0,lat1" (degrees;
    lon1 may pass 180 for a view across the antimeridian). None for an empty, malformed or impossible text."""
    parts = str(text or "").split(",")
    if len(parts) != 4:
        return None
    try:
        lon0, lon1, lat0, lat1 = (float(x) for x in parts)
    except ValueError:
        return None
    if not all(np.isfinite([lon0, lon1, lat0, lat1])):
        return None
    if not (-180 <= lon0 < lon1 <= lon0 + 360 and lon1 <= 540 and -90 <= lat0 < lat1 <= 90):
        return None
    if lon1 - lon0 < 0.5 or lat1 - lat0 < 0.5:  # closer than a city: nothing a reader could read
        return None
    return (round(lon0, 2), round(lon1, 2)), (round(lat0, 2), round(lat1, 2))


def view_text(ext) -> str:
    """The URL text of an extent (parse_view's inverse)."""
    (lon0, lon1), (lat0, lat1) = ext
    return ",".join(f"{v:.2f}".rstrip("0").rstrip(".") for v in (lon0, lon1, lat0, lat1))


class Screen:
    """Approximate pixel positions on the drawn map, for label collisions and hover-point clearance."""

    def __init__(self, ext, px=PLOT_PX):
        (lon_lo, lon_hi), (lat_lo, lat_hi) = ext
        self.lon0 = (lon_lo + lon_hi) / 2
        gx = np.linspace(lon_lo, lon_hi, 9)
        gy = np.linspace(lat_lo, lat_hi, 9)
        bx, by = natural_earth(*np.meshgrid(gx, gy), self.lon0)
        self.x0, self.y1 = bx.min(), by.max()
        self.scale = min(px[0] / (bx.max() - bx.min()), px[1] / (by.max() - by.min()))

    def __call__(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        x, y = natural_earth(lon, lat, self.lon0)
        return (x - self.x0) * self.scale, (self.y1 - y) * self.scale


def marker_size(total) -> np.ndarray:
    return np.clip(3 + 2.4 * np.sqrt(np.asarray(total, float)), 5, 24)


def pick_labels(
    x, y, text, radius, n: int, font_px: float = 12.0, char_px: float = 0.62, pad: float = 3.0
) -> tuple[list[int], list[str]]:
    """Greedy: in order (largest first), each place gets the first of four label positions whose box hits no
    earlier label box nor any earlier labelled marker; places whose four positions all collide stay unnamed.

    x, y, radius in pixels. Returns the chosen indices and their plotly textpositions.
    """
    boxes: list[tuple[float, float, float, float]] = []
    chosen, where = [], []

    def hits(b):
        return any(b[0] < c[2] and c[0] < b[2] and b[1] < c[3] and c[1] < b[3] for c in boxes)

    for i in range(len(text)):
        if len(chosen) >= n:
            break
        w, h, r = len(text[i]) * font_px * char_px + 2 * pad, font_px * 1.3 + 2 * pad, float(radius[i])
        xi, yi = float(x[i]), float(y[i])
        for pos, b in (
            ("middle right", (xi + r + 2, yi - h / 2, xi + r + 2 + w, yi + h / 2)),
            ("middle left", (xi - r - 2 - w, yi - h / 2, xi - r - 2, yi + h / 2)),
            ("top center", (xi - w / 2, yi - r - 2 - h, xi + w / 2, yi - r - 2)),
            ("bottom center", (xi - w / 2, yi + r + 2, xi + w / 2, yi + r + 2 + h)),
        ):
            if not hits(b):
                chosen.append(i)
                where.append(pos)
                boxes.append(b)
                boxes.append((xi - r, yi - r, xi + r, yi + r))
                break
    return chosen, where


def classes(values, lang: str = "en") -> tuple[np.ndarray, list[str]]:
    """Discrete classes of positive values with integer labels: '1–2', '3–5', '6–10', '11–20' … up to the maximum.

    Upper bounds follow 2-5-10 steps; with more than 7 classes, powers of ten ('1–10', '11–100' …).
    Returns each value's class index and the labels of every class up to the largest value.
    """
    v = np.asarray(values, float)
    top = float(np.nanmax(v)) if len(v) else 1.0
    bounds = []
    for step in ((2, 5, 10), (10,)):
        bounds, mag = [], 1
        while not bounds or bounds[-1] < top:
            bounds += [mag * s for s in step]
            mag *= 10
        bounds = [b for i, b in enumerate(bounds) if i == 0 or bounds[i - 1] < top]
        if len(bounds) <= 7:
            break
    lows = [1] + [b + 1 for b in bounds[:-1]]
    labels = [f"{number(lo, lang)}–{number(hi, lang)}" for lo, hi in zip(lows, bounds)]
    idx = np.searchsorted(np.asarray(bounds, float), np.ceil(v - 1e-9), side="left")
    return np.minimum(idx, len(bounds) - 1), labels


ARC_KEYS = [
    "donor_label",
    "recipient_label",
    "donor_lat",
    "donor_lon",
    "recipient_lat",
    "recipient_lon",
    "direction",
]


def arcs_table(flows: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One row per drawable donor→recipient pair and direction, with the measure summed."""
    return ranked_arcs(flows, measure)[0]


def ranked_arcs(flows: pd.DataFrame, measure: str, top: int | None = None) -> tuple[pd.DataFrame, int]:
    """(arcs_table's rows, the number of arcs); with `top`, only the `top` largest, in the order of
    `sort_values("value", ascending=False)` on the whole table: the map draws 400 of a million arcs, so only their
    names and record ids are gathered.

    Arcs are numbered as groupby(keys, sort=False) numbers them (first appearance) from integer codes of the two
    places and the direction (combo_codes), and the measure is summed by pandas in the same row order: the same sums."""
    value = aggregate.measure_values(flows, measure).to_numpy(float)
    f = flows[ARC_KEYS + ["record_id"]]  # only the columns used: no copy of the other 50
    placed = f["donor_lat"].notna() & f["recipient_lat"].notna()
    same = (f["donor_lat"] == f["recipient_lat"]) & (f["donor_lon"] == f["recipient_lon"])
    keep = (placed & ~same).to_numpy() & (value > 0) & f[ARC_KEYS].notna().all(axis=1).to_numpy()
    rows = np.flatnonzero(keep)
    ends = [
        combo_codes(f, [f"{side}_label", f"{side}_lat", f"{side}_lon"])[rows]
        for side in ("donor", "recipient")
    ]
    way = _codes(f["direction"])[rows]
    gid, uniq = pd.factorize(
        (ends[0] * (ends[1].max(initial=0) + 1) + ends[1]) * (way.max(initial=0) + 1) + way
    )
    n = np.bincount(gid, minlength=len(uniq))
    v = value[rows]
    sums = np.zeros(len(uniq))
    one = n[gid] == 1
    sums[gid[one]] = v[one]  # an arc of one record: its value (pandas' sum of one value is that value)
    if not one.all():
        part = pd.Series(v[~one]).groupby(gid[~one]).sum()
        sums[part.index.to_numpy()] = part.to_numpy()
    pick = np.arange(len(uniq))
    if top is not None:
        pick = pd.DataFrame({"value": sums}).sort_values("value", ascending=False).index.to_numpy()[:top]
    at = np.full(len(uniq), -1)
    at[pick] = np.arange(len(pick))
    chosen = at[gid] >= 0
    first = _first_rows(at[gid[chosen]], len(pick))
    out = f[ARC_KEYS].iloc[rows[chosen][first]].reset_index(drop=True)
    out["value"], out["n"] = sums[pick], n[pick]
    out["ids"] = _first_ids(at[gid[chosen]], f["record_id"], len(pick), rows=rows[chosen])
    return out, len(uniq)


def _codes(s: pd.Series) -> np.ndarray:
    """Integer codes of a column: equal values, equal codes; a missing value is a value of its own."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy(np.int64)
    return pd.factorize(s, sort=False, use_na_sentinel=False)[0]


def _first_rows(codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, the position of its first row."""
    first = np.full(n_groups, len(codes), np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    return first


def combo_codes(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Per row, a code of its combination of `keys` values: equal combinations, equal codes, a missing value being a
    value of its own (codes are not numbered in any order).

    The first key (a place's label) is factorized; the others are compared with the first row of the same label,
    and only labels whose rows differ there (one name, two points) are grouped on every key: pandas grouping a
    million rows on seven keys factorized every key (1.5 s)."""
    head = _codes(frame[keys[0]])
    if not len(head):
        return head
    n = int(head.max()) + 1
    at = _first_rows(head, n)[head]
    differ = np.zeros(len(head), bool)
    for k in keys[1:]:
        x = frame[k]
        if pd.api.types.is_float_dtype(x.dtype):
            a = x.to_numpy(float)
            b = a[at]
            differ |= ~((a == b) | (np.isnan(a) & np.isnan(b)))
        else:
            c = _codes(x)
            differ |= c != c[at]
    if not differ.any():
        return head
    bad = np.zeros(n, bool)
    bad[head[differ]] = True
    split = np.flatnonzero(bad[head])
    sub = frame[keys].iloc[split].groupby(keys, sort=False, dropna=False, observed=True).ngroup().to_numpy()
    code = head.copy()
    code[split] = n + sub
    return code


def map_table(
    flows: pd.DataFrame,
    measure: str,
    countries: pd.DataFrame | None = None,
    rollup: str = "place",
    lang: str = "en",
) -> pd.DataFrame:
    """The numbers behind the map as drawn: one row per arc of the chosen roll-up."""
    return arcs_table(rollup_flows(flows, countries, rollup, lang) if rollup != "place" else flows, measure)


def map_numbers(table: pd.DataFrame, measure: str, lang: str = "en", max_arcs: int = 400) -> pd.DataFrame:
    """The chart's numbers as a reader gets them (on screen and as "Chart numbers"), from its `map_table`: every arc,
    largest first, headers and directions in the language, the measure's unit in its header, and whether the map
    draws the arc (the `max_arcs` largest, as flow_map picks them), so its rows add up to the counts under the map."""
    arcs = table.sort_values("value", ascending=False)
    unit = t(f"unit.{vocab.MEASURES[measure]}", lang)
    drawn = np.arange(len(arcs)) < max_arcs
    value = arcs["value"].to_numpy()
    if len(value) and (value % 1 == 0).all():  # counts: "3", not "3.0"
        value = value.astype(np.int64)
    return pd.DataFrame(
        {
            t("map.col_from", lang): arcs["donor_label"].to_numpy(),
            t("map.col_to", lang): arcs["recipient_label"].to_numpy(),
            t("stage.direction", lang): [
                category("direction", d, lang) for d in arcs["direction"].astype(str)
            ],
            f"{t('measure.' + measure, lang)} ({unit})": value,
            t("col.records", lang): arcs["n"].to_numpy(),
            t("map.col_drawn", lang): np.where(
                drawn, t("map.drawn_yes", lang), t("map.drawn_cap", lang, cap=number(max_arcs, lang))
            ),
            t("map.col_from_lat", lang): arcs["donor_lat"].to_numpy(),
            t("map.col_from_lon", lang): arcs["donor_lon"].to_numpy(),
            t("map.col_to_lat", lang): arcs["recipient_lat"].to_numpy(),
            t("map.col_to_lon", lang): arcs["recipient_lon"].to_numpy(),
            t("col.record_ids", lang): arcs["ids"].to_numpy(),
        }
    )


def _first_ids(codes: np.ndarray, ids: pd.Series, n_groups: int, k: int = 6, rows=None) -> list[str]:
    """The first k record ids of each group (codes per row; the rows' positions in `ids`), joined; one sort instead
    of a Python call per group, and only the ids shown are read (a million ids became Python strings for 400 arcs)."""
    if not len(codes):
        return [""] * n_groups
    order = np.argsort(codes, kind="stable")
    cs = codes[order]
    starts = np.r_[0, np.flatnonzero(np.diff(cs)) + 1]
    rank = np.arange(len(cs)) - np.repeat(starts, np.diff(np.r_[starts, len(cs)]))
    shown = rank < k
    order, cs = order[shown], cs[shown]
    rid = np.asarray(ids.iloc[order if rows is None else rows[order]].to_numpy(), dtype=object)
    starts = np.r_[0, np.flatnonzero(np.diff(cs)) + 1]
    ends = np.r_[starts[1:], len(cs)]
    out = np.full(n_groups, "", object)
    out[cs[starts]] = rid[starts]
    for i in np.flatnonzero(ends - starts > 1):  # a Python join only for arcs of more than one record
        out[cs[starts[i]]] = ", ".join(rid[starts[i] : ends[i]])
    return out.tolist()


def unit_points(countries: pd.DataFrame, rollup: str) -> pd.DataFrame:
    """A point per country (the country table's point) or per UN region (the mean of its countries' points)."""
    c = countries.dropna(subset=["lat", "lon"])
    if rollup == "country":
        return pd.DataFrame({"key": c["iso3"], "lat": c["lat"], "lon": c["lon"]}).set_index("key")
    g = c[c["region"].astype(str).ne("") & c["region"].notna()].groupby("region")[["lat", "lon"]].mean()
    return g.rename_axis("key")


def rollup_flows(flows: pd.DataFrame, countries: pd.DataFrame, rollup: str, lang: str = "en") -> pd.DataFrame:
    """Flows with their donor and recipient ends moved to the unit's point and named after the unit.

    place: the flows as they are. country / region: label = the country's (region's) name, lat/lon = its point;
    ends in no known unit lose their coordinates (counted as not drawn, as unplaced ends are).
    The original place labels stay in donor_place / recipient_place for the list behind each arc.
    """
    f = flows.assign(donor_place=flows["donor_label"], recipient_place=flows["recipient_label"])
    if rollup == "place":
        return f
    pts = unit_points(countries, rollup)
    names = dict(zip(countries["iso3"], countries["name"]))
    for side in ("donor", "recipient"):
        key = f[f"{side}_country_iso3"] if rollup == "country" else f[f"{side}_region"]
        key = key.astype(str)
        placed = f[f"{side}_lat"].notna() & key.isin(pts.index)
        if rollup == "country":
            label = [country_name(k, lang, names.get(k, k)) for k in key]
        else:
            label = [t(f"region.{k}", lang) if k in pts.index else k for k in key]
        f[f"{side}_label"] = label
        f[f"{side}_unit"] = key
        f[f"{side}_lat"] = key.map(pts["lat"]).where(placed)
        f[f"{side}_lon"] = key.map(pts["lon"]).where(placed)
        f[f"{side}_placement"] = rollup
    return f


def behind(flows: pd.DataFrame, measure: str, lang: str, k: int = 5) -> pd.Series:
    """For a roll-up: per (donor_label, recipient_label, direction), the place pairs behind the arc, largest first."""
    f = flows.assign(v=aggregate.measure_values(flows, measure))
    g = (
        f.groupby(
            ["donor_label", "recipient_label", "direction", "donor_place", "recipient_place"], observed=True
        )["v"]
        .sum()
        .reset_index()
        .sort_values("v", ascending=False)
    )
    g = g[g["v"] > 0]
    out = {}
    for key, part in g.groupby(["donor_label", "recipient_label", "direction"], observed=True, sort=False):
        lines = [
            f"{escape_text(a)} → {escape_text(b)}: {number(v, lang)}"
            for a, b, v in part.iloc[:k][["donor_place", "recipient_place", "v"]].itertuples(index=False)
        ]
        if len(part) > k:
            lines.append(t("map.and_more", lang, n=number(len(part) - k, lang)))
        out[key] = "<br>".join(lines)
    return pd.Series(out, dtype=object)


def _joined(codes: np.ndarray, labels: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, its labels joined by newlines in their order: a Python join only for groups of more than one
    (a pandas aggregation with a Python function walked all 45,000 places of 100,000 flows one by one)."""
    out = np.empty(n_groups, object)
    order = np.argsort(codes, kind="stable")
    cs = codes[order]
    starts = np.r_[0, np.flatnonzero(np.diff(cs)) + 1]
    ends = np.r_[starts[1:], len(cs)]
    out[cs[starts]] = labels[order[starts]]
    for i in np.flatnonzero(ends - starts > 1):
        out[cs[starts[i]]] = "\n".join(labels[order[starts[i] : ends[i]]])
    return out


def country_names(flows: pd.DataFrame) -> dict[str, str]:
    """ISO3 → the country name the flows carry (the last row's, recipients after donors), read at each code's last
    row only: zipping every row's pair took half a second at 100,000 flows."""
    out: dict[str, str] = {}
    for side in ("donor", "recipient"):
        iso, name = flows[f"{side}_country_iso3"], flows[f"{side}_country"]
        code, uniq = pd.factorize(iso, sort=False, use_na_sentinel=False)
        keys = pd.Series(uniq, dtype=object).astype(str)
        if keys.duplicated().any():  # two codes written alike (a missing one and "nan"): every row, in order
            out.update(zip(iso.astype(str), name.astype(str)))
            continue
        last = np.full(len(uniq), -1, np.int64)
        np.maximum.at(last, code, np.arange(len(code)))
        out.update(zip(keys, name.iloc[last].astype(str)))
    return out


def place_markers(flows: pd.DataFrame, lang: str = "en", rollup: str = "place") -> pd.DataFrame:
    """One marker per place: label, name (shown), country, lat, lon, exact, out, in, total, members.

    Placement variants of a place (same label, country and point) merge, counts summed. Actors placed at the
    same country point share one marker named after the country; `members` lists the labels behind a marker
    (joined by newlines), which the page's panel filters on.
    """
    parts = []
    for side, kind in (("donor", "out"), ("recipient", "in")):
        where = "unit" if rollup == "region" else "country_iso3"
        p = pd.DataFrame(
            {
                "label": flows[f"{side}_label"],
                "country": flows[f"{side}_{where}"],
                "lat": flows[f"{side}_lat"].round(4),
                "lon": flows[f"{side}_lon"].round(4),
                "exact": flows[f"{side}_placement"].astype(str).ne("country_point").to_numpy(),
            }
        )
        # One row per distinct place of this side, with its count: the grouping below then sums counts, not
        # a million ones (the same sums).
        rows = np.flatnonzero(p["lat"].notna().to_numpy())
        code, uniq = pd.factorize(combo_codes(p, list(p.columns))[rows])
        first = rows[_first_rows(code, len(uniq))]
        count = np.bincount(code, minlength=len(uniq))
        parts.append(
            pd.DataFrame(
                {
                    "label": p["label"].iloc[first].astype(str).to_numpy(),
                    "country": p["country"].iloc[first].astype(str).to_numpy(),
                    "lat": p["lat"].to_numpy()[first],
                    "lon": p["lon"].to_numpy()[first],
                    "exact": p["exact"].to_numpy()[first],
                    "out": count if kind == "out" else 0,
                    "in": count if kind == "in" else 0,
                }
            )
        )
    cols = ["label", "name", "country", "lat", "lon", "exact", "out", "in", "total", "members"]
    pts = pd.concat(parts)
    if not len(pts):
        return pd.DataFrame(columns=cols)
    # Actors drawn at one point (a city and its province placed at its capital, placement variants) share one
    # marker: stacked markers split the counts and hid each other. The busiest label names it, the others follow.
    per_label = (
        pts[pts["exact"]].groupby(["label", "country", "lat", "lon"], as_index=False)[["out", "in"]].sum()
    )
    per_label["n"] = per_label["out"] + per_label["in"]
    per_label = per_label.sort_values(["n", "label"], ascending=[False, True], kind="stable")
    by_point = per_label.groupby(["country", "lat", "lon"], as_index=False, sort=False)
    exact = by_point.agg(label=("label", "first"), out=("out", "sum"), **{"in": ("in", "sum")})
    exact["members"] = _joined(by_point.ngroup().to_numpy(), per_label["label"].to_numpy(object), len(exact))
    exact["name"] = exact["members"].str.replace("\n", " / ", regex=False)
    exact["exact"] = True
    cp = pts[~pts["exact"]]
    g = cp.groupby(["country", "lat", "lon"], as_index=False).agg(
        out=("out", "sum"), **{"in": ("in", "sum")}, members=("label", lambda s: "\n".join(sorted(set(s))))
    )
    n_members = g["members"].str.count("\n") + 1
    g["label"] = [m if k == 1 else m.split("\n")[0] for m, k in zip(g["members"], n_members)]
    cnames = country_names(flows)
    g["name"] = [
        m
        if k == 1
        else t(
            "map.country_point_many", lang, country=country_name(c, lang, cnames.get(c, c)), n=number(k, lang)
        )
        for m, k, c in zip(g["members"], n_members, g["country"])
    ]
    g["exact"] = False
    out = pd.concat([exact, g], ignore_index=True)
    out["out"], out["in"] = out["out"].astype(int), out["in"].astype(int)
    out["total"] = out["out"] + out["in"]
    return out[cols].sort_values(["total", "label"], ascending=[False, True]).reset_index(drop=True)


def _choropleth(flows, measure, side_name, unit, lang) -> go.Choropleth | None:
    side = "donor" if side_name == "given" else "recipient"
    g = (
        flows.assign(v=aggregate.measure_values(flows, measure))
        .groupby(f"{side}_country_iso3")
        .agg(v=("v", "sum"), name=(f"{side}_country", "first"))
    )
    g = g[(g.index != "") & (g["v"] > 0)]
    if not len(g):
        return None
    idx, labels = classes(g["v"].to_numpy(), lang)
    k = len(labels)
    colors = sample_colorscale("Blues", list(np.linspace(0.15, 0.85, k)) if k > 1 else [0.5])
    scale = [x for i, c in enumerate(colors) for x in ((i / k, c), ((i + 1) / k, c))]
    names = [escape_text(country_name(iso, lang, str(name))) for iso, name in zip(g.index, g["name"])]
    return go.Choropleth(
        locations=g.index,
        z=idx,
        zmin=-0.5,
        zmax=k - 0.5,
        locationmode="ISO-3",
        colorscale=scale,
        marker_line_color="#999",
        marker_line_width=0.4,
        colorbar=dict(
            title=dict(text=f"{unit}<br>{t('map.' + side_name, lang)}"),
            tickvals=list(range(k)),
            ticktext=labels,
            len=0.38,
            x=1.0,
            xanchor="left",
            y=0,
            yanchor="bottom",
        ),
        name=t("map.countries_by", lang, unit=unit, side=t("map." + side_name, lang)),
        text=[f"{n}: {number(v, lang)} {unit_word(unit, v, lang)}" for n, v in zip(names, g["v"])],
        hovertemplate="%{text}<extra></extra>",
        showlegend=False,
        customdata=g.index,
    )


def _hover_points(lat, lon, screen, mx, my, mr, clear: float = 3.0) -> np.ndarray:
    """Per arc, the index of the first inner lane point (middle first) clear of every marker by `clear` px, else the
    middle: over a marker the place answers (geo_chart.js), so such an arc answers once zoomed in."""
    order = [4, 3, 5, 2, 6, 1, 7] if lat.shape[1] == LANE_POINTS else [lat.shape[1] // 2]
    px, py = screen(lon[:, order], lat[:, order])
    out = np.full(len(lat), order[0])
    pending = np.arange(len(lat))
    for j, pos in enumerate(order):  # the next point only for arcs whose earlier points were all covered
        if not len(pending):
            break
        ok = clear_of_markers(px[pending, j], py[pending, j], mx, my, mr, clear)
        out[pending[ok]] = pos
        pending = pending[~ok]
    return out


def clear_of_markers(px, py, mx, my, mr, clear: float, cell_pairs: int = 2_000_000) -> np.ndarray:
    """Per point, whether every marker's edge is more than `clear` px away: hypot(point - centre) - radius > clear.

    Only markers in the point's and the 8 neighbouring grid cells (cells as wide as the largest radius plus
    `clear`) can be that close, so each point is compared with those only: comparing every point with every marker
    took 3 s and 2.5 GB at 10,000 arcs and 1,500 places. The same test on the same numbers: the same answer."""
    ok = np.ones(len(px), bool)
    if not len(mx) or not len(px):
        return ok
    if not (np.isfinite(mx).all() and np.isfinite(my).all() and np.isfinite(mr).all()):
        return ~ok  # a marker without a position: no point is known to be clear of it
    finite = np.isfinite(px) & np.isfinite(py)
    ok &= finite
    size = float(mr.max()) + clear + 1.0  # any closer marker lies in a neighbouring cell
    gx, gy = np.floor(mx / size).astype(np.int64), np.floor(my / size).astype(np.int64)
    x0, y0, ny = gx.min() - 1, gy.min() - 1, int(gy.max() - gy.min()) + 3
    key = (gx - x0) * ny + (gy - y0)
    by_key = np.argsort(key, kind="stable")
    keys = key[by_key]
    idx = np.flatnonzero(finite)
    cx = np.floor(px[idx] / size).astype(np.int64) - x0
    cy = np.floor(py[idx] / size).astype(np.int64) - y0
    nx = int(gx.max() - x0) + 2
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            x, y = cx + dx, cy + dy
            inside = (x >= 0) & (x < nx) & (y >= 0) & (y < ny)
            pts, k = idx[inside], x[inside] * ny + y[inside]
            lo, hi = np.searchsorted(keys, k, "left"), np.searchsorted(keys, k, "right")
            has = hi > lo
            pts, lo, cnt = pts[has], lo[has], (hi - lo)[has]
            # in chunks of points, so a dense cluster of markers cannot build one huge array of pairs
            ends = np.cumsum(cnt)
            start = 0
            while start < len(pts):
                stop = int(np.searchsorted(ends, (ends[start - 1] if start else 0) + cell_pairs, "right"))
                stop = max(stop, start + 1)
                c = cnt[start:stop]
                first = np.repeat(lo[start:stop] - np.r_[0, np.cumsum(c)[:-1]], c)
                m = by_key[first + np.arange(int(c.sum()))]
                p = np.repeat(pts[start:stop], c)
                d = np.hypot(px[p] - mx[m], py[p] - my[m]) - mr[m]
                ok[p[~(d > clear)]] = False
                start = stop
    return ok


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
    countries: pd.DataFrame | None = None,
    rollup: str = "place",
    n_labels: int = DEFAULT_LABELS,
    view: tuple[tuple[float, float], tuple[float, float]] | None = None,
    view_key: str = "",
) -> tuple[go.Figure, dict]:
    """Build the map. Returns the figure and a note dict {drawn, arcs, not_drawn_unplaced, not_drawn_cap,
    not_drawn_cap_records, places_not_drawn, not_drawn_same, not_drawn_no_value, extent, labels}: records drawn,
    flows with an end not placed or both at one point, arcs (and their records) beyond the cap, and the other records
    (programme totals, rows without this measure); together every record.

    `view` (lon range, lat range), the extent a reader zoomed or panned to (parse_view), replaces the fitted one:
    the screen, an export and a permalink then show the same part of the world, its places named for that zoom.
    With `view_key`, the browser writes a reader's zoom or pan into that URL parameter (static/js/geo_chart.js)."""
    if rollup not in ROLLUPS:
        raise ValueError(f"rollup must be one of {ROLLUPS}, not {rollup!r}")
    if rollup != "place" and countries is None:
        raise ValueError("a roll-up to countries or regions needs the countries table")
    unit = t(f"unit.{vocab.MEASURES[measure]}", lang)
    dir_name = {d: t(f"dir.{d}", lang) for d in vocab.DIRECTIONS}
    f = rollup_flows(flows, countries, rollup, lang) if rollup != "place" else flows
    arcs, n_arcs = ranked_arcs(f, measure, top=max_arcs)
    capped = max(0, n_arcs - max_arcs)
    ext = view or extent(np.r_[f["donor_lat"], f["recipient_lat"]], np.r_[f["donor_lon"], f["recipient_lon"]])
    screen = Screen(ext)
    fig = go.Figure()
    if choropleth:
        tr = _choropleth(flows, measure, choropleth, unit, lang)
        if tr is not None:
            fig.add_trace(tr)
    pts = place_markers(f, lang, rollup) if show_markers else place_markers(f.iloc[:0], lang, rollup)
    places_capped = max(0, len(pts) - max_places)
    pts = pts.head(max_places)
    mx, my = screen(pts["lon"].to_numpy(float), pts["lat"].to_numpy(float))
    mr = marker_size(pts["total"]) / 2 if len(pts) else np.zeros(0)
    if len(arcs):
        vmax = arcs["value"].max()
        cls = np.digitize(arcs["value"] / vmax, [0.1, 0.4]) if vmax > 0 else np.zeros(len(arcs), int)
        lat, lon = lanes(arcs["donor_lat"], arcs["donor_lon"], arcs["recipient_lat"], arcs["recipient_lon"])
        dirs = arcs["direction"].astype(str).to_numpy()
        for direction in vocab.DIRECTIONS:
            for k, width in enumerate(WIDTHS):
                sel = np.where((dirs == direction) & (cls == k))[0]
                if not len(sel):
                    continue
                first = not any(tr.legendgroup == direction for tr in fig.data)
                fig.add_trace(
                    dict(
                        type="scattergeo",
                        lat=with_gaps(lat[sel]),
                        lon=with_gaps(lon[sel]),
                        mode="lines",
                        line=dict(width=width, color=vocab.DIRECTIONS[direction]),
                        opacity=0.75,
                        name=dir_name[direction],
                        legendgroup=direction,
                        showlegend=first,
                        hoverinfo="skip",
                    )
                )
        # Arrowheads near the recipient end, turned along the arc; they never take the hover from a place.
        n = lat.shape[1]
        heads = heading(screen, lat[:, n - 2], lon[:, n - 2], lat[:, n - 1], lon[:, n - 1])
        at = _hover_points(lat, lon, screen, mx, my, mr)
        rec = t("map.records", lang)
        amounts: dict[float, str] = {}
        counts: dict[int, str] = {}
        lists = behind(f, measure, lang) if rollup != "place" else None
        for direction in vocab.DIRECTIONS:
            sel = np.where(dirs == direction)[0]
            if not len(sel):
                continue
            color = vocab.DIRECTIONS[direction]
            fig.add_trace(
                dict(
                    type="scattergeo",
                    lat=lat[sel, n - 2].astype(np.float32),
                    lon=lon[sel, n - 2].astype(np.float32),
                    mode="markers",
                    marker=dict(
                        symbol="triangle-up",
                        angleref="up",
                        angle=heads[sel],
                        size=9,
                        color=color,
                        line=dict(width=0),
                    ),
                    legendgroup=direction,
                    showlegend=False,
                    hoverinfo="skip",
                    name=dir_name[direction] + " ▲",
                )
            )
            hs = sel[at[sel] >= 0]
            if not len(hs):
                continue
            sub = arcs.iloc[hs]
            tips = []
            for a, b, v, cnt, ids in zip(
                sub["donor_label"], sub["recipient_label"], sub["value"], sub["n"], sub["ids"]
            ):
                if v not in amounts:  # most arcs share a few values: each formatted once (10,000 arcs)
                    amounts[v] = f"{number(v, lang)} {unit_word(unit, v, lang)}"
                if cnt not in counts:
                    counts[cnt] = f"{number(cnt, lang)} {unit_word(rec, cnt, lang)}"
                head = f"{escape_text(a)} → {escape_text(b)}: {amounts[v]}"
                recs = counts[cnt]
                if lists is None:
                    tips.append(f"{head} ({recs}: {ids})")
                else:
                    tips.append(f"{head} ({recs})<br>{lists.get((a, b, direction), '')}")
            fig.add_trace(
                dict(
                    type="scattergeo",
                    lat=lat[hs, at[hs]].astype(np.float32),
                    lon=lon[hs, at[hs]].astype(np.float32),
                    mode="markers",
                    marker=dict(size=12, color="rgba(0,0,0,0)"),
                    legendgroup=direction,
                    showlegend=False,
                    hovertext=np.array(tips),  # plotly checks a list's texts one by one, an array's at once
                    hoverinfo="text",
                    hoverlabel=dict(bgcolor=color),
                    name=dir_name[direction],
                )
            )
    labelled = []
    (lon0, lon1), (lat0, lat1) = ext  # named and ranked: places inside the drawn extent (a zoom shows fewer)
    east = (pts["lon"].to_numpy(float) - lon0) % 360
    inside = (east <= lon1 - lon0) & pts["lat"].between(lat0, lat1).to_numpy()
    if len(pts):
        _add_markers(fig, pts, mr, rollup, lang)
        cand = np.where(pts["exact"].to_numpy() & inside)[0]
        # a shared marker is named on the map by its busiest place ("Wuhan"); its hover lists all ("Wuhan / Hubei …")
        names = [_short(s.split(" / ")[0]) for s in pts["name"].iloc[cand]]
        chosen, where = pick_labels(mx[cand], my[cand], names, mr[cand], n_labels)
        if chosen:
            rows = cand[chosen]
            labelled = [names[i] for i in chosen]
            fig.add_trace(
                dict(
                    type="scattergeo",
                    lat=pts["lat"].iloc[rows].to_numpy(np.float32),
                    lon=pts["lon"].iloc[rows].to_numpy(np.float32),
                    mode="text",
                    text=[escape_text(s) for s in labelled],
                    textposition=where,
                    textfont=dict(size=12, color="#111", shadow=HALO),
                    hoverinfo="skip",
                    showlegend=False,
                    name=t("map.labels", lang),
                )
            )
    base_layout(fig, title, subtitle, source, height=height)
    fig.update_geos(
        **GEO_STYLE,
        projection_rotation_lon=(ext[0][0] + ext[0][1]) / 2,
        lonaxis_range=list(ext[0]),
        lataxis_range=list(ext[1]),
    )
    # Legend below the map, inside the plot area (clear of the source line in the bottom margin), the colour bar
    # right of it: the map gets the width (a legend on the right took a third of it on a laptop).
    m = fig.layout.margin
    plot_h = max(200, height - (m.t or 0) - (m.b or 0))
    split = min(0.35, LEGEND_PX / plot_h)
    fig.update_geos(domain=dict(x=[0, 1], y=[split, 0.98]))
    # The colour bar beside the map, above the legend's band: at y=0 it sat over the legend's last entries.
    fig.update_traces(colorbar=dict(y=split + 0.02, yanchor="bottom"), selector=dict(type="choropleth"))
    # The largest places as a short table: an export with room under the map prints it there (figures.render).
    # Ranked among the places in view: a zoom on Europe listed Manaus and Guangzhou.
    top = pts[pts["exact"].to_numpy(bool) & inside].head(30)
    cnames = country_names(f)
    fig.layout.meta = {
        **fig.layout.meta,
        "export_table": [t("map.top_places", lang)]
        + [
            place_hover(n, country_name(c, lang, cnames.get(c, c)), o, i, lang)
            for n, c, o, i in zip(top["name"].map(_short), top["country"], top["out"], top["in"])
        ],
    }
    if view_key:  # geo_chart.js: a zoom or pan goes into the URL, and the next run draws that extent
        fig.layout.meta = {**fig.layout.meta, "url_view": view_key}
    fig.update_layout(
        legend=map_legend(t("sb.direction", lang))
        | dict(orientation="h", x=0, xanchor="left", y=split - 0.01),
        dragmode="pan",
    )
    no_end = f["donor_lat"].isna() | f["recipient_lat"].isna()
    one_point = ~no_end & (f["donor_lat"] == f["recipient_lat"]) & (f["donor_lon"] == f["recipient_lon"])
    # flows, as the page says: a programme total whose details are listed is a record, not a flow
    flow = ~f["overlaps_details"].to_numpy(bool)
    unplaced, same = int((no_end & flow).sum()), int((one_point & flow).sum())
    # rows with nothing of this measure (a gift in another unit) and programme totals, wherever they are
    in_arcs = ~no_end & ~one_point & (aggregate.measure_values(f, measure) > 0)
    no_value = len(f) - int(in_arcs.sum()) - unplaced - same
    drawn = int(arcs["n"].sum()) if len(arcs) else 0
    return fig, {
        "drawn": drawn,
        "arcs": len(arcs),
        "not_drawn_unplaced": unplaced,
        "not_drawn_cap": capped,
        "not_drawn_cap_records": int(in_arcs.sum()) - drawn,
        "not_drawn_same": same,
        "not_drawn_no_value": no_value,
        "places_not_drawn": places_capped,
        "extent": ext,
        "labels": labelled,
    }


def place_hover(place: str, country: str, out: int, into: int, lang: str) -> str:
    """ "Wuhan (CHN): 1 flow out, 3 flows in": the counts with their unit, each in its number."""
    o = t("map.flows_out", lang, n=number(out, lang))
    i = t("map.flows_in", lang, n=number(into, lang))
    return t("map.place_hover", lang, place=place, country=country, out=o, into=i)


def _short(s: str, k: int = 28) -> str:
    s = str(s)
    return s if len(s) <= k else s[: k - 1].rstrip() + "…"


def _add_markers(fig: go.Figure, pts: pd.DataFrame, radius: np.ndarray, rollup: str, lang: str) -> None:
    """All places in one trace, smallest first: the largest places (the named ones) are drawn on top and answer
    hover and click on the whole map (geo_chart.js: the marker on top under the pointer wins); a small place
    hidden under a large one appears when zoomed in. A legend-only entry explains the open circles of country points.
    """
    pts, radius = pts.iloc[::-1], radius[::-1]
    exact = pts["exact"].to_numpy()
    kind = np.where(exact, "place" if rollup == "place" else rollup, "country_point")
    hover = []
    for name, c, o, i, ex, members in zip(
        pts["name"], pts["country"], pts["out"], pts["in"], exact, pts["members"]
    ):
        text = place_hover(escape_text(name), c, o, i, lang)
        if not ex:
            text += t("map.approx_note", lang)
            many = members.split("\n")
            if len(many) > 1:
                text += "<br>" + "<br>".join("• " + escape_text(_short(m, 60)) for m in many[:8])
                if len(many) > 8:
                    text += "<br>" + t("map.and_more", lang, n=number(len(many) - 8, lang))
        hover.append(text)
    fig.add_trace(
        dict(
            type="scattergeo",
            lat=pts["lat"].to_numpy(np.float32),
            lon=pts["lon"].to_numpy(np.float32),
            mode="markers",
            name=t("map.places", lang),
            meta=PHONE_NO_LEGEND,
            marker=dict(
                size=radius * 2,
                color=np.where(exact, "white", "#999"),
                line=dict(width=np.where(exact, 1.6, 1.0), color=np.where(exact, "#333", "#999")),
                symbol=np.where(exact, "circle", "circle-open"),
            ),
            customdata=np.c_[pts["label"], pts["country"], kind, pts["members"]].astype(object),
            hovertext=np.array(hover),
            hoverinfo="text",
        )
    )
    if (~exact).any():
        fig.add_trace(
            dict(
                type="scattergeo",
                lat=[None],
                lon=[None],
                mode="markers",
                name=t("map.country_points", lang),
                meta=PHONE_NO_LEGEND,
                marker=dict(size=8, color="#999", line=dict(width=1.0, color="#999"), symbol="circle-open"),
                hoverinfo="skip",
            )
        )
