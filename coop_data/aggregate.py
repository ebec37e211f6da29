"""Totals and groupings that never mix units and never double count.

Rules (the same in every view, export and the CLI):
* a **flow** is a record that is not a programme total whose detailed rows are in
  the data; the number of flows counts every flow in view (its status is a filter).
  Records = flows + such totals (home: "393 records, of which 384 flows");
* money and quantities count delivered rows only: a detailed row at its value, a
  programme total whose details are listed at its **rest of programme** - the
  total minus its delivered listed details, per unit family and in EUR, never
  below zero (Shenzhen's 1.5 m masks minus the 20,000 given to Poznań). A total
  that counts its partners ("12 recipient cities") has no rest in that unit;
* money is summed in EUR (converted at the year's rate) and shown beside the
  number of rows that carry money, split into cash/grants and valued in-kind;
* quantities are summed per unit only: masks with masks, patients with patients.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import money, vocab
from .i18n import CATALOG, t


def unit_family(unit: pd.Series) -> pd.Series:
    """Group free-text units into comparable families; others keep their own text (each distinct unit once)."""
    codes, uniq = pd.factorize(unit.fillna("").astype(str), use_na_sentinel=False)
    return _unit_family(pd.Series(uniq, dtype=str)).iloc[codes].set_axis(unit.index)


def _unit_family(unit: pd.Series) -> pd.Series:
    u = unit.str.strip().str.lower()
    fam = u.copy()
    fam[u.str.contains(r"\bmasks?\b") & ~u.str.contains("gloves|and")] = "masks"
    fam[u.str.match(r"^patients?$|^patients treated") | u.str.startswith("patients in")] = "patients"
    return fam


# Units in which a programme total counts its partners, not its aid: its listed details are some of them.
PARTNER_COUNT = r"(?:cities|partners|provinces/states|countries|townships|organisations)$"
DOMINANT_SHARE = 0.25  # a single record above this share of a total is named beside it


def add_counting(flows: pd.DataFrame) -> pd.DataFrame:
    """Who counts, and for how much: the columns every total reads (called once, when flows are loaded).

    overlaps_details: programme total whose detailed rows are in the data (not a flow of its own);
    counted: a delivered flow, counted at its value;
    rest_quantity / rest_eur: for such a total, what no listed detail carries (total minus its
    delivered details, same unit family / in EUR, never below zero), whatever its status;
    counted_quantity / counted_eur: the value that enters totals (rest for a delivered total);
    rest_of_programme: a delivered total whose rest enters the totals.
    The rest is a property of the whole data, so a filtered view adds a total's rest and its
    details without counting anything twice.
    """
    f = flows.copy(deep=False)  # copy-on-write: the new columns are this frame's alone, nothing is copied
    parent = f["parent_id"].fillna("").astype(str)
    delivered = f["status"].astype(str).eq("delivered")
    f["overlaps_details"] = f["is_aggregate"].astype(bool) & f["record_id"].isin(set(parent[parent != ""]))
    f["counted"] = delivered & ~f["overlaps_details"]
    fam = unit_family(f["quantity_unit"])
    is_kid = (parent != "") & delivered
    kid_q = f.loc[is_kid, "quantity"].groupby([parent[is_kid], fam[is_kid]]).sum()
    kid_eur = f.loc[is_kid, "amount_eur"].groupby(parent[is_kid]).sum()
    tot = f["overlaps_details"].to_numpy()
    ids, tfam = f["record_id"].to_numpy()[tot], fam.to_numpy()[tot]
    less_q = kid_q.reindex(pd.MultiIndex.from_arrays([ids, tfam])).fillna(0).to_numpy()
    rest_q = np.clip(f["quantity"].to_numpy(dtype=float)[tot] - less_q, 0, None)
    rest_q[pd.Series(tfam, dtype=str).str.contains(PARTNER_COUNT).to_numpy()] = np.nan
    less_eur = kid_eur.reindex(ids).fillna(0).to_numpy()
    rest_e = np.clip(f["amount_eur"].to_numpy(dtype=float)[tot] - less_eur, 0, None)
    f["rest_quantity"], f["rest_eur"] = np.nan, np.nan
    f.loc[tot, "rest_quantity"], f.loc[tot, "rest_eur"] = rest_q, rest_e
    tot = f["overlaps_details"]
    rest = tot & delivered
    f["counted_quantity"] = f["quantity"].where(f["counted"]).where(~rest, f["rest_quantity"])
    f["counted_eur"] = f["amount_eur"].where(f["counted"]).where(~rest, f["rest_eur"])
    f["rest_of_programme"] = rest & (f["counted_quantity"].fillna(0).gt(0) | f["counted_eur"].fillna(0).gt(0))
    return f


def rest_example(flows: pd.DataFrame, unit: str = "masks") -> dict:
    """The programme total with the largest rest in a unit, taken apart (for the Methods page):
    its total, what its delivered details carry, and its rest. Empty values when there is none."""
    fam = unit_family(flows["quantity_unit"])
    # a total that adds its rest: delivered (a planned total's rest is computed but adds nothing)
    t = flows[flows["rest_of_programme"] & (fam == unit) & flows["rest_quantity"].notna()]
    if t.empty:
        return {"record_id": "–", "donor": "–", "total": 0.0, "details": 0.0, "rest": 0.0}
    r = t.iloc[int(t["rest_quantity"].to_numpy().argmax())]
    return {
        "record_id": str(r["record_id"]),
        "donor": str(r.get("donor_label", r["donor_name"])),
        "total": float(r["quantity"]),
        "details": float(r["quantity"] - r["rest_quantity"]),
        "rest": float(r["rest_quantity"]),
    }


def measure_values(flows: pd.DataFrame, measure: str) -> pd.Series:
    """Per-row value of a measure (0 where the row does not carry it or is not counted)."""
    if measure == "flows":
        return (~flows["overlaps_details"]).astype(float)
    if measure == "eur":
        return flows["counted_eur"].fillna(0.0)
    fam = unit_family(flows["quantity_unit"])
    return flows["counted_quantity"].where(fam == measure).fillna(0.0)


def mirror_ids(sources: pd.DataFrame) -> frozenset:
    """source_ids of pages that are copies of a wire story on an unrelated site (sources.reliability)."""
    return frozenset(sources.loc[sources["reliability"] == "mirror_copy", "source_id"])


def exclude_mirror(flows: pd.DataFrame, bundle) -> pd.DataFrame:
    """The flows without those whose only source is a mirror copy: every total computed on the result
    leaves them out. `bundle` is a Bundle or its sources table. A total's rest stays as computed over
    all its details (leaving out a mirror-sourced detail never adds it back to its total)."""
    sources = bundle if isinstance(bundle, pd.DataFrame) else bundle.sources
    return flows[~flows["source_id"].isin(mirror_ids(sources))]


def largest(flows: pd.DataFrame, measure: str) -> dict | None:
    """The single record carrying most of a measure: id, donor → recipient, value, share of the total.
    `dominant` when its share exceeds a quarter (the headline then names it)."""
    v = measure_values(flows, measure)
    total = float(v.sum())
    if total <= 0:
        return None
    i = int(v.to_numpy().argmax())  # by position: a merged view may repeat index labels
    r, top = flows.iloc[i], float(v.iloc[i])
    share = top / total
    return {
        "record_id": str(r["record_id"]),
        "donor": str(r.get("donor_label", r["donor_name"])),
        "recipient": str(r.get("recipient_label", r["recipient_name"])),
        "value": round(top, 2),
        "total": round(total, 2),
        "share": round(share, 4),
        "dominant": share > DOMINANT_SHARE,
    }


def headline(flows: pd.DataFrame, mirror: frozenset | tuple = ()) -> dict:
    """Headline figures of a view. `mirror`: source_ids of mirror copies (mirror_ids), for the share of the
    money and masks that rests on them."""
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
    # distinct values first: turning a million Arrow-backed cells into a Python set costs seconds
    delivered = set(c["donor_country_iso3"].unique()) | set(c["recipient_country_iso3"].unique())
    delivered.discard("")
    # every country of the view's records (announced, cancelled… too), as "Flows" and the map's text count them:
    # Home said "Countries 93" above a map text of "95 countries" (Colombia and Morocco only on announced flows)
    every = (set(flows["donor_country_iso3"].unique()) | set(flows["recipient_country_iso3"].unique())) - {""}
    eur = measure_values(flows, "eur")
    masks = measure_values(flows, "masks")
    cash = money.is_cash(flows["aid_kind"])
    rest = flows["rest_of_programme"]
    on_mirror = flows["source_id"].isin(set(mirror))
    totals = int(flows["overlaps_details"].sum())
    return {
        "records": int(len(flows)),
        "flows": int(len(flows) - totals),
        "programme_totals": totals,
        "counted_flows": int(len(c)),
        "not_counted": int(len(flows) - totals - len(c)),
        "rest_of_programme_rows": int(rest.sum()),
        "cities": int(len(places)),
        "countries": int(len(every)),
        "countries_delivered": int(len(delivered)),
        "eur_delivered": float(eur.sum()),
        "rows_with_money": int(flows["counted_eur"].notna().sum()),
        "eur_cash": float(eur[cash].sum()),
        "eur_in_kind": float(eur[~cash].sum()),
        "eur_rest_of_programme": float(eur[rest].sum()),
        "eur_mirror": float(eur[on_mirror].sum()),
        "masks": float(masks.sum()),
        "masks_rest_of_programme": float(masks[rest].sum()),
        "masks_mirror": float(masks[on_mirror].sum()),
        "patients": float(measure_values(flows, "patients").sum()),
        "largest": {m: largest(flows, m) for m in ("eur", "masks", "patients")},
        "undated": int(flows["date_start"].isna().sum()),
    }


def covers(flows: pd.DataFrame, mirror: frozenset | tuple = ()) -> dict:
    """The numbers Home's "What the data covers" box states, counted from the data so they cannot go stale
    (it said "274 of 393 flows" long after the data grew): flows, those with mainland China on one side,
    South–South, dated 2021, undated, and those resting on a mirror copy (`mirror`: mirror_ids)."""
    from .classify import MAINLAND_CHINA

    f = flows[~flows["overlaps_details"]]
    china = (f["donor_country_iso3"] == MAINLAND_CHINA) | (f["recipient_country_iso3"] == MAINLAND_CHINA)
    return {
        "flows": int(len(f)),
        "china": int(china.sum()),
        "south": int((f["direction"].astype(str) == "south_south").sum()),
        "y2021": int((f["date_start"].dt.year == 2021).sum()),
        "undated": int(f["date_start"].isna().sum()),
        "mirror": int(f["source_id"].isin(set(mirror)).sum()),
    }


def coverage(flows: pd.DataFrame) -> dict:
    """What the data covers: records, flows and delivered flows by direction, year of the flow and region
    (donor and recipient side), so thin areas show as small numbers rather than as silence."""
    f = flows.assign(
        flow=~flows["overlaps_details"],
        year=flows["date_start"].dt.year.map(lambda y: "undated" if pd.isna(y) else str(int(y))),
    )

    def count(col: str) -> dict:
        g = f.groupby(f[col].astype(str)).agg(
            records=("record_id", "size"), flows=("flow", "sum"), counted=("counted", "sum")
        )
        g = g[g["records"] > 0].sort_values("flows", ascending=False)
        return {k: {c: int(v) for c, v in r.items()} for k, r in g.iterrows()}

    return {
        "by_direction": count("direction"),
        "by_year": dict(sorted(count("year").items())),
        "by_donor_region": count("donor_region"),
        "by_recipient_region": count("recipient_region"),
    }


def money_summary(flows: pd.DataFrame, mirror: frozenset | tuple = ()) -> dict:
    """The money headline taken apart: cash/grants vs valued in-kind, the part resting on mirror copies,
    the rest of programmes, and the largest record with its share (named when above a quarter)."""
    h = headline(flows, mirror)
    total = h["eur_delivered"]

    def part(eur: float) -> dict:
        return {"eur": round(eur, 2), "share": round(eur / total, 4) if total else 0.0}

    return {
        "eur_delivered": round(total, 2),
        "rows_with_money": h["rows_with_money"],
        "cash_grants": part(h["eur_cash"]),
        "valued_in_kind": part(h["eur_in_kind"]),
        "mirror_sourced": part(h["eur_mirror"]),
        "rest_of_programme": part(h["eur_rest_of_programme"]),
        "largest_record": h["largest"]["eur"],
        "masks": {
            "total": h["masks"],
            "mirror_sourced": h["masks_mirror"],
            "mirror_share": round(h["masks_mirror"] / h["masks"], 4) if h["masks"] else 0.0,
            "rest_of_programme": h["masks_rest_of_programme"],
            "largest_record": h["largest"]["masks"],
        },
    }


def totals_by_unit(flows: pd.DataFrame) -> pd.DataFrame:
    """Counted quantities per unit (never added across units), with the part that is rest of programme."""
    c = flows[flows["counted_quantity"].notna()]
    t = (
        c.assign(
            unit=unit_family(c["quantity_unit"]), rest=c["counted_quantity"].where(c["rest_of_programme"])
        )
        .groupby("unit")
        .agg(total=("counted_quantity", "sum"), rows=("counted_quantity", "size"), rest=("rest", "sum"))
    )
    return t.sort_values("rows", ascending=False).reset_index()


def by_direction(flows: pd.DataFrame) -> pd.DataFrame:
    """Flows (one definition: not programme totals whose details are listed), delivered flows and EUR."""
    g = (
        flows.assign(eur=measure_values(flows, "eur"), flow=~flows["overlaps_details"])
        .groupby("direction", observed=False)
        .agg(
            records=("record_id", "size"),
            flows=("flow", "sum"),
            counted=("counted", "sum"),
            eur=("eur", "sum"),
        )
        .reset_index()
    )
    g["label"] = g["direction"].astype(str).map(lambda d: t(f"dir.{d}", "en"))
    return g[g["records"] > 0].sort_values("flows", ascending=False).reset_index(drop=True)


def funds_total(funds: pd.DataFrame) -> pd.DataFrame:
    """Current versions of money funds only: the two AIMF rows count once."""
    f = funds[funds["is_current_version"] & funds["amount"].notna()]
    return f.groupby(["network", "currency"])["amount"].sum().reset_index()


def timeline(flows: pd.DataFrame, freq: str = "M") -> pd.DataFrame:
    """Flows per period by direction (programme totals whose details are listed are not flows). Only flows
    dated at least to the month are placed in months; year-only and undated rows are counted separately."""
    prec = flows["date_precision"].astype(str)
    ok = flows["date_start"].notna() & (prec.isin(["day", "month"]) if freq == "M" else prec.eq("day"))
    f = flows[ok & ~flows["overlaps_details"]]
    period = f["date_start"].dt.to_period("W-SUN" if freq == "W" else "M").dt.start_time
    t = (
        f.assign(period=period)
        .groupby(["period", "direction", "status"], observed=True)
        .size()
        .rename("flows")
        .reset_index()
    )
    return t


def not_in_timeline(flows: pd.DataFrame, t: pd.DataFrame) -> int:
    """Flows of the view the timeline `t` does not place (dated to a year only, or undated): flows, not records, so
    "443 placed + 131 not drawn" adds up to the 574 flows Home counts (programme totals are neither)."""
    return int((~flows["overlaps_details"]).sum()) - int(t["flows"].sum())


OTHER = "(other)"  # the node of the values beyond the top N of a stage
NOT_STATED = (
    "(not stated)"  # the one node of a stage for rows the source leaves blank (no country, no network…)
)
_NOT_STATED = {"", "unknown", "unclassified", "nan", "None", "<NA>"}
_ORDER = {  # vocabulary order of category stages: a node keeps its place whatever the filter
    "direction": vocab.DIRECTIONS,
    "aid_kind": vocab.AID_KINDS,
    "status": vocab.STATUSES,
    "donor_level": vocab.LEVELS,
    "recipient_level": vocab.LEVELS,
}
SANKEY_MAX_TOP = 40  # the largest N per stage, chosen or automatic


def sankey_view(flows: pd.DataFrame, stages: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """The rows a Sankey of these stages is about: with a `channel` stage (networks), the flows through a network or
    fund only, whatever preset it is in."""
    if "channel" in stages:
        return flows[(flows["channel_network"] != "") | (flows["fund_id"] != "")]
    return flows


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
    df.attrs["colour"] = colour
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
    longest = max((len(t) for t in totals), default=5)
    for n in range(5, max(5, longest) + 1):  # past SANKEY_MAX_TOP only when a long tail needs it
        if all(t[n:].sum() < t[0] and t[n:].sum() <= t.sum() / 2 for t in totals if len(t) > n):
            return n
    return max(5, longest)


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
    *args,
    focus: tuple[str, str] | None = None,
    **kw,
) -> pd.DataFrame:
    """Links between consecutive stages, one per colour category (links are coloured by the rows' direction, or the
    stage given), the top N nodes per stage kept and the rest folded into OTHER; the other arguments are
    `sankey_rows`'s (measure, top_n, colour, funds). `focus` (stage, node) keeps the rows through that node; the
    other nodes keep the names they have in the whole view. `attrs["top_n"]` is the N, `attrs["colour"]` the
    colour stage."""
    df, n = sankey_rows(flows, stages, *args, **kw)
    colour = df.attrs["colour"]
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


def place_pairs(pairs: pd.DataFrame) -> int:
    """Pairs of places that helped each other, from reciprocity_pairs (pairs of a gift and a gift back): two
    places that exchanged several gifts are one pair of places."""
    return len({frozenset(ab) for ab in zip(pairs["first_giver"], pairs["first_receiver"])})


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
