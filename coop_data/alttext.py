"""Plain-language summaries of what a map or Sankey shows, generated from the same
numbers as the chart: for screen readers, for people who cannot see the chart,
and for the text of exports. Place names are data and stay as recorded.
"""

from __future__ import annotations

import pandas as pd

from . import aggregate, vocab
from .figures.common import unit_word
from .i18n import CATALOG, category, month, number, t

t_ = t  # `t` is also the usual name of a timeline table


def _num(x: float, lang: str = "en") -> str:
    return number(x, lang) if abs(x) >= 10 or float(x).is_integer() else number(x, lang, 1)


def _pct(x: float, lang: str) -> str:
    return t("num.percent", lang, n=f"{x * 100:.0f}")


def flows_summary(view: pd.DataFrame, measure: str = "flows", top: int = 3, lang: str = "en") -> str:
    """E.g. 'The map shows 393 flows … The largest: Harbin → Niigata (…). By direction: China → partner 49%, …'"""
    unit = t(f"unit.{vocab.MEASURES[measure]}", lang)
    if view.empty:
        return t("alt.map_empty", lang)
    from .figures.flowmap import ranked_arcs

    arcs, n_arcs = ranked_arcs(
        view, measure, top=top
    )  # the largest only: names of a million arcs are not read
    values = aggregate.measure_values(view, measure)
    total = float(values.sum())
    # distinct values first: a set of every row's value walked 400,000 strings one by one at 100,000 flows
    n_places = len(
        set(view.loc[view["donor_lat"].notna(), "donor_label"].unique())
        | set(view.loc[view["recipient_lat"].notna(), "recipient_label"].unique())
    )
    countries = (set(view["donor_country_iso3"].unique()) | set(view["recipient_country_iso3"].unique())) - {
        ""
    }
    kw = dict(
        records=number(len(view), lang), places=number(n_places, lang), countries=number(len(countries), lang)
    )
    if measure == "flows":
        head = t("alt.map_flows", lang, total=_num(total, lang), **kw)
    else:
        head = t(
            "alt.map_measure",
            lang,
            measure=t(f"measure.{measure}", lang).lower(),
            total=_num(total, lang),
            unit=unit,
            **kw,
        )
    parts = [head]
    if n_arcs:
        big = "; ".join(
            f"{r.donor_label} → {r.recipient_label} ({_num(r.value, lang)} {unit_word(unit, r.value, lang)})"
            for r in arcs.itertuples()
        )
        parts.append(
            t(
                "alt.largest_arc" if n_arcs == 1 else "alt.largest_arcs",
                lang,
                n=min(top, n_arcs),
                list=big,
            )
        )
    by = values.groupby(view["direction"].astype(str)).sum()
    by = by[by > 0].sort_values(ascending=False)
    if total > 0 and len(by):
        share = ", ".join(f"{category('direction', d, lang)} {_pct(v / total, lang)}" for d, v in by.items())
        parts.append(t("alt.share", lang, list=share))
    # flows, as the caption under the map counts them: a programme total with listed details is a record, not a flow
    unplaced = int(
        ((view["donor_lat"].isna() | view["recipient_lat"].isna()) & ~view["overlaps_details"]).sum()
    )
    if unplaced:
        parts.append(t("alt.unplaced", lang, n=number(unplaced, lang)))
    return " ".join(parts)


def links_summary(links: pd.DataFrame, unit: str, top: int = 3, lang: str = "en") -> str:
    """What a Sankey shows: its stages, the total and the largest links between stages."""
    from .figures.sankey import node_name

    if links.empty:
        return t("alt.sankey_empty", lang)
    first = links[links["source_stage"] == links["source_stage"].iloc[0]]
    total = float(first["value"].sum())
    stages = list(dict.fromkeys(list(links["source_stage"]) + list(links["target_stage"])))
    big = "; ".join(
        f"{node_name(r.source_stage, str(r.source), lang)} → {node_name(r.target_stage, str(r.target), lang)} ({_num(r.value, lang)} {unit_word(unit, r.value, lang)})"
        for r in links.sort_values("value", ascending=False).head(top).itertuples()
    )
    return t(
        "alt.sankey",
        lang,
        total=_num(total, lang),
        unit=unit,
        stages=" → ".join(t(f"stage.{s}", lang) for s in stages),
        list=big,
    )


def partnerships_summary(p: pd.DataFrame, drawn: int, top: int = 3, lang: str = "en") -> str:
    """What the partnership map shows: how many pairs, how many drawn, the places with most partners."""
    if p.empty:
        return t("alt.partners_empty", lang)
    names = pd.concat([p["city_a"], p["city_b"]]).value_counts()
    busiest = "; ".join(t("alt.partners_of", lang, place=c, n=n) for c, n in names.head(top).items())
    return t("alt.partners", lang, drawn=number(drawn, lang), total=number(len(p), lang), list=busiest)


def animated_summary(note: dict, lang: str = "en") -> str:
    """What the week-by-week map shows: how many flows, and the busiest week."""
    busiest = max(note["per_week"], key=lambda x: x[1]) if note.get("per_week") else ("", 0)
    when = month(busiest[0], lang, day=True) if busiest[0] else "–"
    return t("alt.animated", lang, n=number(note["drawn"], lang), week=when, k=busiest[1])


def timeline_summary(t: pd.DataFrame, not_placed: int, freq: str = "M", lang: str = "en") -> str:
    """E.g. 'Bars of 330 flows per month, Jan 2020 to Dec 2021; the busiest month is Feb 2020 with 77 flows, most of
    them China → partner (53). 63 flows dated only to the year, or undated, are not drawn.'"""
    if t.empty:
        return t_("alt.map_empty", lang)
    per = t.groupby("period")["flows"].sum()
    peak = per.idxmax()
    top_dir = (
        t[t["period"] == peak].groupby("direction", observed=True)["flows"].sum().sort_values().index[-1]
    )
    top_n = int(t[(t["period"] == peak) & (t["direction"] == top_dir)]["flows"].sum())
    return t_(
        f"alt.timeline_{freq}",
        lang,
        n=number(int(per.sum()), lang),
        first=month(per.index.min(), lang, day=freq == "W"),
        last=month(per.index.max(), lang, day=freq == "W"),
        peak=month(peak, lang, day=freq == "W"),
        k=number(int(per.max()), lang),
        direction=category("direction", str(top_dir), lang),
        d=number(top_n, lang),
        left=number(not_placed, lang),
    )


def funds_summary(tot: pd.DataFrame, lang: str = "en") -> str:
    items = "; ".join(
        f"{r.network}: {qualified(r.amount, r.amount_qualifier, r.currency, lang)}" for r in tot.itertuples()
    )
    return t("alt.funds", lang, list=items)


def qualified(amount: float, qualifier: str, currency: str, lang: str = "en") -> str:
    """'about EUR 500,000' / 'environ 500 000 EUR' / 'about 300 people': the qualifier stays with the figure it qualifies."""
    q = t(f"qual.{qualifier}", lang) if f"qual.{qualifier}" in CATALOG else ""
    is_code = len(currency) == 3 and currency.isupper()
    money = (
        f"{currency} {number(amount, lang)}"
        if lang == "en" and is_code
        else f"{number(amount, lang)} {currency}"
    )
    return f"{q} {money}".strip()
