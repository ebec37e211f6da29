"""Where each actor goes on the map, and how honestly.

One rule for the bundled data and for imported files, so a user's "Valencia"
is placed exactly as the dossier's would be:
- a city named and found in the stated country: `city` (city actors) or
  `at_named_city` (a hospital, province, company … at the city its source names);
  with several candidates the most populous is taken unless the user chose another;
- no city named but a known country: `country_point`, a point inside the country;
- otherwise `unplaced`, kept as spelled and listed.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from . import places

SIDE_COLUMNS = ("name", "level", "city", "country_iso3")


def actor_id(name: str, level: str, city: str, country: str) -> str:
    return "A-" + hashlib.sha1("|".join((name, level, city, country)).encode("utf-8")).hexdigest()[:10]


def choice_key(city: str, iso3: str) -> str:
    """Key under which a user's pick among same-named places is saved."""
    return f"{places.norm(city)}|{iso3}"


def actors_of(flows: pd.DataFrame) -> pd.DataFrame:
    """Distinct donor and recipient actors of a flows table, with stable ids."""
    sides = []
    for side in ("donor", "recipient"):
        s = flows[[f"{side}_{c}" for c in SIDE_COLUMNS]]
        s.columns = list(SIDE_COLUMNS)
        sides.append(s)
    actors = pd.concat(sides).astype(str).drop_duplicates().reset_index(drop=True)
    actors.insert(0, "actor_id", [actor_id(*r) for r in actors[list(SIDE_COLUMNS)].itertuples(index=False)])
    return actors


def link_actor_ids(flows: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    out = flows.copy()
    key = actors.set_index(list(SIDE_COLUMNS))["actor_id"]
    for side in ("donor", "recipient"):
        idx = pd.MultiIndex.from_frame(out[[f"{side}_{c}" for c in SIDE_COLUMNS]].astype(str))
        out[f"{side}_actor_id"] = key.reindex(idx).to_numpy()
    return out


def place_actors(
    actors: pd.DataFrame, countries: pd.DataFrame, choices: dict[str, int] | None = None
) -> pd.DataFrame:
    """Add latitude, longitude, placement, geonameid, gazetteer_name, place_note, n_candidates."""
    a = actors.copy()
    city, iso = a["city"].fillna("").astype(str), a["country_iso3"].fillna("").astype(str)
    res = places.resolve(city, iso.where(iso != ""))
    # GeoNames files Réunion towns under RE; sources (and the dossier) often code them FRA.
    miss = res["n_candidates"].eq(0) & iso.eq("FRA") & city.ne("")
    if miss.any():
        res.loc[miss] = places.resolve(city[miss], pd.Series("REU", index=a.index[miss])).values
    res = res.astype({"latitude": "float64", "longitude": "float64"})
    chosen = pd.Series(False, index=a.index)
    res["n_candidates"] = res["n_candidates"].astype(int)
    if choices:
        g = places.gazetteer()
        keys = pd.Series([choice_key(c, i) for c, i in zip(city, iso)], index=a.index)
        picked = keys.map(choices)
        # A choice counts only if it is one of the name's candidates in that country.
        cand = (
            g[g["key"].isin(set(city[picked.notna()].map(places.norm)))]
            .drop_duplicates(["key", "geonameid"])
            .set_index(["key", "geonameid"])
        )
        for i in a.index[picked.notna()]:
            gid = int(picked[i])
            k = places.norm(city[i])
            if (k, gid) not in cand.index or (
                iso[i]
                and places.iso3_to_iso2().get(iso[i], "?") != str(cand.at[(k, gid), "cc"])
                and not (iso[i] == "FRA" and str(cand.at[(k, gid), "cc"]) == "RE")
            ):
                continue
            row = cand.loc[(k, gid)]
            res.loc[i, ["geonameid", "gazetteer_name", "latitude", "longitude"]] = [
                gid,
                row["name"],
                row["lat"],
                row["lon"],
            ]
            res.loc[i, "n_candidates"] = max(int(res.at[i, "n_candidates"]), 1)
            chosen[i] = True
    found = city.ne("") & res["n_candidates"].gt(0)
    cpt = countries.set_index("iso3")[["lat", "lon"]]
    cpoint = city.eq("") & iso.isin(cpt.index)
    a["latitude"] = np.where(found, res["latitude"], np.where(cpoint, iso.map(cpt["lat"]), np.nan))
    a["longitude"] = np.where(found, res["longitude"], np.where(cpoint, iso.map(cpt["lon"]), np.nan))
    a["placement"] = np.select(
        [found & a["level"].eq("city"), found, cpoint], ["city", "at_named_city", "country_point"], "unplaced"
    )
    a["geonameid"] = res["geonameid"].where(found)
    a["gazetteer_name"] = res["gazetteer_name"].where(found)
    a["n_candidates"] = res["n_candidates"]
    gaz = "GeoNames '" + res["gazetteer_name"].astype(str) + "' (id " + res["geonameid"].astype(str) + ")"
    many = np.where(
        chosen,
        "; chosen by the user",
        np.where(
            res["n_candidates"] > 1,
            "; "
            + res["n_candidates"].astype(str)
            + " places of that name in the country, the most populous taken",
            "",
        ),
    )
    note = np.select(
        [found, city.ne("") & iso.eq(""), city.ne(""), cpoint],
        [
            gaz + many,
            "'" + city + "' is given without a country, so it is not placed",
            "'"
            + city
            + "' not found in the offline gazetteer for "
            + iso.replace("", "an unknown country")
            + "; kept as the source spells it",
            "no city named by the source: drawn at a point inside the country (approximate)",
        ],
        "no city and no country stated by the source",
    )
    a["place_note"] = note
    return a
