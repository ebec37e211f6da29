"""Where each actor goes on the map, and how honestly.

One rule for the bundled data and for imported files, so a user's "Valencia"
is placed exactly as the dossier's would be:
- a city named and found in the stated country: `city` (city actors) or
  `at_named_city` (a hospital, province, company … at the city its source names);
- several places of that name in the country (`choose`): the user's choice; else the
  one in the province/prefecture/state that the actor's own name names (or a curated
  hint); else the one in the province the record's other text or its partnership rows
  name; else the only place whose own name it is, once near-duplicates (same province,
  within 30 km) are merged; else the one that is its province's capital; else the
  largest if at least five times the next; else
  `ambiguous`: no coordinates, the candidates listed in the note, never silently the
  most populous;
- a province named but no place of that name in it, or a province actor without a
  city: `admin1_capital`, drawn at that province's capital (one province, one point);
- no city named but a known country: `country_point`, a point inside the country;
- otherwise `unplaced`, kept as spelled and listed.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from . import places
from .distinct import per_value, row_codes

SIDE_COLUMNS = ("name", "level", "city", "country_iso3")
PROVINCE_LEVELS = ("province", "state", "region")
NEAR_KM = 30  # same-province candidates closer than this are one place (a city and its district)
DOMINANCE = 5  # the largest place is taken without other evidence only if this many times the next
_QUALIFIER = re.compile(r"\s*\(([^()]*)\)\s*$")


@dataclass
class Hint:
    """Curated place evidence for one record side, with its basis (see tools/curate.py)."""

    admin1: str = ""  # text naming the province, read like the actor's own name
    reject: tuple[int, ...] = ()  # GeoNames ids shown not to be the place
    ambiguous: str = ""  # why no candidate can be chosen
    basis: str = ""


@dataclass
class Choice:
    """Outcome of `choose`: a gazetteer place (or a province capital), or ambiguous with the reason."""

    kind: str  # place | admin1_capital | ambiguous | none
    row: dict | pd.Series | None = None  # the gazetteer record chosen (read-only: shared by cached choices)
    how: str = ""
    n: int = 0
    extra: dict = field(default_factory=dict)


def split_qualifier(city: str) -> tuple[str, str]:
    """'Taizhou (Zhejiang)' -> ('Taizhou', 'Zhejiang'): the bracket is evidence, not part of the name.

    A name the gazetteer knows with its bracket ('Halle (Saale)') is kept whole.
    """
    m = _QUALIFIER.search(city or "")
    if not m or not city[: m.start()].strip() or places.is_key(places.norm(city)):
        return (city or "").strip(), ""
    return city[: m.start()].strip(), m.group(1).strip()


def _km(a, b) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(min(1.0, h)))


# Degrees of latitude apart beyond which two places are surely NEAR_KM apart (a great circle is at least as long
# as its north-south part: 6371 km x the latitude difference in radians), with a margin for rounding.
_FAR_LAT = math.degrees(NEAR_KM / 6371) * 1.001


def _near(a, b) -> bool:
    return abs(a["lat"] - b["lat"]) <= _FAR_LAT and _km(a, b) < NEAR_KM


def _merge_near(c: tuple[dict, ...]) -> tuple[dict, ...]:
    """One row per distinct place: a candidate within NEAR_KM of a better one in the same province is dropped."""
    keep = []
    for r in c:
        if not any(r["admin1"] == k["admin1"] and _near(r, k) for k in keep):
            keep.append(r)
    return tuple(keep)


def _where(c: tuple[dict, ...], iso3: str) -> str:
    return "; ".join(
        f"{r['name']} ({places.admin1_name(iso3, str(r['admin1']))}, {r['lat']:.2f}, {r['lon']:.2f})"
        for r in c[:6]
    ) + ("; …" if len(c) > 6 else "")


@functools.lru_cache(maxsize=65536)
def _candidates(base: str, iso3: str, reject: tuple[int, ...]) -> tuple[tuple[dict, ...], str, Choice | None]:
    """The candidates of one (name, country) as plain records, the country they were found in (Réunion for a
    French name only found there), and the choice when nothing in the record decides (None below two candidates).

    Cached: a large import asks for the same names again and again (the report's questions, then placing)."""
    c = places.candidate_rows(base, iso3) if base and iso3 else ()
    if not c and iso3 == "FRA" and base:
        c, iso3 = places.candidate_rows(base, "REU"), "REU"
    c = tuple(r for r in c if r["geonameid"] not in reject)
    return c, iso3, (_without_evidence(c, iso3) if len(c) > 1 else None)


def _without_evidence(c: tuple[dict, ...], iso3: str) -> Choice:
    """Among several candidates with no province named: the only distinct place, the one provincial capital,
    the largest by far, or ambiguous."""
    n = len(c)
    pool = tuple(r for r in c if r["primary"]) or c
    distinct = _merge_near(pool)
    if len(distinct) == 1:
        alias = n - len(pool)
        return Choice(
            "place",
            distinct[0],
            "the only place of that name"
            + (f" ({alias} other place(s) carry it only as an alternate name)" if alias else "")
            + (f" ({len(pool) - 1} near-duplicate entries merged)" if len(pool) > 1 else ""),
            n,
        )
    caps = [r for r in distinct if r["geonameid"] in places.capital_ids()]
    if len(caps) == 1:
        prov = places.admin1_name(iso3, str(caps[0]["admin1"]))
        return Choice("place", caps[0], f"the capital of {prov}; the others are not provincial capitals", n)
    pops = sorted((r["population"] for r in distinct), reverse=True)
    if pops[0] >= DOMINANCE * max(pops[1], 1):
        top = next(r for r in distinct if r["population"] == pops[0])  # the first of the largest
        return Choice(
            "place",
            top,
            f"the largest of {len(distinct)} places of that name, over {DOMINANCE} times the next",
            n,
        )
    return Choice(
        "ambiguous",
        how=f"no province named by the record or its partnership rows; candidates: {_where(distinct, iso3)}",
        n=n,
    )


def choose(city: str, iso3: str, stated: str = "", context: str = "", hint: Hint | None = None) -> Choice:
    """Pick the place a (city, country) means, or say why it cannot be picked (see `_choose`).

    Without a curated hint the choice depends on the four texts alone and is cached: an import decides each
    ambiguous name once for its report and again when it places the actors."""
    if hint is None:
        return replace(_choose_plain(city, iso3, stated, context))  # a copy: callers may change theirs
    return _choose(city, iso3, stated, context, hint)


@functools.lru_cache(maxsize=1 << 17)
def _choose_plain(city: str, iso3: str, stated: str, context: str) -> Choice:
    return _choose(city, iso3, stated, context, None)


def decided(city: str, iso3: str, stated: str = "", context: str = "", hint: Hint | None = None) -> Choice:
    """`choose` for callers that only read the answer: the cached Choice itself, not a copy (do not change it)."""
    return (
        _choose_plain(city, iso3, stated, context)
        if hint is None
        else _choose(city, iso3, stated, context, hint)
    )


def _choose(city: str, iso3: str, stated: str, context: str, hint: Hint | None) -> Choice:
    """Pick the place a (city, country) means, or say why it cannot be picked.

    `stated` is the actor's own name and city (a province there is the actor's own);
    `context` is the other text of its records and partnership rows, which only chooses
    among the candidates. Coordinates always come from the gazetteer row chosen (`row`: its
    geonameid, name, admin1, population, lat, lon).
    """
    hint = hint or Hint()
    base, qual = split_qualifier(city)
    record_text = " ".join((stated, qual))
    stated = " ".join((record_text, hint.admin1))
    c, iso3, fallback = _candidates(base, iso3, tuple(hint.reject))
    n = len(c)
    if hint.ambiguous:
        return Choice(
            "ambiguous", how=f"{hint.ambiguous} ({hint.basis})" if hint.basis else hint.ambiguous, n=n
        )
    own = places.admin1_named(stated, iso3, base)
    if len(own) == 1:
        code = next(iter(own))
        prov = places.admin1_name(iso3, code)
        inside = [r for r in c if r["admin1"] == code]
        if inside:
            by_hint = hint.admin1 and code not in places.admin1_named(record_text, iso3, base)
            why = (
                f"in {prov}, by a curated hint: {hint.basis}"
                if by_hint
                else f"in {prov}, which the record names" + (f" ({hint.basis})" if hint.basis else "")
            )
            return Choice("place", inside[0], why if n > 1 else "", n)
        cap = places.admin1_capital(iso3, code)
        if cap is not None and base:
            gone = f"; {len(hint.reject)} same-named place(s) set aside: {hint.basis}" if hint.reject else ""
            return Choice(
                "admin1_capital",
                cap,
                f"'{base}' is in {prov}, but the gazetteer has no place of that name there{gone}; "
                f"drawn at the capital of {prov} ({cap['name']}), precision: province",
                n,
            )
    if n == 0:
        return Choice("none", n=0)
    if n == 1:
        return Choice("place", c[0], "", 1)
    hinted = places.admin1_named(context, iso3, base) & {str(r["admin1"]) for r in c}
    if len(hinted) == 1:
        code = next(iter(hinted))
        prov = places.admin1_name(iso3, code)
        row = next(r for r in c if r["admin1"] == code)
        return Choice("place", row, f"in {prov}, named by the record or its partnership", n)
    if len(hinted) > 1:
        names = " and ".join(sorted(places.admin1_name(iso3, h) for h in hinted))
        return Choice("ambiguous", how=f"the records name both {names}; candidates: {_where(c, iso3)}", n=n)
    return replace(fallback)


def actor_id(name: str, level: str, city: str, country: str) -> str:
    return "A-" + hashlib.sha1("|".join((name, level, city, country)).encode("utf-8")).hexdigest()[:10]


def actor_ids(actors: pd.DataFrame) -> list[str]:
    """`actor_id` of each row of `actors` (text columns SIDE_COLUMNS): the texts joined by Arrow, then hashed."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = [pa.array(actors[c].astype(str), type=pa.large_string()) for c in SIDE_COLUMNS]
    sha1 = hashlib.sha1
    joined = pc.binary_join_element_wise(*cols, pa.scalar("|", pa.large_string())).to_pylist()
    return ["A-" + sha1(t.encode("utf-8")).hexdigest()[:10] for t in joined]


def choice_key(city: str, iso3: str) -> str:
    """Key under which a user's pick among same-named places is saved."""
    return f"{places.norm(city)}|{iso3}"


def actors_of(flows: pd.DataFrame) -> pd.DataFrame:
    """Distinct donor and recipient actors of a flows table, with stable ids."""
    return actor_table(flows)[0]


def actor_table(flows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """(distinct actors as `actors_of` gives them, each flow's donor row in it, each flow's recipient row)."""
    sides = []
    for side in ("donor", "recipient"):
        s = flows[[f"{side}_{c}" for c in SIDE_COLUMNS]]
        s.columns = list(SIDE_COLUMNS)
        sides.append(s)
    both = pd.concat(sides).astype(str)
    code, first = row_codes(both)
    actors = both.iloc[first].reset_index(drop=True)
    actors.insert(0, "actor_id", actor_ids(actors))
    return actors, code[: len(flows)], code[len(flows) :]


def link_actor_ids(flows: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    out = flows.copy()
    key = actors.set_index(list(SIDE_COLUMNS))["actor_id"]
    for side in ("donor", "recipient"):
        idx = pd.MultiIndex.from_frame(out[[f"{side}_{c}" for c in SIDE_COLUMNS]].astype(str))
        out[f"{side}_actor_id"] = key.reindex(idx).to_numpy()
    return out


def place_actors(
    actors: pd.DataFrame,
    countries: pd.DataFrame,
    choices: dict[str, int] | None = None,
    context: dict[str, str] | None = None,
    hints: dict[str, Hint] | None = None,
) -> pd.DataFrame:
    """Add latitude, longitude, placement, geonameid, gazetteer_name, place_note, n_candidates.

    `context` (actor_id -> text of its records and partnership rows) and `hints`
    (actor_id -> curated Hint) decide among same-named places; see `choose`.
    """
    context, hints = context or {}, hints or {}
    a = actors.copy()
    city, iso = a["city"].fillna("").astype(str), a["country_iso3"].fillna("").astype(str)
    # A name that starts and ends with a printable ASCII character other than ")" has no qualifier and nothing
    # to trim: it is its own base. Only the others go through `split_qualifier`, one call per distinct name.
    plain = city.str.fullmatch(r"(?s)[!-~](.*[!-(*-~])?").fillna(False).to_numpy(dtype=bool)
    base = city.copy()
    if not plain.all():
        base[~plain] = per_value(city[~plain], lambda c: split_qualifier(c)[0], city.dtype)
    res = places.resolve(base, iso.where(iso != ""))
    # GeoNames files Réunion towns under RE; sources (and the dossier) often code them FRA.
    miss = res["n_candidates"].eq(0) & iso.eq("FRA") & base.ne("")
    if miss.any():
        res.loc[miss] = places.resolve(base[miss], pd.Series("REU", index=a.index[miss])).values
    res = res.astype({"latitude": "float64", "longitude": "float64"})
    res["n_candidates"] = res["n_candidates"].astype(int)
    how = pd.Series("", index=a.index, dtype=object)
    kind = pd.Series("", index=a.index, dtype=object)  # '' = as resolved; else ambiguous / admin1_capital
    chosen = pd.Series(False, index=a.index)
    if choices:
        chosen = _apply_choices(a, city, iso, res, choices)
    ids = a["actor_id"].astype(str) if "actor_id" in a else pd.Series("", index=a.index)
    todo = ~chosen & (
        res["n_candidates"].gt(1)
        | ids.isin(hints)
        | (base.eq("") & a["level"].isin(PROVINCE_LEVELS) & iso.ne(""))
        | (base.ne("") & res["n_candidates"].eq(0) & iso.ne(""))
    )
    # Decided one actor at a time (`choose` is cached per name), written back in one go: setting cells one by one
    # costs milliseconds each on a large table.
    placed, unplaced, said = {}, {}, {}  # label -> (row, n) / n / (kind, how)
    # Plain lists: reading a pandas cell costs microseconds, a list item nanoseconds (tens of thousands of actors).
    at = np.flatnonzero(todo.to_numpy())
    labels = a.index[at].tolist()
    cols = [s.iloc[at].tolist() for s in (ids, a["name"].astype(str), city, iso, base, res["n_candidates"])]
    places.prefetch_candidates(cols[4], cols[3])
    for i, aid, name_i, city_i, iso_i, base_i, n_now in zip(labels, *cols):
        if base_i == "":
            own = places.admin1_named(name_i, iso_i)
            cap = places.admin1_capital(iso_i, next(iter(own))) if len(own) == 1 else None
            if cap is not None:
                prov = places.admin1_name(iso_i, next(iter(own)))
                placed[i] = (cap, 1)
                how_i = f"no city named: drawn at the capital of {prov} ({cap['name']}), precision: province"
                said[i] = ("admin1_capital", how_i)
            continue
        ch = decided(city_i, iso_i, f"{name_i} {city_i}", context.get(aid, ""), hints.get(aid))
        if ch.kind == "none":
            continue
        n_i = max(ch.n, int(n_now))
        if ch.kind == "ambiguous":
            unplaced[i] = n_i
            said[i] = ("ambiguous", ch.how)
        else:
            placed[i] = (ch.row, n_i)
            said[i] = ("admin1_capital" if ch.kind == "admin1_capital" else "", ch.how)
    _set_many(res, placed)
    if unplaced:
        at = res.index.get_indexer(list(unplaced))
        res.iloc[at, [res.columns.get_loc(c) for c in ("latitude", "longitude")]] = np.nan
        res.iloc[at, res.columns.get_loc("geonameid")] = pd.NA
        res.iloc[at, res.columns.get_loc("n_candidates")] = list(unplaced.values())
    if said:
        at = a.index.get_indexer(list(said))
        kind.iloc[at] = [k for k, _ in said.values()]
        how.iloc[at] = [h for _, h in said.values()]
    found = base.ne("") & res["n_candidates"].gt(0) & kind.ne("ambiguous")
    capital = kind.eq("admin1_capital")
    cpt = countries.set_index("iso3")[["lat", "lon"]]
    cpoint = base.eq("") & iso.isin(cpt.index) & ~capital
    drawn = found | capital
    a["latitude"] = np.where(drawn, res["latitude"], np.where(cpoint, iso.map(cpt["lat"]), np.nan))
    a["longitude"] = np.where(drawn, res["longitude"], np.where(cpoint, iso.map(cpt["lon"]), np.nan))
    a["placement"] = np.select(
        [kind.eq("ambiguous"), capital, found & a["level"].eq("city"), found, cpoint],
        ["ambiguous", "admin1_capital", "city", "at_named_city", "country_point"],
        "unplaced",
    )
    a["geonameid"] = res["geonameid"].where(drawn)
    a["gazetteer_name"] = res["gazetteer_name"].where(drawn)
    a["n_candidates"] = res["n_candidates"]
    gaz = "GeoNames '" + res["gazetteer_name"].astype(str) + "' (id " + res["geonameid"].astype(str) + ")"
    many = np.where(
        chosen,
        "; chosen by the user",
        np.where(
            how.ne(""),
            "; " + res["n_candidates"].astype(str) + " places of that name in the country: " + how,
            "",
        ),
    )
    note = np.select(
        [
            kind.eq("ambiguous"),
            capital,
            found,
            base.ne("") & iso.eq(""),
            base.ne(""),
            cpoint,
        ],
        [
            "ambiguous, not drawn: '"
            + base
            + "' ("
            + res["n_candidates"].astype(str)
            + " gazetteer place(s) of that name in the country): "
            + how,
            gaz + "; " + how,
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


def _set(res: pd.DataFrame, i, row: pd.Series, n) -> None:
    res.loc[i, ["geonameid", "gazetteer_name", "latitude", "longitude"]] = [
        int(row["geonameid"]),
        str(row["name"]),
        float(row["lat"]),
        float(row["lon"]),
    ]
    res.at[i, "n_candidates"] = max(int(n), 1)


def _set_many(res: pd.DataFrame, placed: dict) -> None:
    """`_set` for many rows at once (label -> (gazetteer row, number of candidates))."""
    if not placed:
        return
    at, rows = (
        res.index.get_indexer(list(placed)),
        [r for r, _ in placed.values()],
    )  # by position: no label lookups
    col = res.columns.get_loc
    res.iloc[at, col("geonameid")] = pd.array([int(r["geonameid"]) for r in rows], dtype="Int64")
    res.iloc[at, col("gazetteer_name")] = [str(r["name"]) for r in rows]
    res.iloc[at, col("latitude")] = [float(r["lat"]) for r in rows]
    res.iloc[at, col("longitude")] = [float(r["lon"]) for r in rows]
    res.iloc[at, col("n_candidates")] = [max(int(n), 1) for _, n in placed.values()]


def _apply_choices(a, city, iso, res, choices) -> pd.Series:
    """The user's pick among same-named places, where it is one of the name's candidates in that country."""
    chosen = pd.Series(False, index=a.index)
    g = places.gazetteer()
    keys = pd.Series([choice_key(c, i) for c, i in zip(city, iso)], index=a.index)
    picked = keys.map(choices)
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
        _set(
            res,
            i,
            pd.Series({"geonameid": gid, "name": row["name"], "lat": row["lat"], "lon": row["lon"]}),
            res.at[i, "n_candidates"],
        )
        chosen[i] = True
    return chosen
