"""Money in its own currency, with EUR and USD values from a documented rate table."""

from __future__ import annotations

import pandas as pd

FALLBACK_YEAR = 2020


def convert(amount: pd.Series, currency: pd.Series, date: pd.Series, rates: pd.DataFrame) -> pd.DataFrame:
    """EUR and USD values at the annual average rate of the flow's year.

    A flow with no known year is converted at the 2020 rate and says so in
    `fx_note`; a currency missing from the table gives no value (never a guess).
    """
    year = pd.to_numeric(date.fillna("").astype(str).str[:4], errors="coerce")
    known = year.isin(rates["year"].unique())
    fx_year = year.where(known, FALLBACK_YEAR).astype(int)
    per_eur = rates.set_index(["currency", "year"])["units_per_eur"]
    idx = pd.MultiIndex.from_arrays([currency.fillna("").astype(str), fx_year])
    rate = pd.Series(per_eur.reindex(idx).values, index=amount.index)
    usd = pd.Series(
        per_eur.reindex(pd.MultiIndex.from_arrays([pd.Series("USD", index=amount.index), fx_year])).values,
        index=amount.index,
    )
    eur = amount / rate
    has = amount.notna()
    note = pd.Series("", index=amount.index)
    note[has & ~known] = f"year unknown: {FALLBACK_YEAR} rate used"
    note[has & rate.isna()] = "no rate for this currency: not converted"
    note[has & currency.eq("EUR")] = ""
    return pd.DataFrame(
        {
            "amount_eur": eur.round(2),
            "amount_usd": (eur * usd).round(2),
            "fx_year": fx_year.where(has),
            "fx_note": note,
        }
    )


# Aid kinds whose amount is money handed over; every other amount values goods or services given in kind.
CASH_KINDS = ("cash", "grant_call")


def is_cash(aid_kind: pd.Series) -> pd.Series:
    """True for cash and grants, False for valued in-kind gifts (an amount that is the worth of goods)."""
    return aid_kind.astype(str).isin(CASH_KINDS)
