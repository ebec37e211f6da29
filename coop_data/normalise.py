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
from .messages import Message
from .validate import _short
from .vocab import AID_KINDS, LEVELS, STATUSES


@dataclass
class Result:
    values: pd.Series
    bad: pd.Series  # True where the cell cannot be read; its Message in `why`
    why: pd.Series
    changed: int = 0
    note: Message | None = None


def _strings(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).str.strip()


def _why(raw: pd.Series, bad: pd.Series, make) -> pd.Series:
    """A Message for each cell that cannot be read (made for those only: a million good cells need none)."""
    idx = bad[bad].index
    return pd.Series([make(v) for v in raw[idx]], index=idx, dtype=object).reindex(bad.index)


def _per_value(raw: pd.Series, fn) -> pd.Series:
    """fn applied once per distinct value (a million rows hold a few thousand names or dates), spread back by code."""
    codes, uniques = pd.factorize(raw)
    done = np.array([fn(v) for v in uniques] + [""], dtype=object)  # code -1 (none here: no NaN) -> ""
    return pd.Series(done[codes], index=raw.index, dtype=object)


_SPACES = re.compile(r"[\s\u00a0\u202f']")
_EURO_THOUSANDS = re.compile(r"^[+]?\d{1,3}(\.\d{3})+(,\d+)?$")
_EN_THOUSANDS = re.compile(r"^[+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+]?\d+([.,]\d+)?$")


def numbers(s: pd.Series, decimal: str = ".") -> Result:
    """'1.234,5' (decimal=',') or '1,234.5' (decimal='.') -> '1234.5'; spaces as thousands separators are dropped."""
    raw = _strings(s)
    t = raw.str.replace(_SPACES, "", regex=True)
    if decimal == ",":
        t = t.where(~t.str.match(_EURO_THOUSANDS), t.str.replace(".", "", regex=False))
        t = t.where(~t.str.match(_PLAIN), t.str.replace(",", ".", regex=False))
    else:
        t = t.where(~t.str.match(_EN_THOUSANDS), t.str.replace(",", "", regex=False))
    ok = t.eq("") | pd.to_numeric(t, errors="coerce").notna()
    out = t.where(ok, raw)
    changed = int((out != raw).sum())
    bad = ~ok
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
    codes, uniques = pd.factorize(raw)
    parts = [_one_date(v, day_first) for v in uniques] + [("", "", "")]
    iso, prec, problem = (
        pd.Series(np.array([p[k] for p in parts], dtype=object)[codes], index=raw.index, dtype=str)
        for k in range(3)
    )
    bad = problem.ne("")
    out = iso.where(~bad, raw)
    changed = int((~bad & out.ne(raw)).sum())
    why = pd.Series(
        [Message(problem[i], {"v": _short(raw[i])}) for i in bad[bad].index],
        index=bad[bad].index,
        dtype=object,
    ).reindex(bad.index)
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
    names = _country_names()
    up = raw.str.upper()
    keys = _per_value(raw, places.norm)
    conv = keys.map(names)
    out = up.where(conv.isna() | up.str.fullmatch(r"[A-Z]{3}"), conv)
    out = out.where(raw.ne(""), "")
    bad = raw.ne("") & ~out.str.fullmatch(r"[A-Z]{3}").fillna(False).astype(bool)
    out = out.where(~bad, raw)
    changed = int((out != raw).sum())
    why = _why(raw, bad, lambda v: Message("msg.country_unknown_name", {"v": _short(v)}))
    examples = ", ".join(
        f"{a} → {b}" for a, b in list(dict.fromkeys(zip(raw[out != raw], out[out != raw])))[:3]
    )
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
    # Each distinct value is read once (a million rows hold a handful), then spread back to its rows by code.
    codes, uniq = pd.factorize(raw, use_na_sentinel=False)
    u = pd.Series(uniq, dtype=raw.dtype)
    key = _per_value(u, lambda v: places.norm(v.replace("_", " ")))
    direct = u.str.lower().where(u.str.lower().isin(allowed))
    out_u = direct.fillna(key.map(synonyms)).fillna(
        key.str.replace(" ", "_").where(key.str.replace(" ", "_").isin(allowed))
    )
    bad = (u.ne("") & out_u.isna()).iloc[codes].set_axis(raw.index)
    out = out_u.fillna(u).where(u.ne(""), "").iloc[codes].set_axis(raw.index)
    changed = int((~bad & out.ne(raw)).sum())
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


def currencies(s: pd.Series) -> Result:
    raw = _strings(s)
    out = raw.str.upper().replace({"€": "EUR", "£": "GBP", "EURO": "EUR", "EUROS": "EUR"})
    changed = int((out != raw).sum())
    seen = sorted({f"{a} → {b}" for a, b in zip(raw[out != raw], out[out != raw], strict=True)})[:3]
    return Result(
        out,
        pd.Series(False, index=s.index),
        pd.Series(None, index=s.index, dtype=object),
        changed,
        Message("msg.currencies_as", {"n": changed, "examples": ", ".join(seen)}) if changed else None,
    )
