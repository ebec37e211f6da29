"""Controlled lists declared once, in their order (and with their colour where they have one).

Labels live only in the locale files (`locale/*.toml`; the key of each list is named beside it). `schema` builds
its enums from these lists; classification, totals, filters, figures, pages, the CLI and the tests read them here,
so a value added to a list is known everywhere that list is used.
"""

from __future__ import annotations

# Kinds of actor; labels `level.<code>`.
LEVELS = (
    "city",
    "district",
    "county",
    "province",
    "state",
    "region",
    "national_government",
    "network",
    "association",
    "company",
    "ngo",
    "hospital",
)
# What was given; labels `aid.<code>`.
AID_KINDS = (
    "masks",
    "ppe",
    "medical_equipment",
    "ventilators",
    "test_kits",
    "cash",
    "grant_call",
    "patients_treated",
    "medical_team",
    "knowledge_exchange",
    "food",
    "oxygen",
    "vaccines",
    "mixed",
    "other",
)
# How exact an amount is; labels `qual.<code>`.
QUALIFIERS = ("exact", "about", "almost", "more_than", "up_to")
# Precision of a date; a month is never shown as a day.
PRECISIONS = ("day", "month", "year")
# Where a flow stands (one rule on the wording, Methods page); labels `status.<code>`.
STATUSES = ("delivered", "in_transit", "announced", "planned", "cancelled", "unknown")
# Doubts recorded on single flows (issue 15); labels `flag.<code>`.
FLAGS = (
    "donation_or_sale_unclear",
    "figures_identical",
    "sources_disagree",
    "may_overlap",
    "not_covid_aid",
    "date_inferred",
    "count_on_one_day",
    "partly_delivered",
    "lower_confidence_source",
    "status_hint_differs",
)
# How lasting a source address is; labels `stability.<code>`.
STABILITY = ("stable", "listing_page", "temporary_host", "malformed_url")
# What the dossier shows for a chapter figure; labels `check.<code>`.
DOSSIER_CHECKS = ("confirmed", "consistent", "differs", "not_found", "chapter_only", "not_checked")
# Direction categories in display order (legends, sidebar, Sankey nodes), each with its colour: Okabe–Ito,
# colour-blind safe; grey for unclassified, a dark olive for domestic. Labels `dir.<code>`; the rule that gives
# a flow its direction is `classify.RULES`.
DIRECTIONS: dict[str, str] = {
    "china_to_partner": "#D55E00",
    "partner_to_china": "#E69F00",
    "north_north": "#0072B2",
    "north_south": "#009E73",
    "south_south": "#CC79A7",
    "south_north": "#56B4E9",
    "network_to_south": "#7B3294",
    "network_to_north": "#332288",
    "domestic": "#7A6A2F",
    "unclassified": "#999999",
}
# The directions that are not between two countries.
NOT_INTERNATIONAL = ("domestic", "unclassified")
# Second research round: the thin area a record was searched for.
RESEARCH_AREAS = ("2021", "south", "north_south", "north_north")
# World Bank income groups, as the World Bank writes them (data values, not labels).
INCOME_GROUPS = ("Low income", "Lower middle income", "Upper middle income", "High income")
# How an actor is placed on the map (described in the data dictionary).
PLACEMENTS = ("city", "at_named_city", "admin1_capital", "country_point", "ambiguous", "unplaced")
# Where a source comes from (a mirror copy is left out by the "sources" filter).
RELIABILITY = ("original", "mirror_copy", "reference_literature", "user_supplied")
# Rows of the funds table.
FUND_KINDS = ("fund", "programme", "network_profile", "city_programme")
# Dossier file a flow comes from.
SLICES = ("china", "world", "v2", "user")

# What a chart or total counts, with the key of its unit; labels `measure.<code>`, units `unit.<unit>`.
MEASURES: dict[str, str] = {"flows": "flows", "eur": "EUR", "masks": "masks", "patients": "patients"}
# Sankey presets: the stages of each, left to right; labels are the stages' `stage.<stage>`.
SANKEY_PRESETS: dict[str, tuple[str, ...]] = {
    "regions": ("donor_region", "direction", "recipient_region"),
    "levels": ("donor_level", "aid_kind", "recipient_country"),
    "networks": ("channel", "recipient_label"),
    "countries": ("donor_country", "recipient_country"),
}
SANKEY_DEFAULT = "regions"
# What the Sankey's links can be coloured by; labels `stage.<stage>`.
SANKEY_COLOURS = ("direction", "aid_kind", "status", "donor_region", "recipient_region", "donor_level")
# Periods of the timeline with their pandas frequency; labels `tl.per_<frequency>`.
PERIODS: dict[str, str] = {"month": "M", "week": "W"}
# Units the flow map can roll places up to; labels `map.rollup_<value>`.
ROLLUPS = ("place", "country", "region")
# How many of the largest places the flow map names by default.
MAP_LABELS = 8
# Country shading of the flow map; labels `map.shade_<value>`.
SHADES = ("given", "received", "none")
# Answers page: ranking measures (key_side, side "given"/"received") of places and countries.
PLACE_MEASURES = (
    "flows_given",
    "flows_received",
    "partners_helped",
    "helped_by",
    "cash_eur_given",
    "cash_eur_received",
    "in_kind_eur_given",
    "in_kind_eur_received",
    "masks_given",
    "masks_received",
    "patients_given",
    "patients_received",
)
NETWORK_MEASURES = ("flows", "places_helped", "donors", "cash_eur", "in_kind_eur", "masks", "patients")
ENTITIES = ("place", "country", "network")
QUESTIONS = ("rank", "gaps", "recip", "schemes", "networks")  # the page's sections, in the URL as `question`
