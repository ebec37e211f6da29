"""Issue 18: each shortcut of the import gives exactly what the plain computation gives.

The import reads the gazetteer through a hashed key index, works once per distinct value or row, parses numbers
with Arrow and writes Parquet its own way; these tests hold each against the slow, obvious version on the real
gazetteer and bundled data, and on bad inputs.
"""

import numpy as np
import pandas as pd
import pytest

from coop_data import classify, load, parquet, places
from coop_data.distinct import per_value, row_codes


@pytest.fixture(scope="module")
def gaz():
    return places.gazetteer()


def test_every_gazetteer_key_is_found_at_its_own_rows(gaz):
    """The hashed index finds each of the million name keys, and the rows it gives are exactly that key's rows."""
    ix = places._key_index()
    keys = gaz["key"].astype(str).to_numpy(dtype=object)
    codes = ix.codes(keys)
    assert (codes >= 0).all()
    sample = np.random.default_rng(18).choice(len(gaz), 2000, replace=False)
    asked = set(keys[sample])
    where = pd.Series(np.arange(len(gaz)))[gaz["key"].isin(asked).to_numpy()]
    expected = where.groupby(keys[where.to_numpy()]).agg(sorted)
    for i in sample:
        rows = ix.order[ix.starts[codes[i]] : ix.starts[codes[i] + 1]]
        assert sorted(rows.tolist()) == expected[keys[i]]


def test_names_not_in_the_gazetteer_are_not_found():
    ix = places._key_index()
    asked = ["nowhere on earth", "", "zzqx", "paris x", "valencia"]
    assert (ix.codes(asked) >= 0).tolist() == [False, False, False, False, True]
    assert not places.is_key("nowhere on earth") and places.is_key("valencia")


def test_ascii_names_normalise_as_through_unicode(gaz):
    """ASCII names skip Unicode decomposition: the same keys for every ASCII name of the gazetteer."""
    import unicodedata

    def slow(name):
        s = unicodedata.normalize("NFKD", name)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
        return places._PUNCT.sub(" ", s.casefold()).strip()

    names = [n for n in gaz["name"].astype(str).unique() if n.isascii()]
    assert len(names) > 50_000
    assert [places.norm(n) for n in names] == [slow(n) for n in names]
    assert (
        places.norm("Saint-Étienne") == "saint etienne" and places.norm("  Halle (Saale) ") == "halle saale"
    )


def test_a_column_of_names_normalises_as_each_name_does(gaz):
    """`norm_series` (Arrow for printable ASCII) gives `norm`'s key for every gazetteer name and for the
    whitespace, control characters and punctuation an imported file brings."""
    odd = [
        "  Halle (Saale) ",
        "Saint-Étienne",
        "a\tb",
        "x\x0by",
        "A\x1fB ",
        " -- ",
        "",
        None,
        "O'Higgins",
        "`x`",
    ]
    names = pd.Series([*gaz["name"].astype(str).unique(), *odd], dtype="str")
    got = places.norm_series(names)
    assert got.tolist() == [places.norm(v) for v in names]
    assert got.iloc[-len(odd) :].tolist()[:3] == ["halle saale", "saint etienne", "a b"]
    assert places.norm_series(pd.Series(["A ", 3, None], dtype=object)).tolist() == ["a", "", ""]
    assert places.norm_series(pd.Series([], dtype="str")).tolist() == []


def test_candidates_are_counted_as_resolve_counts_them(bundle):
    """The report's count of same-named places is resolve's, on the bundled actors' names and odd inputs."""
    a = bundle.actors
    names = pd.concat([a["city"].astype("str"), pd.Series(["Valencia", "Springfield", "", "Nowhere", None])])
    iso = pd.concat([a["country_iso3"].astype("str"), pd.Series(["ESP", "USA", "FRA", "FRA", "DEU"])])
    names, iso = names.reset_index(drop=True), iso.reset_index(drop=True).replace("", None)
    counted = places.count_candidates(names, iso)
    assert counted.tolist() == places.resolve(names, iso)["n_candidates"].tolist()
    assert counted[-5] >= 1 and counted[-4] > 1 and (counted[-3:] == 0).all()


def test_distinct_rows_are_numbered_as_drop_duplicates_keeps_them():
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "a": rng.integers(0, 30, 5000).astype(str),
            "b": pd.Series(rng.integers(0, 4, 5000)).map({0: "x", 1: "", 2: "y", 3: None}),
            "c": rng.integers(0, 3, 5000),
        }
    )
    code, first = row_codes(df)
    assert df.iloc[first].index.tolist() == df.drop_duplicates().index.tolist()
    # two rows share a number exactly when they are equal
    key = df.astype(object).fillna("<missing>").astype(str).agg("|".join, axis=1)
    assert (pd.Series(code).groupby(key.to_numpy()).nunique() == 1).all()
    assert len(set(code)) == len(df.drop_duplicates())
    many = pd.DataFrame(
        {i: rng.integers(0, 10**6, 3000).astype(str) for i in range(6)}
    )  # past 2**62 combinations
    assert len(row_codes(many)[1]) == len(many.drop_duplicates())


def test_per_value_calls_once_per_distinct_value():
    seen = []
    out = per_value(pd.Series(["b", "a", "b", None, "a"], dtype="str"), lambda v: seen.append(v) or v.upper())
    assert sorted(seen) == ["a", "b"] and out.tolist() == ["B", "A", "B", "", "A"]


@pytest.mark.parametrize(
    "cells",
    [
        ["1", "", "2.5", None, "3"],
        ["1", "x"],
        ["1e3", "-0.5", "inf", "nan"],
        ["1.0", "2"],
        ["+4", "1."],
        ["1.5"],
    ],
)
@pytest.mark.parametrize("dtype", ["float64", "Int64"])
def test_numbers_parse_as_pandas_parses_them(cells, dtype):
    col = pd.Series(cells, dtype="str")

    def plain():
        return pd.to_numeric(col.replace("", pd.NA), errors="coerce").astype(dtype)

    try:
        want = plain()
    except (TypeError, ValueError, OverflowError) as err:  # "1.5", "inf": no integers, refused either way
        with pytest.raises(type(err)):
            load._number(col, dtype)
        return
    got = load._number(col, dtype)
    pd.testing.assert_series_equal(got, want)


def test_trimmed_text_is_kept_and_untrimmed_text_trimmed():
    clean = pd.Series(["a", "b c"], dtype="str")
    assert load._stripped(clean) is clean
    assert load._stripped(pd.Series(["a ", "\u00a0b"], dtype="str")).tolist() == ["a", "b"]


def test_income_groups_per_distinct_pair_as_per_flow(bundle):
    """Directions rest on the income group at each flow's date: decided per distinct (country, date), the same
    answer as the per-flow rule gives, on the bundled flows and on partial and empty dates."""
    f = bundle.flows
    iso = pd.concat([f["donor_country_iso3"], pd.Series(["DEU", "VEN", "VEN", "", "XXX"])], ignore_index=True)
    date = pd.concat(
        [f["date"], pd.Series(["2020", "2021-01", "2021-08", "2020-05-01", ""])], ignore_index=True
    )
    got = classify.dated_groups(iso, date, bundle.countries)
    one = {
        (i, d): classify._dated_groups(pd.Series([i]), pd.Series([d]), None).iloc[0]
        for i, d in set(zip(iso, date))
    }  # the rule on one flow at a time
    want = pd.Series([one[(i, d)] for i, d in zip(iso, date)], dtype=object)
    assert got.fillna("NA").tolist() == want.fillna("NA").tolist()
    assert got.notna().sum() > len(f) / 2


def test_parquet_parts_read_back_as_written(bundle):
    """Built parts keep every column's values and type (categories, numbers with gaps, text, dates, flags)."""
    for name in ("flows", "actors", "sources"):
        table = getattr(bundle, name).reset_index(drop=True)
        back = parquet.from_bytes(parquet.to_bytes(table))
        objects = [c for c in table.columns if table[c].dtype == object]
        pd.testing.assert_frame_equal(back.drop(columns=objects), table.drop(columns=objects))


def test_the_latitude_shortcut_never_parts_near_places():
    """Candidates further apart in latitude than 30 km are not measured; the answer is the haversine's."""
    import random

    from coop_data import placement

    rng = random.Random(2)
    for _ in range(100_000):
        a = {"lat": rng.uniform(-89, 89), "lon": rng.uniform(-180, 180)}
        b = {"lat": a["lat"] + rng.uniform(-0.4, 0.4), "lon": a["lon"] + rng.uniform(-0.4, 0.4)}
        assert placement._near(a, b) == (placement._km(a, b) < placement.NEAR_KM)


def test_the_collector_is_paused_during_an_import_and_resumed_after(monkeypatch):
    import gc

    from coop_data import importer, pipeline

    seen = []

    def fake_prepare(*a, **k):
        seen.append(gc.isenabled())
        with pipeline.gc_paused():  # nested: the inner pause must not resume it early
            pass
        seen.append(gc.isenabled())
        raise ValueError("bad file")

    monkeypatch.setattr(importer, "prepare", fake_prepare)
    assert gc.isenabled()
    with pytest.raises(ValueError):
        pipeline.check(None, "flows")
    assert seen == [False, False] and gc.isenabled()


def test_actor_ids_joined_by_arrow_are_the_ids_of_the_bundled_actors(bundle):
    """Ids are stable across versions: the column-wise ids equal the curated ones and `actor_id`'s, odd text too."""
    from coop_data import placement

    a = bundle.actors
    assert placement.actor_ids(a) == a["actor_id"].astype(str).tolist()
    odd = pd.DataFrame(
        {
            "name": ["Ville de Lyon|x", "Ōita 大分"],
            "level": ["city", ""],
            "city": ["", "Ōita"],
            "country_iso3": ["FRA", ""],
        }
    )
    assert placement.actor_ids(odd) == [placement.actor_id(*r) for r in odd.itertuples(index=False)]
