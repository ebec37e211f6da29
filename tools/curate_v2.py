"""The second research round (`v2/flows_v2.csv`, 194 rows) into bundled flows, with the first round's rules.

Decisions (issue 15; the README's "Traps" and notes_v2.md):
- Every row is either bundled or listed in excluded_flows.csv with its reason.
- `evidence_quote` is for checking a record against its page: it is dropped here and never bundled.
- `status_hint` -> status with STATUS_HINT (the product's five statuses; `status_basis` cites the hint).
- Domestic flows (both sides in one country: the Manaus patient transfers of 2021) are kept; the direction
  rule classifies them `domestic`, outside every international category.
- Rows with a `network` side (totals to or from several places) are programme totals (`is_aggregate`), as in
  the first round's China slice. WD-1019 (a running total to Champasak) is one too. No detail row is linked to a
  v2 total: the only single gifts they may contain (WD-1003 in WD-1019; CN-5004 in the first round's CN-0221)
  are planned, not delivered, so no delivered total double counts; the doubt is in `research_note`.
- `grant_call` (calls for projects) keeps its own aid kind; recipients are projects, so the recipient country
  is often blank and the flow unclassified rather than guessed.
- Non-city donors (twinning associations, Rotary, friendship societies, a sister-city network) are kept where
  the page names the city link; their level says what they are and the level filters can leave them out.
- National governments as donors are kept when the recipient is a subnational place or a hospital in a named
  city (as the first round's WD-0112); records with no local or regional government on either side and no city
  link are excluded (EXCLUDE).
- Inferred years and the likely year of undated rows are shown in `research_note`; undated rows stay undated.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

NOTES = "notes_v2.md"
AREAS = ("2021", "south", "north_south", "north_north")

# status_hint -> (status, basis). Pending the lead's single status rule, this table is the v2 rule.
STATUS_HINT = {
    "delivered": ("delivered", "v2 status_hint 'delivered': the page reports the gift as given"),
    "planned": ("planned", "v2 status_hint 'planned': the page reports it as planned or under way"),
    "pledged": ("announced", "v2 status_hint 'pledged': pledged or committed, delivery not reported"),
    "offered": ("announced", "v2 status_hint 'offered': an offer, no gift reported"),
    "cancelled": ("cancelled", "v2 status_hint 'cancelled': offered, then cancelled or not accepted"),
    "unclear": ("unknown", "v2 status_hint 'unclear': the page does not say whether it was delivered"),
}

# Copies of other publishers' stories on unrelated domains (the first round's `mirror_copy` rule).
MIRROR_DOMAINS = (
    "cambodia.craigslists.biz",  # machine-translated scrape of Koh Santepheap (CN-2007)
    "dizhi.news3.cn",  # China News Service republished
    "m.kcqsx.com",  # Xinhua republished
    "ksrykj.com",  # Yunnan Daily republished
    "en.tibetol.cn",  # China Daily republished
    "rsemfoco.com.br",  # G1 RS republished
    "reader.mediawiremobile.com",  # City of Windsor minutes in a third-party reader
)

_NO_GOV = "no local or regional government on either side and no city link stated"
EXCLUDE = {
    "CN-5007": f"{_NO_GOV}: a provincial friendship association and a private eye hospital giving to Nepal's "
    "consulate general (national)",
    "CN-5009": f"{_NO_GOV}: Buddhist associations and temples giving to 'the Nepali side' ({NOTES}: borderline, "
    "drop if only government or city bodies count as donors)",
    "WD-2012": f"{_NO_GOV}: Bosniak diaspora associations in Istanbul giving to health institutions of "
    "Sandžak towns",
    "WD-2028": f"{_NO_GOV}: a Bosniak diaspora platform in Turkey giving to a temporary hospital in Novi Pazar",
}

_BINH_DINH = "year 2021 and month inferred from the text; the page shows no date"
RESEARCH_NOTES = {
    **{r: _BINH_DINH for r in ("WD-1002", "WD-1004", "WD-1005")},
    "WD-1003": f"{_BINH_DINH}; may be inside the running total WD-1019 (not linked: this gift is planned)",
    "WD-1017": "year 2021 inferred from context; the page prints '28 December' without a year",
    "WD-1018": "no year on the page: almost certainly 18 June 2021 (same series as WD-1009 and WD-1011)",
    "WD-1019": "undated running total of 16 provinces and 3 cities; the anniversaries in the text point to 2021 "
    "or 2022; may overlap single gifts to Champasak (WD-1003)",
    "CN-1002": "year 2020 taken from another page (ynpaffc, behind CN-1008); this page gives '11月26日' only",
    "CN-1009": "no year on the page ('August 30'): probably 2021",
    "CN-6002": "no year on the page ('early April this year'): probably 2021",
    "WD-2011": "year 2020 inferred from context; the page prints '3 Eylül' without a year",
    "WD-3009": "year 2020 from the page's context ('depuis le mois de mars 2020'); the page is undated",
    "WD-3014": "the page is undated; 'este año … crisis sanitaria' implies 2020",
    "CN-4002": "year 2020 inferred from context (lockdown wording); the page is undated",
    "WD-4012": "the page gives March–April only in passing: precision set to the year",
    "WD-4015": "no date on the page (the ceremony was 'on Monday'): probably mid-2020",
    "WD-4016": "no date on the page (the ceremony was 'on Monday'): probably mid-2020",
    "WD-4024": "no date on the page; the context puts it in spring 2020",
    "WD-4031": "year only: the article's date (about 31 March – 1 April 2020) is inferred from its case count",
    "CN-4005": "may or may not be inside the first round's CN-0216 (Harbin's gifts to Italy)",
    "CN-5003": "no date on the page: probably mid-2020; the donor's name is spelt three ways (read as Xining)",
    "CN-5004": "may be the Nepal part of the first round's total CN-0221 (not linked: this gift is planned)",
    "WD-5001": "approximate date: the late-April 2021 article cites 27 April figures (its URL says 2021/10/08)",
    "WD-6007": "no date on the page: most likely 2021–22 (a February 2022 page gives a higher running total)",
    "WD-6025": "the page of February 2021 speaks of the project in the past tense: the gift may be from 2020",
    "WD-6029": "year not printed ('8월26일'): the article numbering suggests 2021",
    "WD-6030": "year not printed ('4월8일'): the article numbering suggests 2021",
}
EXTRA_AGGREGATES = ("WD-1019",)


def sid(url: str) -> str:
    return "S-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]


def read_v2(dossier: Path) -> pd.DataFrame:
    return pd.read_csv(dossier / "v2" / "flows_v2.csv", dtype=str, keep_default_na=False, encoding="utf-8")


def status_of(hints: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(status, status_basis) from the researchers' status_hint; an unknown hint is an error, not a guess."""
    unknown = sorted(set(hints) - set(STATUS_HINT))
    if unknown:
        raise ValueError(f"flows_v2.csv, column status_hint: unknown values {unknown}")
    return hints.map(lambda h: STATUS_HINT[h][0]), hints.map(lambda h: STATUS_HINT[h][1])


def curate_v2(dossier: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(bundled v2 flows, excluded v2 rows with their reasons)."""
    raw = read_v2(dossier)
    bad_area = sorted(set(raw["research_area"]) - set(AREAS))
    if bad_area:
        raise ValueError(f"flows_v2.csv, column research_area: unknown values {bad_area}")
    excluded = pd.DataFrame(
        [{"record_id": r, "reason": f"second round: {why}"} for r, why in EXCLUDE.items()],
        columns=["record_id", "reason"],
    )
    flows = raw[~raw["record_id"].isin(EXCLUDE)].drop(columns=["evidence_quote"]).copy()
    flows["status"], flows["status_basis"] = status_of(flows.pop("status_hint"))
    flows["slice"] = "v2"
    flows["is_aggregate"] = (
        flows["donor_level"].eq("network")
        | flows["recipient_level"].eq("network")
        | flows["record_id"].isin(EXTRA_AGGREGATES)
    )
    flows["parent_id"], flows["parent_basis"], flows["fund_id"] = "", "", ""
    flows["research_note"] = flows["record_id"].map(RESEARCH_NOTES).fillna("")
    flows["source_id"] = flows["source_url"].map(sid)
    return flows.reset_index(drop=True), excluded
