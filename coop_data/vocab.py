"""Controlled lists declared once, with their order; labels live in the locale files (`locale/*.toml`).

Being filled: the map's lists are here; the schema's enums (levels, aid kinds, statuses …), directions with their
colours, measures and Sankey presets are still declared in `schema`, `classify` and `aggregate`.
"""

from __future__ import annotations

# Units the flow map can roll places up to; labels `map.rollup_<value>`.
ROLLUPS = ("place", "country", "region")
# How many of the largest places the flow map names by default.
MAP_LABELS = 8
# Country shading of the flow map; labels `map.shade_<value>`.
SHADES = ("given", "received", "none")
