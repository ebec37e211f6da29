"""Interface languages: English, French, Spanish.

`t(key, lang)` looks a string up in one catalog. A key missing in a language
falls back to English at run time and is logged once; with COOP_I18N_STRICT=1
(the tests) it raises, so a gap is seen in tests rather than shipped silently.
Data values (place names, summaries) are never translated.
"""

from __future__ import annotations

import functools
import logging
import os
import tomllib
from pathlib import Path

from . import dates

LANGS = {"en": "English", "fr": "Français", "es": "Español"}
DEFAULT = "en"
_log = logging.getLogger(__name__)
_warned: set[tuple[str, str]] = set()

LOCALE_DIR = Path(__file__).with_name("locale")


def _load_catalog() -> dict[str, dict[str, str]]:
    """All `locale/*.toml` files: one table per key, `["area.name"]` with en/fr/es strings, so translators edit text, not code."""
    cat: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALE_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            for key, entry in tomllib.load(fh).items():
                if key in cat:
                    raise ValueError(f"UI string {key!r} is defined twice ({path.name})")
                cat[key] = entry
    return cat


CATALOG: dict[str, dict[str, str]] = _load_catalog()


def lang_of(value) -> str:
    return value if value in LANGS else DEFAULT


def singular_one(value, lang: str) -> bool:
    """Whether a count takes the singular: 1 in English and Spanish; 0 and 1 in French ("0 flux", "1 masque").
    A count already written as text ("1") counts too."""
    if isinstance(value, str):
        value = {"0": 0, "1": 1}.get(value.strip())
    if value is None or isinstance(value, bool):
        return False
    return value == 1 or (lang == "fr" and value == 0)


def plural_key(key: str, n, lang: str = DEFAULT) -> str:
    """`key_one` when the count n takes the singular and the catalog has that form, else `key`."""
    return f"{key}_one" if singular_one(n, lang) and f"{key}_one" in CATALOG else key


def t(key: str, lang: str = DEFAULT, **kw) -> str:
    """The string `key` in `lang`, formatted with `kw`; a count `n` that takes the singular picks `key_one`
    when the catalog has it ("1 flow.", not "1 flows.")."""
    if "n" in kw:
        key = plural_key(key, kw["n"], lang_of(lang))
    entry = CATALOG.get(key)
    if entry is None:
        if os.environ.get("COOP_I18N_STRICT") == "1":
            raise KeyError(f"no UI string {key!r}")
        _log.error("no UI string %r: its key is shown", key)  # a bug of ours; never a traceback for the user
        return key
    text = entry.get(lang)
    if text is None:
        if os.environ.get("COOP_I18N_STRICT") == "1":
            raise KeyError(f"UI string {key!r} has no {lang!r} translation")
        if (key, lang) not in _warned:
            _warned.add((key, lang))
            _log.warning("UI string %r has no %r translation: English shown", key, lang)
        text = entry[DEFAULT]
    return text.format(**kw) if kw else text


def number(x: float, lang: str = DEFAULT, decimals: int = 0) -> str:
    """1234567.5 -> '1,234,568' (en), '1 234 568' (fr, narrow no-break space), '1.234.568' (es)."""
    s = f"{x:,.{decimals}f}"
    sample = t("num.sample", lang)  # '1,234.5' as the language writes it: its separators are [1] and [5]
    return s.replace(",", "\x00").replace(".", sample[5]).replace("\x00", sample[1])


def months(lang: str = DEFAULT, form: str = "short") -> list[str]:
    """The twelve month names of a language (`date.months_short` / `date.months_long` in the locale files)."""
    return t(f"date.months_{form}", lang_of(lang)).split()


def month(ts, lang: str = DEFAULT, day: bool = False) -> str:
    """A date at month (or day) precision in the interface language: 'Mar 2020', 'mars 2020', '12 mar. 2020'."""
    import pandas as pd

    d = pd.Timestamp(ts)
    m = f"{months(lang)[d.month - 1]} {d.year}"
    return f"{d.day} {m}" if day else m


def month_long(ts, lang: str = DEFAULT) -> str:
    """'March 2020', 'mars 2020', 'marzo de 2020'."""
    import pandas as pd

    d = pd.Timestamp(ts)
    return t("date.month_year", lang, month=months(lang, "long")[d.month - 1], year=d.year)


def country_name(iso3: str, lang: str = DEFAULT, default: str = "") -> str:
    """A country's name in the interface language (ISO 3166 names from pycountry's translations); English otherwise."""
    if lang == DEFAULT:
        return default or iso3
    return _country_names(lang).get(iso3, default or iso3)


@functools.lru_cache(maxsize=4)
def _country_names(lang: str) -> dict[str, str]:
    import gettext

    import pycountry

    try:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext
    except OSError:
        return {}
    return {c.alpha_3: tr(getattr(c, "common_name", c.name)) for c in pycountry.countries}


_CATEGORY_PREFIX = {
    "aid_kind": "aid",
    "status": "status",
    "level": "level",
    "donor_level": "level",
    "recipient_level": "level",
    "region": "region",
    "donor_region": "region",
    "recipient_region": "region",
    "direction": "dir",
    "scope": "scope",
}


def category(field: str, value, lang: str = DEFAULT) -> str:
    """The on-screen name of a stored category value (aid kind, status, level, region, direction).
    Values outside the vocabulary are data and stay as recorded."""
    key = f"{_CATEGORY_PREFIX.get(field, field)}.{value}"
    return t(key, lang) if key in CATALOG else str(value)


def date_label(label: str, lang: str = DEFAULT) -> str:
    """A date label as the data writes it ('12 Mar 2020', 'Mar 2020', '2020', 'date unknown') in the interface
    language, keeping its precision: a month stays a month."""
    if lang == DEFAULT or not isinstance(label, str):
        return label
    if label == dates.UNKNOWN:
        return t("date.unknown", lang)
    parts = label.split()
    try:
        if len(parts) == 3:
            return f"{int(parts[0])} {months(lang)[dates.MONTHS.index(parts[1])]} {parts[2]}"
        if len(parts) == 2:
            return f"{months(lang)[dates.MONTHS.index(parts[0])]} {parts[1]}"
    except ValueError:
        pass
    return label
