"""Every table's schema, declared once; its enums are the controlled lists of `coop_data.vocab`.

Validation (`coop_data.validate`), the data dictionary shown in the app and
`datapackage.json` are all derived from these declarations, so a field
documented here is a field checked everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import vocab


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | integer | number | boolean
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    unit: str | None = None
    pattern: str | None = None
    minimum: float | None = None

    def frictionless(self) -> dict:
        d = {"name": self.name, "type": self.type, "description": self.description}
        cons = {}
        if self.required:
            cons["required"] = True
        if self.enum:
            cons["enum"] = list(self.enum)
        if self.pattern:
            cons["pattern"] = self.pattern
        if self.minimum is not None:
            cons["minimum"] = self.minimum
        if cons:
            d["constraints"] = cons
        if self.unit:
            d["unit"] = self.unit
        return d


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: str | None = None
    foreign_keys: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


ISO3 = r"^[A-Z]{3}$"
DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
URL = r"^https?://"


def _point(lat: str, lon: str, of: str) -> tuple[Field, Field]:
    """A latitude/longitude pair in degrees; `of` ends both descriptions."""
    return (
        Field(lat, "number", f"Latitude {of}", unit="degrees"),
        Field(lon, "number", f"Longitude {of}", unit="degrees"),
    )


def _cited(page: str) -> tuple[Field, Field]:
    """The page a row comes from and its row in the sources table."""
    return (
        Field("source_url", "string", page, required=True, pattern=URL),
        Field("source_id", "string", "sources.source_id.", required=True),
    )


def _side(side: str) -> tuple[Field, ...]:
    who = "giving" if side == "donor" else "receiving"
    return (
        Field(f"{side}_name", "string", f"Name of the {who} actor as the source spells it.", required=True),
        Field(f"{side}_level", "string", f"Kind of {who} actor.", required=True, enum=vocab.LEVELS),
        Field(f"{side}_city", "string", f"City of the {who} actor when the source names it."),
        Field(
            f"{side}_country_iso3",
            "string",
            f"ISO 3166-1 alpha-3 country of the {who} actor; empty when the source does not say.",
            pattern=ISO3,
        ),
    )


INTERCHANGE_FIELDS: tuple[Field, ...] = (
    Field("record_id", "string", "Stable id of the record (dossier ids CN-…, WD-… are kept).", required=True),
    Field(
        "date",
        "string",
        "Date of the event as precise as the source: YYYY, YYYY-MM or YYYY-MM-DD; empty when unknown.",
        pattern=DATE,
    ),
    Field(
        "date_precision",
        "string",
        "Precision of `date`; a month is never shown as a day.",
        enum=vocab.PRECISIONS,
    ),
    *_side("donor"),
    *_side("recipient"),
    Field("aid_kind", "string", "What was given.", required=True, enum=vocab.AID_KINDS),
    Field("items", "string", "The items in the source's words."),
    Field(
        "quantity",
        "number",
        "The single main quantity the source states (never a sum).",
        unit="see quantity_unit",
        minimum=0,
    ),
    Field(
        "quantity_unit",
        "string",
        "Unit of `quantity` (masks, patients, tonnes …); unlike units are never added.",
    ),
    Field("amount", "number", "Money amount in `currency`.", unit="see currency", minimum=0),
    Field("currency", "string", "ISO 4217 code of `amount`.", pattern=r"^[A-Z]{3}$"),
    Field(
        "amount_qualifier",
        "string",
        "How exact the amount (or, without amount, the quantity) is.",
        enum=vocab.QUALIFIERS,
    ),
    Field("channel_network", "string", "Network, fund or intermediary the flow went through."),
    Field("relationship_stated", "string", "Relationship between the two sides as the source states it."),
    Field("summary", "string", "One-sentence paraphrase of the source."),
    Field("source_url", "string", "Page the record comes from.", required=True, pattern=URL),
    Field("source_publisher", "string", "Publisher of the source page."),
    Field("source_date", "string", "Publication date of the source page.", pattern=DATE),
)

FLOW_EXTRA_FIELDS: tuple[Field, ...] = (
    Field(
        "status",
        "string",
        "By one rule on the wording (Methods page): delivered (arrival, handover or gift reported), in_transit (sent or "
        "under way, arrival not reported), announced (offered, pledged, committed), planned, cancelled or unknown.",
        enum=vocab.STATUSES,
    ),
    Field("status_basis", "string", "Why the record has its status (dossier note or wording of the source)."),
    Field("is_aggregate", "boolean", "True for programme totals that overlap detailed rows."),
    Field("parent_id", "string", "record_id of the programme total that contains this detailed row."),
    Field("parent_basis", "string", "Why the row is linked to its parent."),
    Field("fund_id", "string", "Fund or programme (funds.fund_id) this flow belongs to."),
    *_point("donor_latitude", "donor_longitude", "of the donor, if the user supplies it (interchange only)."),
    *_point(
        "recipient_latitude",
        "recipient_longitude",
        "of the recipient, if the user supplies it (interchange only).",
    ),
)

FLOWS = Table(
    "flows",
    "Solidarity flows",
    "One row per donor → recipient flow (shipment, grant, patient transfer, exchange) with its source.",
    (
        *INTERCHANGE_FIELDS,
        *FLOW_EXTRA_FIELDS[:6],
        Field(
            "flags",
            "string",
            "Doubts on this record, ';'-separated codes: "
            + ", ".join(vocab.FLAGS)
            + " (labels in the interface).",
        ),
        Field("flag_note", "string", "The doubt behind each flag, in the dossier's words."),
        Field("donor_actor_id", "string", "actors.actor_id of the donor.", required=True),
        Field("recipient_actor_id", "string", "actors.actor_id of the recipient.", required=True),
        Field("source_id", "string", "sources.source_id of `source_url`.", required=True),
        Field(
            "slice",
            "string",
            "Dossier file the record comes from (v2: the second research round, v2/flows_v2.csv).",
            enum=vocab.SLICES,
        ),
        Field(
            "research_area",
            "string",
            "Second round only: the thin area the record was searched for (2021, south, north_south, north_north).",
            enum=vocab.RESEARCH_AREAS,
        ),
        Field(
            "research_note",
            "string",
            "Second round: doubt from the research notes shown with the record: a year inferred from context "
            "(not printed on the page), the likely year of an undated record (its date stays empty), a possible "
            "overlap with another record.",
        ),
    ),
    primary_key="record_id",
    foreign_keys=(
        ("donor_actor_id", "actors", "actor_id"),
        ("recipient_actor_id", "actors", "actor_id"),
        ("source_id", "sources", "source_id"),
    ),
)

ACTORS = Table(
    "actors",
    "Actors and places",
    "Every donor and recipient, with where (and how honestly) it is placed on the map.",
    (
        Field("actor_id", "string", "Stable id derived from name, level, city and country.", required=True),
        Field("name", "string", "Name as the source spells it.", required=True),
        Field("level", "string", "Kind of actor.", required=True, enum=vocab.LEVELS),
        Field("city", "string", "City named by the source."),
        Field("country_iso3", "string", "ISO 3166-1 alpha-3 country; empty when unknown.", pattern=ISO3),
        *_point("latitude", "longitude", "of the placement; empty when unplaced."),
        Field(
            "placement",
            "string",
            "city: a city actor at its gazetteer city; at_named_city: a non-city actor at the city the source names; "
            "admin1_capital: a province/prefecture/state (or a place the gazetteer lacks in its named province) "
            "at that province's capital; country_point: no city named, drawn at a point inside its country "
            "(approximate); ambiguous: several same-named places and nothing decides, not drawn; unplaced.",
            required=True,
            enum=vocab.PLACEMENTS,
        ),
        Field("geonameid", "integer", "GeoNames id of the matched place."),
        Field("gazetteer_name", "string", "Name of the matched GeoNames place."),
        Field("place_note", "string", "How the place was matched, or why it is unplaced."),
    ),
    primary_key="actor_id",
)

PARTNERSHIPS = Table(
    "partnerships",
    "Partnerships",
    "City pairs a source states as twinned, sister, friendship or cooperating.",
    (
        Field(
            "partnership_id",
            "string",
            "Stable id (PC-… from the China file, PW-… from the world file).",
            required=True,
        ),
        Field("city_a", "string", "First partner as the source spells it.", required=True),
        Field("country_a_iso3", "string", "Country of the first partner.", pattern=ISO3),
        Field("city_b", "string", "Second partner as the source spells it.", required=True),
        Field("country_b_iso3", "string", "Country of the second partner.", pattern=ISO3),
        Field("relationship", "string", "Relationship in the source's words."),
        Field("since_year", "integer", "Founding year, only when the source states it.", unit="year"),
        Field("themes", "string", "Themes of the partnership named by the source."),
        *_point("latitude_a", "longitude_a", "of partner A (gazetteer)."),
        *_point("latitude_b", "longitude_b", "of partner B (gazetteer)."),
        *_cited("Page stating the relationship."),
    ),
    primary_key="partnership_id",
)

FUNDS = Table(
    "funds",
    "Network funds, programmes and profiles",
    "City-network emergency funds and programmes, network profile rows and a few city-level funds.",
    (
        Field("fund_id", "string", "Dossier id NF-…", required=True),
        Field("network", "string", "Network (or city programme) short name.", required=True),
        Field("network_full_name", "string", "Full name of the network."),
        Field("fund_name", "string", "Name of the fund, programme or profile row.", required=True),
        Field(
            "kind",
            "string",
            "fund, programme, network_profile or city_programme.",
            required=True,
            enum=vocab.FUND_KINDS,
        ),
        Field("launch_date", "string", "Launch date as precise as the source.", pattern=DATE),
        Field("launch_date_precision", "string", "Precision of launch_date.", enum=vocab.PRECISIONS),
        Field("amount", "number", "Amount in `currency`.", unit="see currency", minimum=0),
        Field("currency", "string", "ISO 4217.", pattern=r"^[A-Z]{3}$"),
        Field("amount_qualifier", "string", "Qualifier of the amount.", enum=vocab.QUALIFIERS),
        Field(
            "beneficiaries_count",
            "integer",
            "Number of beneficiaries the source gives.",
            unit="beneficiaries",
        ),
        Field("beneficiaries_description", "string", "Who benefits, in the source's words."),
        Field("target_region", "string", "Target region in the source's words."),
        Field("members_count", "integer", "Members of the network (profile rows).", unit="members"),
        Field(
            "member_countries_count", "integer", "Countries of the members (profile rows).", unit="countries"
        ),
        Field("founded_year", "integer", "Founding year of the network.", unit="year"),
        Field("summary", "string", "Paraphrase of the source."),
        Field(
            "version_group",
            "string",
            "Rows that are versions of one fund share this id; only the current version is added to totals.",
        ),
        Field("is_current_version", "boolean", "True for the version counted in totals."),
        *_cited("Page the row comes from."),
    ),
    primary_key="fund_id",
)

FACTS = Table(
    "facts",
    "Figures from the reference chapter",
    "Seed figures from Kihlgren Grandi (2020), 'Decentralized Cooperation', City Diplomacy, Springer, DOI 10.1007/978-3-030-60717-3_3.",
    (
        Field("fact_id", "string", "Dossier id SF-…", required=True),
        Field("topic", "string", "flow, fund, network, partnership or city.", required=True),
        Field("subject", "string", "Who or what the figure is about.", required=True),
        Field("fact", "string", "The statement.", required=True),
        Field("value", "number", "The figure, when there is one.", unit="see unit"),
        Field("unit", "string", "Unit of value."),
        Field("qualifier", "string", "Qualifier of value.", enum=vocab.QUALIFIERS),
        Field("year", "integer", "Year the figure refers to.", unit="year"),
        Field("cited_in_chapter_as", "string", "The chapter's own citation."),
        Field("source_id", "string", "sources.source_id (the chapter).", required=True),
        Field(
            "found_in_dossier",
            "string",
            "What the research found for this figure (e.g. not found, or the record that confirms it).",
        ),
        Field(
            "dossier_check",
            "string",
            "confirmed (a dossier row states the same), consistent (a row states a sum of this and related "
            "figures), differs (a row states another figure), not_found, chapter_only, or not_checked.",
            enum=vocab.DOSSIER_CHECKS,
        ),
        Field(
            "dossier_ids",
            "string",
            "Dossier rows (flows, funds, partnerships) the check rests on, ';'-separated.",
        ),
    ),
    primary_key="fact_id",
)

SOURCES = Table(
    "sources",
    "Sources",
    "Every page or publication a record rests on.",
    (
        Field("source_id", "string", "Stable id derived from the URL.", required=True),
        Field("url", "string", "Address of the page (or DOI link).", required=True, pattern=URL),
        Field("publisher", "string", "Publisher as recorded."),
        Field("date", "string", "Publication date when known.", pattern=DATE),
        Field(
            "reliability",
            "string",
            "original, mirror_copy (a copy of a wire story on an unrelated domain), reference_literature, or user_supplied (cited in an imported file, not checked by the project).",
            required=True,
            enum=vocab.RELIABILITY,
        ),
        Field("records", "integer", "How many records cite this source.", unit="records"),
        Field(
            "stability",
            "string",
            "How lasting the address is: stable (an article), listing_page (category, tag, archive or news list: "
            "its content changes), temporary_host (pre-production host or bare IP address) or malformed_url "
            "(e.g. ends in '+'). Anything but stable is a weaker source.",
            enum=vocab.STABILITY,
        ),
        Field(
            "url_original",
            "string",
            "The address as the dossier cited it, when tracking parameters (utm_*, fbclid …) were removed from `url`.",
        ),
    ),
    primary_key="source_id",
)

COUNTRIES = Table(
    "countries",
    "Countries",
    "Natural Earth admin-0 (public domain): UN M49 region and sub-region, World Bank income group and Natural Earth economy class.",
    (
        Field("iso3", "string", "ISO 3166-1 alpha-3 (Natural Earth ISO_A3_EH).", required=True, pattern=ISO3),
        Field("name", "string", "Country name.", required=True),
        Field("region", "string", "UN M49 region (Natural Earth REGION_UN)."),
        Field("subregion", "string", "UN M49 sub-region (Natural Earth SUBREGION)."),
        Field(
            "income_group",
            "string",
            "Natural Earth INCOME_GRP: World Bank lists of about 2010–12, for reference only; directions use "
            "wb_income (the list in force at the flow's date).",
        ),
        Field(
            "economy",
            "string",
            "Natural Earth ECONOMY class (developed / emerging / developing / least developed).",
        ),
        *_point("lat", "lon", "of a point inside the main landmass."),
    ),
    primary_key="iso3",
)

FX_RATES = Table(
    "fx_rates",
    "Exchange rates",
    "Annual average units of currency per euro, used to give every money amount EUR and USD values.",
    (
        Field("currency", "string", "ISO 4217.", required=True, pattern=r"^[A-Z]{3}$"),
        Field("year", "integer", "Year of the average.", required=True, unit="year"),
        Field(
            "units_per_eur",
            "number",
            "Annual average of the daily reference rate.",
            required=True,
            unit="currency units per EUR",
        ),
        Field("source", "string", "Where the rate comes from.", required=True),
    ),
)

EXCLUDED = Table(
    "excluded_flows",
    "Excluded dossier flows",
    "Dossier flow records not bundled, each with its reason (empty when every record is bundled).",
    (
        Field("record_id", "string", "Dossier id.", required=True),
        Field("reason", "string", "Why it is not bundled.", required=True),
    ),
    primary_key="record_id",
)

CHANGES = Table(
    "changes",
    "Changes since v0.1",
    "Every flow value a v0.2 curation rule changed (status, quantity, source address, programme link, the point "
    "a side is drawn at), with the value v0.1 shipped and the rule (Methods page).",
    (
        Field("record_id", "string", "The flow (flows.record_id).", required=True),
        Field("field", "string", "The column that changed.", required=True),
        Field("v01_value", "string", "The value in data version 0.1."),
        Field("value", "string", "The value now."),
        Field("rule", "string", "The rule that changed it, and its words.", required=True),
    ),
)

WB_INCOME = Table(
    "wb_income",
    "World Bank income groups by fiscal year",
    "World Bank analytical income classification in force in each fiscal year (FY2021 = 1 July 2020 – 30 June "
    "2021), from the World Bank's historical classification by income (OGHIST.xlsx, sheet 'Country Analytical "
    "History', https://datacatalogfiles.worldbank.org/ddh-published/0037712/DR0090754/OGHIST.xlsx). High income = "
    "North under the default scheme.",
    (
        Field(
            "iso3", "string", "World Bank economy code (ISO 3166-1 alpha-3 where one exists).", required=True
        ),
        Field(
            "fiscal_year",
            "integer",
            "World Bank fiscal year: FY N runs 1 July N-1 – 30 June N and uses GNI per capita of year N-2.",
            required=True,
            unit="year",
        ),
        Field(
            "income_group",
            "string",
            "Income group in force that fiscal year.",
            required=True,
            enum=vocab.INCOME_GROUPS,
        ),
        Field("source", "string", "Where the group comes from.", required=True),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        FLOWS,
        ACTORS,
        PARTNERSHIPS,
        FUNDS,
        FACTS,
        SOURCES,
        COUNTRIES,
        FX_RATES,
        EXCLUDED,
        WB_INCOME,
        CHANGES,
    )
}
