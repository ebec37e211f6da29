"""North/South groups and direction categories of flows.

Two documented schemes:

* ``income`` (default): the World Bank income classification **in force at the
  flow's date**. The World Bank fixes its lists on 1 July for its fiscal year
  (FY2021 = July 2020 – June 2021); `data/wb_income.csv` ships the lists for
  FY2018–FY2025 from the World Bank's historical classification (OGHIST.xlsx,
  "Country Analytical History"). High income = North, all others South. A flow
  dated only to a month or a year is classified when every fiscal year its
  date can fall in gives the same group; an undated flow when the group is the
  same across the data's whole period (2020–2021: FY2020–FY2022); otherwise,
  or when the World Bank has no group for the country then (Venezuela from
  FY2022), the direction is ``unclassified``.
* ``economy``: Natural Earth ECONOMY class. "Developed region" (G7 and non-G7)
  is North; emerging, developing and least developed regions are South.

Korea, Hong Kong and Macao: high income in every World Bank list FY2018–FY2025,
so North under ``income``; Natural Earth calls Korea an "emerging region: MIKT"
and Hong Kong and Macao "developing region", so South under ``economy``.
Taiwan: the dossier codes Taiwanese cities as TWN; the World Bank lists
"Taiwan, China" (high income) and Natural Earth a developed region, so North in
both. TWN, HKG and MAC are never mainland China: "china_to_partner" and
"partner_to_china" mean mainland China (CHN) only.

Natural Earth's INCOME_GRP (countries.income_group) reflects World Bank lists
of about 2010–12 (Uruguay and Chile upper-middle income); it is kept in the
countries table for reference and no longer decides any direction.

A flow whose two sides are in the same country is ``domestic`` and never in an
international direction category.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from . import dates, vocab
from .distinct import row_codes

WB_INCOME = Path(__file__).parent / "data" / "wb_income.csv"
WB_SOURCE = (
    "World Bank, Historical classification by income (OGHIST.xlsx, 'Country Analytical History'), "
    "lists in force on the flow's date: FY2020 (Jul 2019–Jun 2020), FY2021 (Jul 2020–Jun 2021), "
    "FY2022 (Jul 2021–Jun 2022); FY2018–FY2025 shipped for imported data"
)
SCOPE = ("2020-01-01", "2021-12-31")  # period an undated flow is assumed to fall in

SCHEMES = {  # labels `scheme.<name>` in the locale files
    "income": {
        "source": WB_SOURCE
        + ". Korea, Hong Kong, Macao and Taiwan are high income (North) in every list used",
        "column": "income_group",
        "north": lambda s: s.str.startswith("High income"),
    },
    "economy": {
        "source": "Natural Earth admin-0 v5 ECONOMY class (developed regions = North). "
        "Korea (emerging region: MIKT), Hong Kong and Macao (developing region) are South here",
        "column": "economy",
        "north": lambda s: s.str.startswith("Developed region"),
    },
}
DEFAULT_SCHEME = "income"
DEFAULT_FISCAL_YEAR = 2021  # for a country-level view without dates (July 2020 – June 2021)
MAINLAND_CHINA = "CHN"

# Every direction category in display order; `vocab.DIRECTIONS` holds them with their colours.
DIRECTIONS = tuple(vocab.DIRECTIONS)
INTERNATIONAL = tuple(d for d in DIRECTIONS if d not in vocab.NOT_INTERNATIONAL)


@functools.lru_cache(maxsize=1)
def income_table() -> pd.DataFrame:
    """The bundled World Bank lists (iso3, fiscal_year, income_group, source)."""
    t = pd.read_csv(WB_INCOME, dtype=str, keep_default_na=False, encoding="utf-8")
    t["fiscal_year"] = t["fiscal_year"].astype(int)
    return t


def fiscal_year(ts: pd.Series) -> pd.Series:
    """World Bank fiscal year of a timestamp: FY2021 runs 1 July 2020 – 30 June 2021."""
    return ts.dt.year + (ts.dt.month >= 7).astype("Int64")


def groups(
    countries: pd.DataFrame,
    scheme: str = DEFAULT_SCHEME,
    fiscal_year: int = DEFAULT_FISCAL_YEAR,
    wb: pd.DataFrame | None = None,
) -> pd.Series:
    """iso3 -> 'North' | 'South' under `scheme` (for ``income``: the list of one fiscal year)."""
    if scheme == "income":
        wb = income_table() if wb is None else wb
        y = wb[wb["fiscal_year"] == fiscal_year]
        g = y.set_index("iso3")["income_group"]
        return pd.Series(np.where(g.eq("High income"), "North", "South"), index=g.index.values)
    sch = SCHEMES[scheme]
    col = countries[sch["column"]].fillna("")
    return pd.Series(np.where(sch["north"](col), "North", "South"), index=countries["iso3"].values)


def _per_distinct(s: pd.Series, fn):
    """fn on the distinct values of `s` only, spread back to every row (a million flows have a few hundred dates)."""
    codes, uniq = pd.factorize(s.fillna("").astype(str))
    out = fn(pd.Series(uniq, dtype=object))
    spread = [x.iloc[codes].set_axis(s.index) for x in (out if isinstance(out, tuple) else (out,))]
    return tuple(spread) if isinstance(out, tuple) else spread[0]


def fiscal_range(date: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last World Bank fiscal year a (possibly partial or empty) date can fall in."""
    return _per_distinct(date, _fiscal_range)


def _fiscal_range(date: pd.Series) -> tuple[pd.Series, pd.Series]:
    start, end = dates.bounds(date)
    start = start.fillna(pd.Timestamp(SCOPE[0]))
    end = end.fillna(pd.Timestamp(SCOPE[1]))
    return fiscal_year(start).astype(int), fiscal_year(end).astype(int)


def dated_groups(
    iso3: pd.Series,
    date: pd.Series,
    countries: pd.DataFrame,
    scheme: str = DEFAULT_SCHEME,
    wb: pd.DataFrame | None = None,
) -> pd.Series:
    """'North' | 'South' | NaN per flow side: the group in force at the flow's date.

    NaN when the country is unknown, unlisted for a fiscal year in range, or its
    group changes within the range the date allows.
    """
    iso = iso3.fillna("").astype(str)
    if scheme != "income":
        return iso.map(groups(countries, scheme))
    # Each distinct (country, date) once: a million flows have a few thousand.
    pairs = pd.DataFrame({"iso": iso, "date": date.fillna("").astype(str)}).astype(object)
    code, first = row_codes(pairs)
    if not len(first):
        return pd.Series(pd.NA, index=iso.index, dtype="object")
    u = pairs.iloc[first].reset_index(drop=True)
    return _dated_groups(u["iso"], u["date"], wb).iloc[code].set_axis(iso.index)


def _dated_groups(iso: pd.Series, date: pd.Series, wb: pd.DataFrame | None) -> pd.Series:
    wb = income_table() if wb is None else wb
    lo, hi = fiscal_range(date)
    north = wb.assign(g=np.where(wb["income_group"].eq("High income"), "North", "South"))
    table = north.pivot_table(index="iso3", columns="fiscal_year", values="g", aggfunc="first")
    years = list(range(int(lo.min()), int(hi.max()) + 1))
    # Group of each country in each fiscal year as a small integer grid (0: not listed, 1: North, 2: South).
    grid = table.reindex(columns=years).replace({"North": 1, "South": 2}).fillna(0).astype(np.int8)
    row = grid.index.get_indexer(iso.to_numpy(dtype=object))
    cells = np.vstack([grid.to_numpy(), np.zeros((1, len(years)), np.int8)])[row]  # row -1: unknown country
    lo_, hi_ = lo.to_numpy(), hi.to_numpy()
    seen = np.zeros(len(iso), np.int8)
    bad = np.zeros(len(iso), bool)
    for j, fy in enumerate(years):
        in_range = (lo_ <= fy) & (hi_ >= fy)
        v = cells[:, j]
        bad |= in_range & (v == 0)
        bad |= in_range & (seen != 0) & (v != 0) & (seen != v)
        seen = np.where(in_range & (seen == 0) & (v != 0), v, seen)
    words = np.array([pd.NA, "North", "South"], dtype=object)
    return pd.Series(np.where(~bad & (seen != 0), words[seen], pd.NA), index=iso.index, dtype="object")


def fiscal_label(date: pd.Series) -> pd.Series:
    """'FY2021' or 'FY2020–FY2021': the World Bank lists a flow's direction rests on."""
    return _per_distinct(date, _fiscal_label)


def _fiscal_label(date: pd.Series) -> pd.Series:
    lo, hi = _fiscal_range(date)
    return ("FY" + lo.astype(str)).where(lo == hi, "FY" + lo.astype(str) + "–FY" + hi.astype(str))


def rules(d: pd.Series, r: pd.Series, gd: pd.Series, gr: pd.Series, level: pd.Series) -> list:
    """The direction rules, first that holds wins: (category, condition on donor and recipient country `d`, `r`,
    their North/South groups `gd`, `gr` and the donor's level). A new category is one row here, its colour in
    `vocab.DIRECTIONS` and its `dir.<code>` label; a flow no rule takes is unclassified."""
    return [
        ("domestic", (d != "") & (d == r)),
        ("china_to_partner", d == MAINLAND_CHINA),
        ("partner_to_china", r == MAINLAND_CHINA),
        ("network_to_south", (level == "network") & gr.eq("South")),
        ("network_to_north", (level == "network") & gr.eq("North")),
        ("unclassified", gd.isna() | gr.isna()),
        ("north_south", gd.eq("North") & gr.eq("South")),
        ("north_north", gd.eq("North") & gr.eq("North")),
        ("south_south", gd.eq("South") & gr.eq("South")),
        ("south_north", gd.eq("South") & gr.eq("North")),
    ]


def direction(
    donor_iso3: pd.Series,
    recipient_iso3: pd.Series,
    donor_level: pd.Series,
    group: pd.Series | None = None,
    donor_group: pd.Series | None = None,
    recipient_group: pd.Series | None = None,
) -> pd.Series:
    """Direction category per flow (vectorised). Order of the rules matters and is documented in the README.

    Groups come either from an iso3 -> group map (`group`) or per flow
    (`donor_group`, `recipient_group`, e.g. from `dated_groups`).
    """
    d = donor_iso3.fillna("").astype(str)
    r = recipient_iso3.fillna("").astype(str)
    gd = d.map(group) if donor_group is None else donor_group
    gr = r.map(group) if recipient_group is None else recipient_group
    gd, gr = pd.Series(gd, index=d.index).astype("object"), pd.Series(gr, index=d.index).astype("object")
    codes, conds = zip(*rules(d, r, gd, gr, donor_level))
    conds = [pd.Series(c, index=d.index).fillna(False).astype(bool) for c in conds]
    return pd.Series(np.select(conds, list(codes), default="unclassified"), index=donor_iso3.index)


def special_cases(countries: pd.DataFrame, wb: pd.DataFrame | None = None) -> pd.DataFrame:
    """Korea, Hong Kong, Macao and Taiwan under both schemes, for the Methods page and the tests."""
    wb = income_table() if wb is None else wb
    rows = []
    for iso in ("KOR", "HKG", "MAC", "TWN"):
        c = countries.set_index("iso3").loc[iso]
        lists = wb[wb["iso3"] == iso].sort_values("fiscal_year")
        rows.append(
            {
                "iso3": iso,
                "name": c["name"],
                "world_bank": "; ".join(f"FY{r.fiscal_year}: {r.income_group}" for r in lists.itertuples()),
                "income": groups(countries, "income").get(iso, "unknown"),
                "natural_earth_economy": c["economy"],
                "economy": groups(countries, "economy")[iso],
            }
        )
    return pd.DataFrame(rows)
