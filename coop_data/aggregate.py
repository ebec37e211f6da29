"""Totals and groupings that never mix units and never double count.

Rules (the same in every view, export and the CLI):
* only rows with ``counted`` (status delivered, and not a programme total whose
  detailed rows are in the data) enter a money or quantity total;
* the number of flows counts every row in view (its status is a filter) except
  programme totals whose detailed rows are in the data;
* money is summed in EUR (converted at the year's rate) and shown beside the
  number of rows that carry money;
* quantities are summed per unit only: masks with masks, patients with patients.
"""

from __future__ import annotations

import pandas as pd

from . import classify
from .i18n import CATALOG
from .schema import AID_KINDS, LEVELS, STATUSES

MEASURES = {
    "flows": ("Number of flows", "flows"),
    "eur": ("Money delivered", "EUR"),
    "masks": ("Masks delivered", "masks"),
    "patients": ("Patients treated", "patients"),
}


def unit_family(unit: pd.Series) -> pd.Series:
    """Group free-text units into comparable families; others keep their own text."""
    u = unit.fillna("").astype(str).str.strip().str.lower()
    fam = u.copy()
    fam[u.str.contains(r"\bmasks?\b") & ~u.str.contains("gloves|and")] = "masks"
    fam[u.str.match(r"^patients?$|^patients treated") | u.str.startswith("patients in")] = "patients"
    return fam


def measure_values(flows: pd.DataFrame, measure: str) -> pd.Series:
    """Per-row value of a measure (0 where the row does not carry it or is not counted)."""
    counted = flows["counted"]
    if measure == "flows":
        return (~flows["overlaps_details"]).astype(float)
    if measure == "eur":
        return flows["amount_eur"].where(counted).fillna(0.0)
    fam = unit_family(flows["quantity_unit"])
    return flows["quantity"].where(counted & (fam == measure)).fillna(0.0)


def headline(flows: pd.DataFrame) -> dict:
    c = flows[flows["counted"]]
    places = pd.concat(
        [
            c.loc[c["donor_city"] != "", ["donor_city", "donor_country_iso3"]].set_axis(
                ["city", "iso3"], axis=1
            ),
            c.loc[c["recipient_city"] != "", ["recipient_city", "recipient_country_iso3"]].set_axis(
                ["city", "iso3"], axis=1
            ),
        ]
    ).drop_duplicates()
    countries = set(c["donor_country_iso3"]) | set(c["recipient_country_iso3"])
    countries.discard("")
    fam = unit_family(c["quantity_unit"])
    return {
        "flows": int(len(flows)),
        "counted_flows": int(len(c)),
        "not_counted": int(len(flows) - len(c)),
        "cities": int(len(places)),
        "countries": int(len(countries)),
        "eur_delivered": float(c["amount_eur"].sum()),
        "rows_with_money": int(c["amount_eur"].notna().sum()),
        "masks": float(c.loc[fam == "masks", "quantity"].sum()),
        "patients": float(c.loc[fam == "patients", "quantity"].sum()),
        "undated": int(flows["date_start"].isna().sum()),
    }


def totals_by_unit(flows: pd.DataFrame) -> pd.DataFrame:
    """Counted quantities per unit (never added across units)."""
    c = flows[flows["counted"] & flows["quantity"].notna()]
    t = c.assign(unit=unit_family(c["quantity_unit"])).groupby("unit")["quantity"].agg(["sum", "count"])
    return (
        t.rename(columns={"sum": "total", "count": "rows"}).sort_values("rows", ascending=False).reset_index()
    )


def by_direction(flows: pd.DataFrame) -> pd.DataFrame:
    g = (
        flows.assign(eur=flows["amount_eur"].where(flows["counted"]))
        .groupby("direction", observed=False)
        .agg(
            flows=("record_id", "size"),
            counted=("counted", "sum"),
            eur=("eur", "sum"),
        )
        .reset_index()
    )
    g["label"] = g["direction"].astype(str).map(classify.DIRECTION_LABELS)
    return g[g["flows"] > 0].sort_values("flows", ascending=False).reset_index(drop=True)


def funds_total(funds: pd.DataFrame) -> pd.DataFrame:
    """Current versions of money funds only: the two AIMF rows count once."""
    f = funds[funds["is_current_version"] & funds["amount"].notna()]
    return f.groupby(["network", "currency"])["amount"].sum().reset_index()


def timeline(flows: pd.DataFrame, freq: str = "M") -> pd.DataFrame:
    """Flows per period by direction. Only flows dated at least to the month are placed in months;
    year-only and undated rows are counted separately so none disappears."""
    prec = flows["date_precision"].astype(str)
    ok = flows["date_start"].notna() & (prec.isin(["day", "month"]) if freq == "M" else prec.eq("day"))
    f = flows[ok]
    period = f["date_start"].dt.to_period("W-SUN" if freq == "W" else "M").dt.start_time
    t = (
        f.assign(period=period)
        .groupby(["period", "direction", "status"], observed=True)
        .size()
        .rename("flows")
        .reset_index()
    )
    return t


SANKEY_PRESETS = {  # stages of each Sankey preset, left to right
    "regions": ("donor_region", "direction", "recipient_region"),
    "levels": ("donor_level", "aid_kind", "recipient_country"),
    "networks": ("channel", "recipient_label"),
    "countries": ("donor_country", "recipient_country"),
}
SANKEY_DEFAULT = "regions"
SANKEY_COLOURS = ("direction", "aid_kind", "status", "donor_region", "recipient_region", "donor_level")
OTHER = "(other)"  # the node of the values beyond the top N of a stage
NOT_STATED = (
    "(not stated)"  # the one node of a stage for rows the source leaves blank (no country, no network…)
)
_NOT_STATED = {"", "unknown", "unclassified", "nan", "None", "<NA>"}
_ORDER = {  # vocabulary order of category stages: a node keeps its place whatever the filter
    "direction": classify.DIRECTION_LABELS,
    "aid_kind": AID_KINDS,
    "status": STATUSES,
    "donor_level": LEVELS,
    "recipient_level": LEVELS,
}
SANKEY_MAX_TOP = 40  # the largest N per stage, chosen or automatic


def sankey_stage(flows: pd.DataFrame, stage: str, funds: pd.DataFrame | None = None) -> pd.Series:
    """One stage's value per row, as text. `channel` is the network, or the fund's network by name (never a fund id);
    blank, unknown and unclassified values are one NOT_STATED value (unclassified only ever means a country is missing)."""
    if stage == "channel":
        s = flows["channel_network"].astype(str)
        by_fund = pd.Series(dtype=str)
        if funds is not None and len(funds):
            by_fund = (
                funds.drop_duplicates("fund_id")
                .set_index("fund_id")["network"]
                .astype(str)
                .str.replace(r"^\(city programme\)\s*", "", regex=True)
            )
        s = s.where(s != "", flows["fund_id"].map(by_fund).fillna("").astype(str))
    elif stage in ("donor_country", "recipient_country"):  # by code: named in the viewer's language on screen
        s = flows[f"{stage}_iso3"].astype(str)
    else:
        s = flows[stage].astype(str)
    return s.where(~s.isin(_NOT_STATED), NOT_STATED)


def sankey_rows(
    flows: pd.DataFrame,
    stages: list[str] | tuple[str, ...],
    measure: str,
    top_n: int = 0,
    colour: str = "direction",
    funds: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, int]:
    """One row per flow carrying the measure: its node in each stage (the top N named, the rest OTHER), its colour
    category and value; and the N used. top_n 0 chooses N (`auto_top`). Category stages are never folded."""
    df = pd.DataFrame({s: sankey_stage(flows, s, funds) for s in stages}, index=flows.index)
    df["colour"] = sankey_stage(flows, colour, funds)
    df["value"] = measure_values(flows, measure).to_numpy()
    df = df[df["value"] > 0]
    named = [s for s in stages if foldable(s)]
    n = int(top_n) or auto_top(df, named)
    for s in named:
        tot = (
            df.loc[df[s] != NOT_STATED].groupby(s)["value"].sum().sort_values(ascending=False, kind="stable")
        )
        keep = set(tot.index[:n]) | {NOT_STATED}
        df[s] = df[s].where(df[s].isin(keep), OTHER)
    return df, n


def foldable(stage: str) -> bool:
    """Stages of names (countries, places, networks) keep their top N; category stages (a dozen values at most)
    are never folded into 'Other'."""
    return stage not in _ORDER and not stage.endswith("_region")


def auto_top(df: pd.DataFrame, stages: list[str]) -> int:
    """The smallest N (at least 5) that lets named nodes hold most of every stage: 'Other' smaller than the largest
    named node and than half its stage. A long tail of single flows can need many nodes: figures.sankey makes the
    chart taller so their labels stay apart."""
    totals = [
        df.loc[df[s] != NOT_STATED].groupby(s)["value"].sum().sort_values(ascending=False).to_numpy()
        for s in stages
    ]
    for n in range(5, SANKEY_MAX_TOP + 1):
        if all(t[n:].sum() < t[0] and t[n:].sum() <= t.sum() / 2 for t in totals if len(t) > n):
            return n
    return SANKEY_MAX_TOP


def vocabulary(stage: str) -> tuple[str, ...]:
    """The known values of a category stage in their fixed order (regions: as the locale files name them)."""
    if stage.endswith("_region"):
        return tuple(k.split(".", 1)[1] for k in CATALOG if k.startswith("region.") and k != "region.unknown")
    return tuple(_ORDER.get(stage, ()))


def node_order(stage: str, values, name=None) -> list[str]:
    """Nodes of a stage in a fixed order: vocabulary order for categories, A-Z (of `name(value)` when given, e.g. a
    country's name in the viewer's language) for names; OTHER and NOT_STATED last."""
    rank = {v: i for i, v in enumerate(vocabulary(stage))}
    name = name or str
    named = sorted(
        (v for v in set(values) if v not in (OTHER, NOT_STATED)),
        key=lambda v: (rank.get(v, len(rank)), name(v).lower()),
    )
    return named + [v for v in (OTHER, NOT_STATED) if v in set(values)]


def node_table(
    flows: pd.DataFrame,
    stages: list[str] | tuple[str, ...],
    measure: str,
    top_n: int = 0,
    colour: str = "direction",
    funds: pd.DataFrame | None = None,
    focus: tuple[str, str] | None = None,
) -> pd.DataFrame:
    """Links between consecutive stages, one per colour category (links are coloured by the rows' direction, or the
    stage given), the top N nodes per stage kept and the rest folded into OTHER. `focus` (stage, node) keeps the
    rows through that node; the other nodes keep the names they have in the whole view. `attrs["top_n"]` is the N."""
    df, n = sankey_rows(flows, stages, measure, top_n, colour, funds)
    if focus is not None and focus[0] in df:
        df = df[df[focus[0]] == focus[1]]
    links = []
    for a, b in zip(stages, stages[1:]):
        g = df.groupby([a, b, "colour"])["value"].sum().reset_index()
        g.columns = ["source", "target", "colour", "value"]
        g["source_stage"], g["target_stage"] = a, b
        links.append(g[g["value"] > 0])
    cols = ["source", "target", "value", "source_stage", "target_stage", "colour"]
    out = pd.concat(links, ignore_index=True)[cols] if links else pd.DataFrame(columns=cols)
    out.attrs["top_n"] = n
    out.attrs["colour"] = colour
    return out


def reciprocity_pairs(flows: pd.DataFrame) -> pd.DataFrame:
    """Places that helped each other: both legs, first leg first.

    Places are matched by city (a district counts as its city), programme
    totals and cancelled flows are left out. The first leg is the one whose
    date range ends first; `order_certain` is False when the two date ranges
    overlap (e.g. a year-only date), so the order is not claimed.
    """
    f = flows[~flows["is_aggregate"] & (flows["status"] != "cancelled")].copy()
    f["a"] = f["donor_label"].astype(str)
    f["b"] = f["recipient_label"].astype(str)
    cols = [
        "record_id",
        "a",
        "b",
        "date_start",
        "date_end",
        "date_label",
        "aid_kind",
        "quantity",
        "quantity_unit",
        "status",
        "source_url",
    ]
    legs = f[cols]
    m = legs.merge(legs, left_on=["a", "b"], right_on=["b", "a"], suffixes=("_1", "_2"))
    far = pd.Timestamp("2100-01-01")
    e1, e2 = m["date_end_1"].fillna(far), m["date_end_2"].fillna(far)
    m = m[(e1 < e2) | ((e1 == e2) & (m["record_id_1"] < m["record_id_2"]))].copy()
    m["order_certain"] = m["date_end_1"] < m["date_start_2"]
    m = m.rename(columns={"a_1": "first_giver", "b_1": "first_receiver"})
    return m.drop(columns=["a_2", "b_2"]).sort_values(["date_end_1", "record_id_1"]).reset_index(drop=True)
