"""Plain-language summaries of what a map or Sankey shows, generated from the same
numbers as the chart: for screen readers, for people who cannot see the chart,
and for the text of exports. Place names are data and stay as recorded.
"""
from __future__ import annotations

import pandas as pd

from . import aggregate, classify


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 or float(x).is_integer() else f"{x:,.1f}"


def flows_summary(view: pd.DataFrame, measure: str = "flows", top: int = 3) -> str:
    """E.g. 'The map shows 393 flows … The largest: Harbin → Niigata (…). By direction: China → partner 49%, …'"""
    label, unit = aggregate.MEASURES[measure]
    if view.empty:
        return "The map shows no flows: no record matches the current filters."
    from .figures.flowmap import arcs_table

    arcs = arcs_table(view, measure).sort_values("value", ascending=False)
    values = aggregate.measure_values(view, measure)
    total = float(values.sum())
    n_places = len(set(view.loc[view["donor_lat"].notna(), "donor_label"]) | set(view.loc[view["recipient_lat"].notna(), "recipient_label"]))
    countries = (set(view["donor_country_iso3"]) | set(view["recipient_country_iso3"])) - {""}
    if measure == "flows":
        head = (f"The map shows {_num(total)} flows ({len(view):,} records; programme totals whose detailed rows are listed are not counted twice) "
                f"between {n_places:,} placed places in {len(countries):,} countries.")
    else:
        head = (f"The map shows {len(view):,} records between {n_places:,} placed places in {len(countries):,} countries; "
                f"{label.lower()}: {_num(total)} {unit} in total (delivered rows only).")
    parts = [head]
    if len(arcs):
        big = "; ".join(f"{r.donor_label} → {r.recipient_label} ({_num(r.value)} {unit})" for r in arcs.head(top).itertuples())
        parts.append(f"The largest {'arc' if len(arcs) == 1 else f'{min(top, len(arcs))} arcs'}: {big}.")
    by = values.groupby(view["direction"].astype(str)).sum()
    by = by[by > 0].sort_values(ascending=False)
    if total > 0 and len(by):
        share = ", ".join(f"{classify.DIRECTION_LABELS.get(d, d)} {v / total:.0%}" for d, v in by.items())
        parts.append(f"Share by direction: {share}.")
    unplaced = int((view["donor_lat"].isna() | view["recipient_lat"].isna()).sum())
    if unplaced:
        parts.append(f"{unplaced:,} flows have an end that cannot be placed and are not drawn.")
    return " ".join(parts)


def links_summary(links: pd.DataFrame, unit: str, stage_labels: dict[str, str], top: int = 3) -> str:
    """What a Sankey shows: its stages, the total and the largest links between stages."""
    if links.empty:
        return "The diagram shows no links: nothing matches the current filters."
    first = links[links["source_stage"] == links["source_stage"].iloc[0]]
    total = float(first["value"].sum())
    stages = list(dict.fromkeys(list(links["source_stage"]) + list(links["target_stage"])))
    def name(x):
        return classify.DIRECTION_LABELS.get(str(x), str(x))

    big = "; ".join(f"{name(r.source)} → {name(r.target)} ({_num(r.value)} {unit})"
                    for r in links.sort_values("value", ascending=False).head(top).itertuples())
    return (f"The diagram follows {_num(total)} {unit} through the stages {' → '.join(stage_labels.get(s, s) for s in stages)}. "
            f"The largest links: {big}.")


def partnerships_summary(p: pd.DataFrame, drawn: int, top: int = 3) -> str:
    """What the partnership map shows: how many pairs, how many drawn, the places with most partners."""
    if p.empty:
        return "The map shows no partnerships."
    names = pd.concat([p["city_a"], p["city_b"]]).value_counts()
    busiest = "; ".join(f"{c} ({n} partners)" for c, n in names.head(top).items())
    return (f"The map shows {drawn:,} of {len(p):,} stated partnerships as lines between the two cities; the others have a partner "
            f"the gazetteer cannot place. Places with the most stated partners: {busiest}.")
