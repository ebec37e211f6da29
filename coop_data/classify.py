"""North/South groups and direction categories of flows.

Two documented schemes, both read from Natural Earth admin-0 (public domain),
so every country on the map has a group from the same release:

* ``income`` (default): World Bank income group as carried by Natural Earth
  (INCOME_GRP). High-income countries (OECD or not) are North, all others South.
* ``economy``: Natural Earth ECONOMY class. "Developed region" (G7 and non-G7)
  is North; emerging, developing and least developed regions are South.

Taiwan: the dossier codes Taiwanese cities as TWN. TWN is treated as its own
country, classified by the active scheme (North in both) and never as
mainland China; likewise Hong Kong (HKG) and Macao (MAC). "china_to_partner"
and "partner_to_china" mean mainland China (CHN) only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SCHEMES = {
    "income": {
        "label": "World Bank income groups (high income = North)",
        "source": "World Bank income groups as carried by Natural Earth admin-0 v5 (INCOME_GRP)",
        "column": "income_group",
        "north": lambda s: s.str.startswith("High income"),
    },
    "economy": {
        "label": "Developed / developing (Natural Earth ECONOMY)",
        "source": "Natural Earth admin-0 v5 ECONOMY class (developed regions = North)",
        "column": "economy",
        "north": lambda s: s.str.startswith("Developed region"),
    },
}
DEFAULT_SCHEME = "income"
MAINLAND_CHINA = "CHN"

DIRECTION_LABELS = {
    "china_to_partner": "China → partner",
    "partner_to_china": "Partner → China",
    "north_north": "North → North",
    "north_south": "North → South",
    "south_south": "South → South",
    "south_north": "South → North",
    "network_to_south": "Network → South",
    "network_to_north": "Network → North",
    "unclassified": "Unclassified (country unknown)",
}
# Okabe–Ito, colour-blind safe; grey for unclassified.
DIRECTION_COLORS = {
    "china_to_partner": "#D55E00",
    "partner_to_china": "#E69F00",
    "north_north": "#0072B2",
    "north_south": "#009E73",
    "south_south": "#CC79A7",
    "south_north": "#56B4E9",
    "network_to_south": "#7B3294",
    "network_to_north": "#332288",
    "unclassified": "#999999",
}


def groups(countries: pd.DataFrame, scheme: str = DEFAULT_SCHEME) -> pd.Series:
    """iso3 -> 'North' | 'South' under `scheme`."""
    sch = SCHEMES[scheme]
    col = countries[sch["column"]].fillna("")
    return pd.Series(np.where(sch["north"](col), "North", "South"), index=countries["iso3"].values)


def direction(
    donor_iso3: pd.Series, recipient_iso3: pd.Series, donor_level: pd.Series, group: pd.Series
) -> pd.Series:
    """Direction category per flow (vectorised). Order of the rules matters and is documented in the README."""
    d = donor_iso3.fillna("").astype(str)
    r = recipient_iso3.fillna("").astype(str)
    gd = d.map(group)
    gr = r.map(group)
    conds = [
        d == MAINLAND_CHINA,
        r == MAINLAND_CHINA,
        (donor_level == "network") & gr.eq("South"),
        (donor_level == "network") & gr.eq("North"),
        gd.isna() | gr.isna(),
        gd.eq("North") & gr.eq("South"),
        gd.eq("North") & gr.eq("North"),
        gd.eq("South") & gr.eq("South"),
        gd.eq("South") & gr.eq("North"),
    ]
    choices = [
        "china_to_partner",
        "partner_to_china",
        "network_to_south",
        "network_to_north",
        "unclassified",
        "north_south",
        "north_north",
        "south_south",
        "south_north",
    ]
    return pd.Series(np.select(conds, choices, default="unclassified"), index=donor_iso3.index)
