"""Turn the values of a user's spreadsheet into interchange values.

Each function takes a column of strings and returns the normalised column, the
cells it could not read (left as written, so validation names them) and a
note of what it changed, so no conversion is silent. Nothing is guessed: a
value that is not unambiguous stays as written and is reported.
"""

from __future__ import annotations

import functools
import gettext
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pycountry

from . import dates as dates_
from . import i18n, messages, places
from .distinct import per_value
from .messages import Message
from .validate import _short, stripped
from .vocab import AID_KINDS, LEVELS, STATUSES


@dataclass
class Result:
    values: pd.Series
    bad: pd.Series  # True where the cell cannot be read; its Message in `why`
    why: pd.Series
    changed: int = 0
    note: Message | None = None


def _strings(s: pd.Series) -> pd.Series:
    """The cells as stripped text: the column itself (its memory shared) when no cell has spaces to strip."""
    return stripped(s.fillna("").astype(str))


def longest(s: pd.Series) -> int:
    """The longest cell's length in bytes (at least its length in characters), read from Arrow's offsets."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        n = pc.max(pc.binary_length(pa.chunked_array(s.array._pa_array))).as_py()
    except AttributeError:  # text not kept by Arrow
        return int(s.astype(str).str.len().max()) if len(s) else 0
    return n or 0


def _only(raw: pd.Series, pattern: str) -> bool:
    """Whether every cell matches `pattern` whole: the usual column, already written as it should be, is seen in one
    vectorised pass."""
    return bool(raw.str.fullmatch(pattern).all())


def _distinct(raw: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each cell's code and the distinct values in order of first appearance: a million rows hold a few thousand
    dates, names or amounts, so each is read once and the result spread back by code."""
    codes, uniques = pd.factorize(raw, use_na_sentinel=False)
    return codes, pd.Series(uniques, dtype=raw.dtype)


def _spread(u: pd.Series, codes: np.ndarray, raw: pd.Series, diff: pd.Series, name=None) -> pd.Series:
    """Per-distinct values `u` on every row of `raw`; `raw` itself (its memory shared) when none differs."""
    if not diff.any() and u.dtype == raw.dtype:
        return raw.rename(name)
    return pd.Series(u.array.take(codes), index=raw.index, name=name)


def _rows(mask: pd.Series, codes: np.ndarray, raw: pd.Series, name=None) -> pd.Series:
    """A per-distinct-value mask on every row of `raw`."""
    return pd.Series(mask.to_numpy(dtype=bool)[codes], index=raw.index, name=name)


def _count(mask: pd.Series, codes: np.ndarray) -> int:
    """How many rows have a distinct value where `mask` holds."""
    return int(np.bincount(codes, minlength=len(mask))[mask.to_numpy(dtype=bool)].sum())


def _why(raw: pd.Series, bad: pd.Series, make) -> pd.Series:
    """A Message for each cell that cannot be read (made for those only: a million good cells need none)."""
    at = np.flatnonzero(bad.to_numpy(dtype=bool))
    return _at(bad.index, at, [make(v) for v in raw.iloc[at]])


def _at(index: pd.Index, at: np.ndarray, values: list) -> pd.Series:
    """`values` at positions `at`, NaN elsewhere (as a reindex gives, without looking up a million labels)."""
    out = np.full(len(index), np.nan, dtype=object)
    out[at] = pd.Series(values, dtype=object).to_numpy()
    return pd.Series(out, index=index, dtype=object)


_SPACES = re.compile(r"[\s\u00a0\u202f']")
_EURO_THOUSANDS = re.compile(r"^[+]?\d{1,3}(\.\d{3})+(,\d+)?$")
_EN_THOUSANDS = re.compile(r"^[+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+]?\d+([.,]\d+)?$")


def numbers(s: pd.Series, decimal: str = ".") -> Result:
    """'1.234,5' (decimal=',') or '1,234.5' (decimal='.') -> '1234.5'; spaces as thousands separators are dropped."""
    raw = _strings(s)
    # whole numbers as digits (not thousands of them, which pandas does not read): nothing to rewrite or unreadable
    if _only(raw, "[0-9]{0,300}"):
        bad = pd.Series(False, index=raw.index, name=raw.name)
        return Result(raw, bad, _why(raw, bad, str))
    codes, u = _distinct(raw)
    t = u.str.replace(_SPACES, "", regex=True)
    if decimal == ",":
        t = t.where(~t.str.match(_EURO_THOUSANDS), t.str.replace(".", "", regex=False))
        t = t.where(~t.str.match(_PLAIN), t.str.replace(",", ".", regex=False))
    else:
        t = t.where(~t.str.match(_EN_THOUSANDS), t.str.replace(",", "", regex=False))
    ok = t.eq("") | pd.to_numeric(t, errors="coerce").notna()
    out_u = t.where(ok, u)
    diff = out_u != u
    changed = _count(diff, codes)
    out = _spread(out_u, codes, raw, diff, raw.name)
    bad = _rows(~ok, codes, raw, raw.name)
    why = _why(
        raw, bad, lambda v: Message("msg.nan_comma" if decimal == "," else "msg.not_number", {"v": _short(v)})
    )
    note = (
        Message("msg.numbers_comma" if decimal == "," else "msg.numbers_point", {"n": changed})
        if changed
        else None
    )
    return Result(out, bad, why, changed, note)


# Month names a date may be written with: the interface languages' (i18n), German, and the English abbreviations
# (dates.MONTHS), compared as places.norm writes them (lower case, no accents).
_GERMAN_MONTHS = "januar februar marz april mai juni juli august september oktober november dezember".split()
MONTHS = {
    **{
        places.norm(m): i
        for names in (*(i18n.months(lg, "long") for lg in i18n.LANGS), _GERMAN_MONTHS, dates_.MONTHS)
        for i, m in enumerate(names, 1)
    },
    "sept": 9,
    "setiembre": 9,
}
_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[ T]00:00(?::00)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_WORDS = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th|er)?\s+)?([a-z]+)\.?\s+(\d{4})$")
_WORDS_US = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")


def _real(y: int, m: int, d: int | None) -> bool:
    if not 1 <= m <= 12:
        return False
    if d is None:
        return True
    try:
        pd.Timestamp(year=y, month=m, day=d)
        return True
    except ValueError:
        return False


def _one_date(text: str, day_first: bool) -> tuple[str, str, str]:
    """-> (iso, precision, problem's message key). Empty iso with a problem when unreadable."""
    t = text.strip()
    if not t:
        return "", "", ""
    low = places.norm(t.replace(",", " , ")).replace(" , ", ", ").replace(" ,", ",")
    y = m = d = None
    if mt := _ISO.match(t):
        y, m, d = int(mt[1]), (int(mt[2]) if mt[2] else None), (int(mt[3]) if mt[3] else None)
    elif mt := _DMY.match(t):
        a, b, y = int(mt[1]), int(mt[2]), int(mt[3])
        d, m = (a, b) if day_first else (b, a)
    elif mt := _MY.match(t):
        m, y = int(mt[1]), int(mt[2])
    elif (mt := _WORDS.match(low)) and mt[2] in MONTHS:
        d, m, y = (int(mt[1]) if mt[1] else None), MONTHS[mt[2]], int(mt[3])
    elif (mt := _WORDS_US.match(low.replace(",", ""))) and mt[1] in MONTHS:
        m, d, y = MONTHS[mt[1]], int(mt[2]), int(mt[3])
    else:
        return "", "", "msg.date_unread"
    if m is None:
        return f"{y:04d}", "year", ""
    if not _real(y, m, d):
        return "", "", "msg.date_calendar"
    if d is None:
        return f"{y:04d}-{m:02d}", "month", ""
    return f"{y:04d}-{m:02d}-{d:02d}", "day", ""


def dates(s: pd.Series, day_first: bool = True) -> tuple[Result, pd.Series]:
    """Dates in the usual spreadsheet forms -> ISO at the precision written; returns (result, precision)."""
    raw = _strings(s)
    codes, u = _distinct(raw)
    parts = [_one_date(v, day_first) for v in u]
    iso, prec_u, problem = (pd.Series([p[k] for p in parts], dtype=str) for k in range(3))
    bad_u = problem.ne("")
    out_u = iso.where(~bad_u, u)
    diff = out_u.ne(u)
    changed = _count(~bad_u & diff, codes)
    out = _spread(out_u, codes, raw, diff)
    prec = pd.Series(prec_u.array.take(codes), index=raw.index)
    bad = _rows(bad_u, codes, raw)
    at = np.flatnonzero(bad.to_numpy())
    why = _at(bad.index, at, [Message(problem.iat[codes[i]], {"v": _short(raw.iat[i])}) for i in at])
    note = Message("msg.dates_dmy" if day_first else "msg.dates_mdy", {"n": changed}) if changed else None
    return Result(out, bad, why, changed, note), prec


@functools.lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Country names in English, French, Spanish and German, plus ISO alpha-2/3 -> alpha-3."""
    out: dict[str, str] = {}
    langs = []
    for lang in ("fr", "es", "de"):
        try:
            langs.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext)
        except OSError:
            continue
    for c in pycountry.countries:
        names = {c.name, getattr(c, "official_name", c.name), getattr(c, "common_name", c.name)}
        for tr in langs:
            names |= {tr(n) for n in list(names)}
        for n in names:
            out[places.norm(n)] = c.alpha_3
        out[c.alpha_2.lower()] = c.alpha_3
        out[c.alpha_3.lower()] = c.alpha_3
    return out


def countries(s: pd.Series) -> Result:
    """ISO3 as is; ISO2 and country names (en/fr/es/de, exact) -> ISO3; unknown left as written."""
    raw = _strings(s)
    if _only(raw, "([A-Z]{3})?"):  # ISO3 codes already (a code that names no country is validate's to report)
        bad = pd.Series(False, index=raw.index, name=raw.name)
        return Result(raw, bad, _why(raw, bad, str))
    names = _country_names()
    codes, u = _distinct(raw)
    up = u.str.upper()
    keys = per_value(u, places.norm)
    conv = keys.map(names)
    out = up.where(conv.isna() | up.str.fullmatch(r"[A-Z]{3}"), conv)
    out = out.where(u.ne(""), "")
    bad_u = u.ne("") & ~out.str.fullmatch(r"[A-Z]{3}").fillna(False).astype(bool)
    out = out.where(~bad_u, u)
    diff = out != u
    changed = _count(diff, codes)
    bad = _rows(bad_u, codes, raw, raw.name)
    why = _why(raw, bad, lambda v: Message("msg.country_unknown_name", {"v": _short(v)}))
    # distinct values come in the order of their first row, as the rows' examples did
    examples = ", ".join(f"{a} → {b}" for a, b in list(zip(u[diff], out[diff]))[:3])
    out = _spread(out, codes, raw, diff, raw.name)
    note = Message("msg.countries_written", {"n": changed, "examples": examples}) if changed else None
    return Result(out, bad, why, changed, note)


_AID = {
    "mask": "masks",
    "masks": "masks",
    "face masks": "masks",
    "facemasks": "masks",
    "masques": "masks",
    "masque": "masks",
    "mascarillas": "masks",
    "mascarilla": "masks",
    "mascherine": "masks",
    "masken": "masks",
    "surgical masks": "masks",
    "ppe": "ppe",
    "epi": "ppe",
    "personal protective equipment": "ppe",
    "protective equipment": "ppe",
    "schutzausrustung": "ppe",
    "medical equipment": "medical_equipment",
    "medical supplies": "medical_equipment",
    "materiel medical": "medical_equipment",
    "equipo medico": "medical_equipment",
    "equipos medicos": "medical_equipment",
    "ventilator": "ventilators",
    "ventilators": "ventilators",
    "respirators": "ventilators",
    "respirateurs": "ventilators",
    "respiradores": "ventilators",
    "test kits": "test_kits",
    "tests": "test_kits",
    "test kit": "test_kits",
    "kits de test": "test_kits",
    "pruebas": "test_kits",
    "cash": "cash",
    "money": "cash",
    "funds": "cash",
    "financial aid": "cash",
    "grant": "cash",
    "argent": "cash",
    "dinero": "cash",
    "don financier": "cash",
    "aide financiere": "cash",
    "ayuda financiera": "cash",
    "geld": "cash",
    "grant call": "grant_call",
    "patients": "patients_treated",
    "patients treated": "patients_treated",
    "patient transfer": "patients_treated",
    "medical team": "medical_team",
    "doctors": "medical_team",
    "equipe medicale": "medical_team",
    "equipo medico enviado": "medical_team",
    "knowledge exchange": "knowledge_exchange",
    "expertise": "knowledge_exchange",
    "echange d experience": "knowledge_exchange",
    "food": "food",
    "nourriture": "food",
    "alimentos": "food",
    "vivres": "food",
    "mixed": "mixed",
    "mixte": "mixed",
    "mixto": "mixed",
    "other": "other",
    "autre": "other",
    "otro": "other",
    "sonstiges": "other",
}
_LEVEL = {
    "city": "city",
    "ville": "city",
    "ciudad": "city",
    "municipality": "city",
    "commune": "city",
    "municipio": "city",
    "stadt": "city",
    "town": "city",
    "city government": "city",
    "mairie": "city",
    "ayuntamiento": "city",
    "municipalite": "city",
    "district": "district",
    "arrondissement": "district",
    "distrito": "district",
    "county": "county",
    "comte": "county",
    "condado": "county",
    "province": "province",
    "provincia": "province",
    "state": "state",
    "etat": "state",
    "estado": "state",
    "land": "state",
    "region": "region",
    "regional government": "region",
    "national government": "national_government",
    "government": "national_government",
    "gouvernement": "national_government",
    "gobierno": "national_government",
    "network": "network",
    "reseau": "network",
    "red": "network",
    "city network": "network",
    "association": "association",
    "asociacion": "association",
    "company": "company",
    "entreprise": "company",
    "empresa": "company",
    "firm": "company",
    "ngo": "ngo",
    "ong": "ngo",
    "hospital": "hospital",
    "hopital": "hospital",
    "klinik": "hospital",
}
_STATUS = {
    "delivered": "delivered",
    "given": "delivered",
    "sent": "delivered",
    "done": "delivered",
    "livre": "delivered",
    "envoye": "delivered",
    "entregado": "delivered",
    "enviado": "delivered",
    "geliefert": "delivered",
    "announced": "announced",
    "pledged": "announced",
    "promised": "announced",
    "offered": "announced",
    "committed": "announced",
    "annonce": "announced",
    "promis": "announced",
    "anunciado": "announced",
    "prometido": "announced",
    "angekundigt": "announced",
    "planned": "planned",
    "prevu": "planned",
    "previsto": "planned",
    "planifie": "planned",
    "geplant": "planned",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "annule": "cancelled",
    "cancelado": "cancelled",
    "abgesagt": "cancelled",
    "unknown": "unknown",
    "inconnu": "unknown",
    "desconocido": "unknown",
}


def vocabulary(s: pd.Series, allowed: tuple[str, ...], synonyms: dict[str, str], what: Message) -> Result:
    """Values of a controlled list, in any language's usual words; `what` names the list in messages."""
    raw = _strings(s)
    if raw.isin([*(a for a in allowed if a == a.lower()), ""]).all():  # the list's own codes already
        bad = pd.Series(False, index=raw.index)
        return Result(raw.rename(None), bad, _why(raw, bad, str))
    codes, u = _distinct(raw)
    key = per_value(u, lambda v: places.norm(v.replace("_", " ")))
    direct = u.str.lower().where(u.str.lower().isin(allowed))
    out_u = direct.fillna(key.map(synonyms)).fillna(
        key.str.replace(" ", "_").where(key.str.replace(" ", "_").isin(allowed))
    )
    bad_u = u.ne("") & out_u.isna()
    out_u = out_u.fillna(u).where(u.ne(""), "")
    diff = out_u.ne(u)
    changed = _count(~bad_u & diff, codes)
    bad = _rows(bad_u, codes, raw)
    out = _spread(out_u, codes, raw, diff)
    why = _why(
        raw,
        bad,
        lambda v: Message(
            "msg.vocab_unknown", {"what": what, "v": _short(v), "allowed": messages.allowed(allowed, what)}
        ),
    )
    note = Message("msg.vocab_written", {"n": changed, "what": what}) if changed else None
    return Result(out, bad, why, changed, note)


def aid_kinds(s: pd.Series) -> Result:
    return vocabulary(s, AID_KINDS, _AID, Message("msg.what_aid_kind"))


def levels(s: pd.Series) -> Result:
    return vocabulary(s, LEVELS, _LEVEL, Message("msg.what_level"))


def statuses(s: pd.Series) -> Result:
    return vocabulary(s, STATUSES, _STATUS, Message("msg.what_status"))


# Currencies written as a sign or a word (upper case), and their ISO 4217 codes.
CURRENCY_WORDS = {"€": "EUR", "£": "GBP", "EURO": "EUR", "EUROS": "EUR"}


def currencies(s: pd.Series) -> Result:
    raw = _strings(s)
    if _only(raw, "([A-Z]{3})?"):  # codes already
        return Result(raw, pd.Series(False, index=s.index), pd.Series(None, index=s.index, dtype=object))
    codes, u = _distinct(raw)
    out = u.str.upper().replace(CURRENCY_WORDS)
    diff = out != u
    changed = _count(diff, codes)
    seen = sorted({f"{a} → {b}" for a, b in zip(u[diff], out[diff], strict=True)})[:3]
    return Result(
        _spread(out, codes, raw, diff, raw.name),
        pd.Series(False, index=s.index),
        pd.Series(None, index=s.index, dtype=object),
        changed,
        Message("msg.currencies_as", {"n": changed, "examples": ", ".join(seen)}) if changed else None,
    )
