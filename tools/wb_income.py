"""World Bank income groups by fiscal year, for the dated North/South scheme (issue 15, error 4).

Source: the World Bank's "Historical classification by income" workbook
(OGHIST.xlsx, sheet "Country Analytical History"), as published with the
FY2025 lists; `tools/sources/wb_oghist_country_analytical_history.csv` is that
sheet exported to CSV (found vendored in a public repository, copied verbatim,
blank rows dropped). Its header row holds the calendar year of the GNI data;
the World Bank sets fiscal year N's list on 1 July N-1 from GNI of year N-2
(FY2021 = July 2020 – June 2021, GNI 2019). The FY2023 column was checked
against an independent copy of the FY2023 list (wbopendata's
`wbopendata_incomelevel.sthlp`, "as of 24jan2023"): all 218 economies agree.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SOURCE_FILE = Path(__file__).parent / "sources" / "wb_oghist_country_analytical_history.csv"
OGHIST_URL = "https://datacatalogfiles.worldbank.org/ddh-published/0037712/DR0090754/OGHIST.xlsx"
FISCAL_YEARS = tuple(
    range(2018, 2026)
)  # July 2017 – June 2025: the bundled 2020–2021 and imports around them
CODES = {"L": "Low income", "LM": "Lower middle income", "UM": "Upper middle income", "H": "High income"}


def build(path: Path = SOURCE_FILE) -> pd.DataFrame:
    """Long table iso3, fiscal_year, income_group, source; economies without a group that year are left out."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    raw = raw[raw.iloc[:, 0].str.fullmatch(r"[A-Z]{3}")].rename(columns={raw.columns[0]: "iso3"})
    rows = []
    for fy in FISCAL_YEARS:
        data_year = str(fy - 2)
        g = raw[["iso3", data_year]].rename(columns={data_year: "code"})
        g = g[g["code"].isin(list(CODES))]
        rows.append(
            pd.DataFrame(
                {
                    "iso3": g["iso3"].values,
                    "fiscal_year": fy,
                    "income_group": g["code"].map(CODES).values,
                    "source": f"World Bank OGHIST.xlsx, FY{fy} list (set 1 July {fy - 1}, GNI {data_year})",
                }
            )
        )
    return pd.concat(rows, ignore_index=True).sort_values(["fiscal_year", "iso3"], ignore_index=True)
