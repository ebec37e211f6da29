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


def node_table(flows: pd.DataFrame, stages: list[str], measure: str, top_n: int = 12) -> pd.DataFrame:
    """Links between consecutive stages, keeping the top_n values per stage and folding the rest into 'Other'."""
    v = measure_values(flows, measure)
    df = flows[stages].astype(str).copy()
    df["value"] = v.values
    df = df[df["value"] > 0]
    for s in stages:
        tot = df.groupby(s)["value"].sum().sort_values(ascending=False)
        keep = set(tot.index[:top_n])
        df[s] = df[s].where(df[s].isin(keep), f"Other ({s.replace('_', ' ')})")
    links = []
    for a, b in zip(stages, stages[1:]):
        g = df.groupby([a, b])["value"].sum().reset_index()
        g.columns = ["source", "target", "value"]
        g["source_stage"], g["target_stage"] = a, b
        links.append(g)
    return (
        pd.concat(links, ignore_index=True)
        if links
        else pd.DataFrame(columns=["source", "target", "value", "source_stage", "target_stage"])
    )


def reciprocity_pairs(flows: pd.DataFrame) -> pd.DataFrame:
    """Places that helped each other: both legs, first leg first.

    Places are matched by city (a district counts as its city), programme
    totals and cancelled flows are left out. The first leg is the one whose
    date range ends first; `order_certain` is False when the two date ranges
    overlap (e.g. a year-only date), so the order is not claimed.
    `return_ratio` is what came back over what was given (leg 2 / leg 1) where both legs carry a quantity of the
    same unit family (masks with masks), else where both carry money (EUR); `ratio_unit` names it.
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
        "amount_eur",
        "status",
        "source_url",
    ]
    legs = f[cols].assign(unit_family=unit_family(f["quantity_unit"]))
    m = legs.merge(legs, left_on=["a", "b"], right_on=["b", "a"], suffixes=("_1", "_2"))
    far = pd.Timestamp("2100-01-01")
    e1, e2 = m["date_end_1"].fillna(far), m["date_end_2"].fillna(far)
    m = m[(e1 < e2) | ((e1 == e2) & (m["record_id_1"] < m["record_id_2"]))].copy()
    m["order_certain"] = m["date_end_1"] < m["date_start_2"]
    m = m.rename(columns={"a_1": "first_giver", "b_1": "first_receiver"})
    same = (m["unit_family_1"] == m["unit_family_2"]) & (m["unit_family_1"] != "")
    qty = same & (m["quantity_1"] > 0) & (m["quantity_2"] > 0)
    eur = ~qty & (m["amount_eur_1"] > 0) & (m["amount_eur_2"] > 0)
    m["return_ratio"] = (m["quantity_2"] / m["quantity_1"]).where(
        qty, (m["amount_eur_2"] / m["amount_eur_1"]).where(eur)
    )
    m["ratio_unit"] = m["unit_family_1"].where(qty, pd.Series("EUR", index=m.index).where(eur, ""))
    return m.drop(columns=["a_2", "b_2"]).sort_values(["date_end_1", "record_id_1"]).reset_index(drop=True)
