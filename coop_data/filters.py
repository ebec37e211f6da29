"""Filters as data: parsed from and written to URL query parameters, described in words.

The URL is the single source of view state: `parse(params)` turns a query
string into a `Filter` (ignoring bad values with a notice, never raising),
`Filter.to_params()` turns it back, `Filter.describe()` says it in words for
captions and citations, and `Filter.apply()` selects the matching flows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pandas as pd

from . import classify
from .schema import AID_KINDS, DIRECTIONS, LEVELS, STATUSES

_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
LIST_PARAMS = (
    "direction",
    "donor_country",
    "recipient_country",
    "donor_region",
    "recipient_region",
    "aid_kind",
    "status",
    "level",
    "network",
)


@dataclass(frozen=True)
class Filter:
    date_from: str = ""
    date_to: str = ""
    direction: tuple[str, ...] = ()
    donor_country: tuple[str, ...] = ()
    recipient_country: tuple[str, ...] = ()
    donor_region: tuple[str, ...] = ()
    recipient_region: tuple[str, ...] = ()
    aid_kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    network: tuple[str, ...] = ()
    city: str = ""
    scheme: str = classify.DEFAULT_SCHEME

    @property
    def is_empty(self) -> bool:
        return self == Filter(scheme=self.scheme)

    def to_params(self) -> dict[str, str]:
        p: dict[str, str] = {}
        if self.date_from:
            p["from"] = self.date_from
        if self.date_to:
            p["to"] = self.date_to
        for name in LIST_PARAMS:
            v = getattr(self, name)
            if v:
                p[name] = ",".join(v)
        if self.city:
            p["city"] = self.city
        if self.scheme != classify.DEFAULT_SCHEME:
            p["scheme"] = self.scheme
        return p

    def describe(self, countries: pd.DataFrame | None = None, lang: str = "en") -> str:
        """The active filter in words, e.g. for a chart subtitle or a citation, in the interface language."""
        from .i18n import category, country_name, month, t

        names = dict(zip(countries["iso3"], countries["name"])) if countries is not None else {}

        def when(s: str) -> str:
            return _human_date(s) if lang == "en" else month(_start(s), lang, day=len(s) == 10)

        def country(c: str) -> str:
            return country_name(c, lang, names.get(c, c))

        alt = t("flt.or", lang)
        parts = []
        if self.date_from or self.date_to:
            a = when(self.date_from) if self.date_from else t("flt.start", lang)
            b = when(self.date_to) if self.date_to else t("flt.end", lang)
            parts.append(t("flt.dated", lang, a=a, b=b))
        if self.direction:
            parts.append(
                t(
                    "flt.direction",
                    lang,
                    v=alt.join(
                        t(f"dir.{d}", lang) if d in classify.DIRECTION_LABELS else d for d in self.direction
                    ),
                )
            )
        for attr in ("donor_country", "recipient_country"):
            v = getattr(self, attr)
            if v:
                parts.append(t(f"flt.{attr.split('_')[0]}_in", lang, v=", ".join(country(c) for c in v)))
        for attr in ("donor_region", "recipient_region"):
            v = getattr(self, attr)
            if v:
                parts.append(t(f"flt.{attr}", lang, v=alt.join(category("region", r, lang) for r in v)))
        if self.aid_kind:
            parts.append(
                t("flt.aid", lang, v=", ".join(category("aid_kind", k, lang) for k in self.aid_kind))
            )
        if self.status:
            parts.append(t("flt.status", lang, v=", ".join(category("status", x, lang) for x in self.status)))
        if self.level:
            parts.append(t("flt.level", lang, v=", ".join(category("level", lv, lang) for lv in self.level)))
        if self.network:
            parts.append(t("flt.through", lang, v=", ".join(self.network)))
        if self.city:
            parts.append(t("flt.city", lang, v=self.city))
        head = t("flt.all", lang) if not parts else t("flt.flows", lang, v=t("flt.sep", lang).join(parts))
        return f"{head}. {t('flt.scheme', lang, v=t(f'scheme.{self.scheme}', lang))}."

    def apply(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The matching rows; with no filter, the table itself (no copy of a million rows)."""
        if self.is_empty:
            return flows
        m = pd.Series(True, index=flows.index)
        if self.date_from:
            start = pd.Timestamp(_start(self.date_from))
            m &= flows["date_end"].notna() & (flows["date_end"] >= start)
        if self.date_to:
            end = pd.Timestamp(_end(self.date_to))
            m &= flows["date_start"].notna() & (flows["date_start"] <= end)
        for attr, col in (
            ("direction", "direction"),
            ("donor_country", "donor_country_iso3"),
            ("recipient_country", "recipient_country_iso3"),
            ("donor_region", "donor_region"),
            ("recipient_region", "recipient_region"),
            ("aid_kind", "aid_kind"),
            ("status", "status"),
        ):
            v = getattr(self, attr)
            if v:
                m &= flows[col].astype(str).isin(v)
        if self.level:
            m &= flows["donor_level"].astype(str).isin(self.level) | flows["recipient_level"].astype(
                str
            ).isin(self.level)
        if self.network:
            m &= flows["channel_network"].isin(self.network) | flows["fund_id"].isin(self.network)
        if self.city:
            pat = re.escape(self.city.strip())
            hay = flows[["donor_name", "donor_city", "recipient_name", "recipient_city"]].astype(str)
            m &= hay.apply(lambda c: c.str.contains(pat, case=False, regex=True)).any(axis=1)
        return flows[m]


def _human_date(s: str) -> str:
    from .dates import display

    return display(s)


def _start(s: str) -> str:
    return s if len(s) == 10 else s + "-01"


def _end(s: str) -> str:
    if len(s) == 10:
        return s
    return str((pd.Timestamp(s + "-01") + pd.offsets.MonthEnd(0)).date())


def _split(v) -> list[str]:
    if isinstance(v, (list, tuple)):
        v = ",".join(str(x) for x in v)
    return [x.strip() for x in str(v).split(",") if x.strip()]


def parse(
    params,
    countries: pd.DataFrame | None = None,
    regions: set[str] | None = None,
    networks: set[str] | None = None,
) -> tuple[Filter, list[str]]:
    """Build a Filter from query parameters; every ignored value yields a notice."""
    notices: list[str] = []
    kw: dict = {}
    get = params.get
    for key, attr in (("from", "date_from"), ("to", "date_to")):
        v = (get(key) or "").strip() if get(key) is not None else ""
        if v:
            ok = bool(_DATE.match(v))
            if ok:
                try:
                    pd.Timestamp(_start(v))
                except ValueError:
                    ok = False
            if ok:
                kw[attr] = v
            else:
                notices.append(f"Ignored '{key}={_clip(v)}': use YYYY-MM or YYYY-MM-DD.")
    known_iso = set(countries["iso3"]) if countries is not None else None
    allowed = {
        "direction": set(DIRECTIONS),
        "aid_kind": set(AID_KINDS),
        "status": set(STATUSES),
        "level": set(LEVELS),
        "donor_region": regions,
        "recipient_region": regions,
        "network": networks,
    }
    for name in LIST_PARAMS:
        raw = get(name)
        if raw is None:
            continue
        vals, bad = [], []
        for x in _split(raw):
            if name.endswith("_country"):
                x = x.upper()
                good = bool(_ISO3.match(x)) and (known_iso is None or x in known_iso)
            else:
                good = allowed[name] is None or x in allowed[name]
            (vals if good else bad).append(x)
        if bad:
            notices.append(
                f"Ignored unknown {name.replace('_', ' ')} value(s): {', '.join(_clip(b) for b in bad)}."
            )
        if vals:
            kw[name] = tuple(dict.fromkeys(vals))
    city = get("city")
    if city:
        kw["city"] = str(city)[:100]
    scheme = get("scheme")
    if scheme:
        if scheme in classify.SCHEMES:
            kw["scheme"] = scheme
        else:
            notices.append(f"Ignored unknown scheme '{_clip(scheme)}' (use: {', '.join(classify.SCHEMES)}).")
    f = Filter(**kw)
    if f.date_from and f.date_to and _start(f.date_from) > _end(f.date_to):
        notices.append("'from' is after 'to': the period filter was ignored.")
        f = replace(f, date_from="", date_to="")
    return f, notices


def _clip(s: str, n: int = 40) -> str:
    s = str(s)
    return s if len(s) <= n else s[: n - 1] + "…"
