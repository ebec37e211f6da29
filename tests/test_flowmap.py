"""The flow map's parts, with numbers from the bundled data: extent, one marker per place, integer classes,
roll-up, label collisions, reciprocity lanes, and what answers hover (the Padua/Wuhan/Cologne failures)."""

import re

import numpy as np
import pytest

from coop_data import aggregate, filters
from coop_data.figures.flowmap import (
    WORLD,
    Screen,
    classes,
    clear_of_markers,
    extent,
    flow_map,
    lanes,
    map_table,
    marker_size,
    pick_labels,
    place_markers,
)

EU = filters.Filter(donor_country=("DEU",), recipient_country=("ITA", "FRA"))


def placed_count(flows, side, label):
    return int(((flows[f"{side}_label"] == label) & flows[f"{side}_lat"].notna()).sum())


def test_extent_fits_the_places_and_is_the_world_only_when_they_span_it(flows):
    assert (
        extent(flows["donor_lat"].tolist() + flows["recipient_lat"].tolist(), [0] * 2 * len(flows)) != WORLD
    )
    everything = np.r_[flows["donor_lon"], flows["recipient_lon"]]
    assert extent(np.r_[flows["donor_lat"], flows["recipient_lat"]], everything) == WORLD  # Americas to Asia
    v = EU.apply(flows)
    (lon0, lon1), (lat0, lat1) = extent(
        np.r_[v["donor_lat"], v["recipient_lat"]], np.r_[v["donor_lon"], v["recipient_lon"]]
    )
    lats, lons = np.r_[v["donor_lat"], v["recipient_lat"]], np.r_[v["donor_lon"], v["recipient_lon"]]
    assert lon0 < lons.min() and lons.max() < lon1 and lat0 < lats.min() and lats.max() < lat1  # padded
    assert -30 < lon0 and lon1 < 45 and 30 < lat0 and lat1 < 72  # Europe
    # one place: a minimum span around it, not a pin-point zoom
    (a, b), (c, d) = extent([45.4], [11.9])
    assert b - a >= 12 and d - c >= 8 and a < 11.9 < b and c < 45.4 < d
    # across the antimeridian: the short way (Fiji to Samoa), not round the world
    (a, b), _ = extent([-17.7, -13.8], [178.4, -171.8])
    assert b - a < 40 and a < 178.4 and b > 188.2
    assert extent([], []) == WORLD


def test_flow_map_figure_carries_its_extent(flows):
    fig, note = flow_map(EU.apply(flows), "flows", "t", "s", "src")
    assert tuple(fig.layout.geo.lonaxis.range) == note["extent"][0]
    assert tuple(fig.layout.geo.lataxis.range) == note["extent"][1]
    fig, note = flow_map(flows, "flows", "t", "s", "src")
    assert note["extent"] == WORLD and tuple(fig.layout.geo.lataxis.range) == WORLD[1]


def test_one_marker_per_place_with_counts_summed(flows):
    pm = place_markers(flows)
    for name in ("Wuhan", "Seoul", "Shanghai", "Cologne", "Padua"):
        row = pm[pm["label"] == name]
        assert len(row) == 1, name  # city and at_named_city variants merged
        members = row["members"].iloc[0].split("\n")  # and whoever else is drawn at that point
        assert row["out"].iloc[0] == sum(placed_count(flows, "donor", m) for m in members)
        assert row["in"].iloc[0] == sum(placed_count(flows, "recipient", m) for m in members)
    wuhan = pm[pm["label"] == "Wuhan"].iloc[0]
    assert "Hubei" in wuhan["name"] and wuhan["in"] >= 7  # the province at its capital shares Wuhan's marker
    # actors placed at the same country point share one marker that lists them
    lux = pm[(pm["country"] == "LUX") & ~pm["exact"]]
    assert len(lux) == 1
    members = lux["members"].iloc[0].split("\n")
    assert len(members) == 2 and any(m.startswith("Luxembourg hospitals") for m in members)
    assert lux["name"].iloc[0] == "Luxembourg: 2 actors placed at country level"
    assert pm.duplicated(["lat", "lon"]).sum() == 0  # no two markers on the same point
    assert pm["total"].sum() == sum(int(flows[f"{s}_lat"].notna().sum()) for s in ("donor", "recipient"))


def test_country_classes_have_integer_labels():
    idx, labels = classes([1, 2, 3, 5, 6, 10, 11, 31])
    assert labels == ["1–2", "3–5", "6–10", "11–20", "21–50"]
    assert idx.tolist() == [0, 0, 1, 1, 2, 2, 3, 4]
    idx, labels = classes([0.5, 1_250_000.0], "fr")  # money: powers of ten, French separators
    assert labels[0] == "1–10" and labels[-1] == "1\u202f000\u202f001–10\u202f000\u202f000"
    assert idx.tolist() == [0, len(labels) - 1]


def test_map_shading_is_discrete_with_integer_labels(flows):
    fig, _ = flow_map(EU.apply(flows), "flows", "t", "s", "src")
    ch = next(t for t in fig.data if t.type == "choropleth")
    eu = EU.apply(flows)
    given = int(aggregate.measure_values(eu, "flows")[eu["donor_country_iso3"] == "DEU"].sum())
    assert (
        list(ch.locations) == ["DEU"] and ch.text[0] == f"Germany: {given} flows"
    )  # was a bar of 30.5 / 31 / 31.5
    assert 21 <= given <= 50  # the class below
    assert list(ch.colorbar.ticktext) == ["1–2", "3–5", "6–10", "11–20", "21–50"]
    assert list(ch.z) == [4] and list(ch.colorbar.tickvals) == [0, 1, 2, 3, 4]
    for measure in ("flows", "eur", "masks"):
        ch = next(t for t in flow_map(flows, measure, "t", "s", "src")[0].data if t.type == "choropleth")
        assert all(re.fullmatch(r"\d[\d,]*–\d[\d,]*", s) for s in ch.colorbar.ticktext), ch.colorbar.ticktext


def test_rollup_aggregates_arcs_between_units(flows, bundle):
    from coop_data import aggregate

    # the measure counts each flow once (programme totals whose detailed rows are listed count 0)
    placed = flows.assign(v=aggregate.measure_values(flows, "flows"))
    placed = placed[placed["donor_lat"].notna() & placed["recipient_lat"].notna()]
    t = map_table(flows, "flows", bundle.countries, "country")
    for a, b, name_a, name_b in (("CHN", "JPN", "China", "Japan"), ("DEU", "ITA", "Germany", "Italy")):
        n = placed[(placed["donor_country_iso3"] == a) & (placed["recipient_country_iso3"] == b)]["v"].sum()
        got = t[(t["donor_label"] == name_a) & (t["recipient_label"] == name_b)]["value"].sum()
        assert got == n and n > 0
    r = map_table(flows, "flows", bundle.countries, "region")
    asia_europe = placed[(placed["donor_region"] == "Asia") & (placed["recipient_region"] == "Europe")][
        "v"
    ].sum()
    assert r.query("donor_label == 'Asia' and recipient_label == 'Europe'")["value"].sum() == asia_europe > 0
    fig, note = flow_map(flows, "flows", "t", "s", "src", countries=bundle.countries, rollup="region")
    accounted = (
        note["drawn"] + note["not_drawn_same"] + note["not_drawn_unplaced"] + note["not_drawn_no_value"]
    )
    assert accounted == len(flows)  # every record, drawn or said why not
    hover = [
        h for tr in fig.data if tr.type == "scattergeo" and tr.hovertext is not None for h in tr.hovertext
    ]
    ae = next(h for h in hover if h.startswith("Asia → Europe: "))  # one arc per direction between the two
    assert "<br>" in ae and " → " in ae.split("<br>")[1]  # the place pairs behind the arc
    marks = next(tr for tr in fig.data if tr.customdata is not None and len(tr.customdata[0]) == 4)
    assert {c[2] for c in marks.customdata} == {"region"} and {c[0] for c in marks.customdata} >= {
        "Asia",
        "Europe",
    }
    with pytest.raises(ValueError, match="countries table"):
        flow_map(flows, "flows", "t", "s", "src", rollup="country")


def test_labels_never_collide():
    x, y = np.array([100.0, 104, 108, 300]), np.array([100.0, 101, 99, 100])
    names = ["Shanghai", "Hangzhou", "Suzhou", "Berlin"]
    chosen, where = pick_labels(x, y, names, np.array([8.0, 7, 4, 5]), n=4)
    assert 0 in chosen and 3 in chosen and len(chosen) < 4  # three names in 8 px cannot all fit
    assert pick_labels(x, y, names, np.array([8.0, 7, 4, 5]), n=1)[0] == [0]
    assert where[0] == "middle right"


def test_labels_on_the_real_maps_do_not_overlap(flows):
    for v in (flows, EU.apply(flows)):
        fig, note = flow_map(v, "flows", "t", "s", "src", n_labels=12)
        tr = next(t for t in fig.data if getattr(t, "mode", None) == "text")
        assert len(tr.text) >= 6 and list(tr.text) == note["labels"]
        screen = Screen(note["extent"])
        pm = place_markers(v).set_index("label")
        x, y = screen(np.array(tr.lon, float), np.array(tr.lat, float))
        r = marker_size(pm.loc[list(tr.text), "total"].to_numpy()) / 2
        boxes = []
        for xi, yi, ri, s, pos in zip(x, y, r, tr.text, tr.textposition):
            w, h = len(s) * 12 * 0.6, 14
            dx = {
                "middle right": ri + 2,
                "middle left": -ri - 2 - w,
                "top center": -w / 2,
                "bottom center": -w / 2,
            }
            dy = {
                "middle right": -h / 2,
                "middle left": -h / 2,
                "top center": -ri - 2 - h,
                "bottom center": ri + 2,
            }
            boxes.append((xi + dx[pos], yi + dy[pos], xi + dx[pos] + w, yi + dy[pos] + h))
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_both_legs_of_a_reciprocity_pair_are_separate_curves(flows):
    beijing, seoul = (39.9075, 116.3972), (37.566, 126.9784)
    lat, lon = lanes(
        np.array([beijing[0], seoul[0]]),
        np.array([beijing[1], seoul[1]]),
        np.array([seoul[0], beijing[0]]),
        np.array([seoul[1], beijing[1]]),
    )
    assert lat[0, 0] == pytest.approx(beijing[0]) and lon[0, -1] == pytest.approx(seoul[1])  # ends exact
    mid = lat.shape[1] // 2
    gap = np.hypot(lat[0, mid] - lat[1, mid], lon[0, mid] - lon[1, mid])
    assert gap > 0.25 * np.hypot(beijing[0] - seoul[0], beijing[1] - seoul[1])  # two lanes, not one line
    # in the map: both legs drawn as their own curves, each with its own hover point
    fig, _ = flow_map(flows, "flows", "t", "s", "src")
    lines = [tr for tr in fig.data if tr.type == "scattergeo" and tr.mode == "lines"]
    pts = {(round(float(a), 3), round(float(o), 3)) for tr in lines for a, o in zip(tr.lat, tr.lon) if a == a}
    for k in (0, 1):
        assert (round(float(np.float32(lat[k, mid])), 3), round(float(np.float32(lon[k, mid])), 3)) in pts
    hover = [
        h for tr in fig.data if tr.type == "scattergeo" and tr.hovertext is not None for h in tr.hovertext
    ]
    assert any(h.startswith("Beijing → Seoul") for h in hover) and any(
        h.startswith("Seoul → Beijing") for h in hover
    )


def test_only_places_and_arcs_answer_hover_and_never_with_empty_text(flows):
    """Padua and Wuhan gave no tooltip: blank arrowhead helper points at their position won the hover."""
    fig, _ = flow_map(flows, "flows", "t", "s", "src")
    for tr in fig.data:
        if tr.type != "scattergeo" or tr.hoverinfo == "skip":
            continue
        assert tr.mode == "markers" and tr.hovertext is not None and all(tr.hovertext), tr.name
    heads = [tr for tr in fig.data if tr.type == "scattergeo" and tr.name.endswith("▲")]
    assert heads and all(tr.marker.symbol == "triangle-up" and tr.hoverinfo == "skip" for tr in heads)
    arcs = sum(len(tr.hovertext) for tr in fig.data if tr.hovertext is not None and tr.customdata is None)
    assert arcs == min(400, len(map_table(flows, "flows")))  # every arc drawn (at most 400) has a hover point
    places = [tr for tr in fig.data if tr.customdata is not None and tr.type == "scattergeo"]
    assert len(places) == 1 and len(places[0].lat) == len(place_markers(flows))
    sizes = np.asarray(places[0].marker.size)
    assert (np.diff(sizes) >= 0).all()  # drawn smallest first: the largest places are on top


def test_a_highlight_outside_the_fitted_extent_widens_it(flows, bundle):
    from coop_data.figures import highlight

    fig, note = flow_map(EU.apply(flows), "flows", "t", "s", "src")
    assert note["extent"][0][1] < 131  # Europe only
    assert highlight.add(fig, bundle, "Oita; Cologne") == []
    lo, la = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    oita = highlight.place_points(bundle, ["Oita"]).iloc[0]
    assert lo[0] < 6.95 and oita["lon"] < lo[1] and la[0] < oita["lat"] < la[1]


def test_pointsclear_of_markers_as_comparing_every_point_with_every_marker():
    """The grid that finds the markers near an arc's hover point answers as the all-pairs check it replaced: on
    points exactly at a marker's edge plus the clearance, in a dense cluster, and in chunks of any size."""

    def every_pair(px, py, mx, my, mr):
        if not len(mx):
            return np.ones(len(px), bool)
        return ((np.hypot(px[:, None] - mx, py[:, None] - my) - mr) > 3.0).all(axis=1)

    rng = np.random.default_rng(7)
    for trial in range(120):
        n, m, spread = int(rng.integers(0, 2000)), int(rng.integers(0, 300)), [5, 60, 800][trial % 3]
        px, py = rng.uniform(-40, spread + 40, n), rng.uniform(-40, spread + 40, n)
        mx, my = rng.uniform(0, spread, m), rng.uniform(0, spread, m)
        mr = marker_size(rng.integers(1, 60, m)) / 2
        k = min(n, m) // 2  # on the edge: clearance exactly 3 px is not clear
        ang = rng.uniform(0, 2 * np.pi, k)
        px[:k], py[:k] = mx[:k] + (mr[:k] + 3) * np.cos(ang), my[:k] + (mr[:k] + 3) * np.sin(ang)
        if n and trial % 7 == 0:
            px[-1] = np.nan
        got = clear_of_markers(px, py, mx, my, mr, 3.0, cell_pairs=[1, 50, 2_000_000][trial % 3])
        assert (got == every_pair(px, py, mx, my, mr)).all(), trial
    assert not clear_of_markers(
        np.array([0.0]), np.array([0.0]), np.array([np.nan]), np.array([0.0]), np.ones(1), 3
    )[0]


def test_a_shared_marker_lists_its_places_busiest_first(flows):
    pm = place_markers(flows)
    shared = pm[pm["exact"] & pm["members"].str.contains("\n")]
    assert len(shared)  # Wuhan and Hubei, at least
    for _, row in shared.iterrows():
        members = row["members"].split("\n")
        assert row["label"] == members[0] and row["name"] == " / ".join(members)
        n = [(-sum(placed_count(flows, s, m) for s in ("donor", "recipient")), m) for m in members]
        assert n == sorted(n), row["label"]  # by flows drawn there, then by name


def test_country_names_are_those_of_the_last_row_recipients_after_donors():
    import pandas as pd

    from coop_data.figures.flowmap import country_names

    f = pd.DataFrame(
        {
            "donor_country_iso3": ["DEU", "ITA", "DEU", "ESP"],
            "donor_country": ["Germany", "Italy", "Deutschland", "?"],
            "recipient_country_iso3": ["ITA", "ITA", "FRA", "FRA"],
            "recipient_country": ["Italia", "Italy", "France", "La France"],
        }
    )
    assert country_names(f) == {"DEU": "Deutschland", "ITA": "Italy", "ESP": "?", "FRA": "La France"}
