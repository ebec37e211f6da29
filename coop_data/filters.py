"""Filters and view controls as data: parsed from and written to URL query parameters, described in words.

The URL is the single source of view state. Each filter dimension is one `Dimension` row of `DIMENSIONS`
(URL key, columns, vocabulary, label, place in the sidebar, words); `parse`, `Filter.to_params`,
`Filter.apply`, `Filter.describe`, the sidebar and the CLI's export options all loop over that table, so
adding a filter is one row plus its labels. Chart settings that are not filters (Sankey stages, timeline
period, map roll-up…) are `ViewControl`s, read and written the same way (`CONTROLS`).
Bad values are dropped with a `Notice` (a locale key and its parameters, shown in the viewer's language).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, make_dataclass, replace

import pandas as pd

from . import aggregate, classify, vocab
from .i18n import category, country_name, month, t
from .messages import Message
from .vocab import (
    AID_KINDS,
    ENTITIES,
    LEVELS,
    MAP_LABELS,
    NETWORK_MEASURES,
    PLACE_MEASURES,
    QUESTIONS,
    ROLLUPS,
    SHADES,
    STATUSES,
)

_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


class Notice(Message):
    """A message about a URL value (messages.Message): its `what` parameter is a label key, named in the viewer's
    language when shown, like the rest of the sentence."""

    def text(self, lang: str = "en") -> str:
        kw = dict(self.params)
        if "what" in kw:
            kw["what"] = t(kw["what"], lang).lower()
        return t(self.key, lang, **kw)


@dataclass(frozen=True)
class Dimension:
    """One filter dimension: everything the URL, the sidebar, the CLI, the selection and the words need.

    kind: "from"/"to" (a period bound, YYYY-MM or YYYY-MM-DD), "list" (several values, any matches),
    "text" (a search in `columns`), "choice" (one value of `vocab`, `default` when absent).
    vocab: the allowed values, or the name of a set known only with the data ("countries", "regions",
    "networks"), or None (anything). offer: what the sidebar lists ("vocab", "data" = the values in
    the data's columns, "regions"). values: how one value is named ("country", a category field, or ""
    as written). join: " or " between values ("or") or a comma ("list").
    """

    key: str
    kind: str
    label: str
    words: str
    columns: tuple[str, ...] = ()
    vocab: tuple[str, ...] | str | None = None
    offer: str = "vocab"
    values: str = ""
    join: str = "list"
    more: bool = False
    default: str = ""
    sentence: bool = False  # described as its own sentence, even at its default (the North/South scheme)
    select: Callable | None = None  # (flows, value) -> row mask, when columns alone do not say it

    @property
    def attr(self) -> str:
        return {"from": "date_from", "to": "date_to"}.get(self.key, self.key)

    @property
    def empty(self):
        return () if self.kind == "list" else self.default

    @property
    def selects_rows(self) -> bool:
        return bool(self.columns) or self.select is not None or self.kind in ("from", "to")


def _period_from(flows: pd.DataFrame, v: str) -> pd.Series:
    return flows["date_end"].notna() & (flows["date_end"] >= pd.Timestamp(_start(v)))


def _period_to(flows: pd.DataFrame, v: str) -> pd.Series:
    return flows["date_start"].notna() & (flows["date_start"] <= pd.Timestamp(_end(v)))


@functools.lru_cache(maxsize=1)
def _mirror_sources() -> frozenset[str]:
    """Sources that are copies of a story on an unrelated site. Only the bundled data has them (an imported file's
    sources are `user_supplied`), so the bundled sources table says it for every view."""
    from .load import load_bundle  # deferred: reading the bundle is heavy and only this switch needs it here

    return aggregate.mirror_ids(load_bundle().sources)


@functools.lru_cache(maxsize=1)
def _fund_names() -> dict[str, str]:
    """Fund id -> the fund's name, from the bundled funds table (the only data with funds)."""
    from .answers import fund_names  # deferred, as above
    from .load import load_bundle

    return fund_names(load_bundle().funds)


def _sources(flows: pd.DataFrame, v: str) -> pd.Series:
    """The 'sources' switch: as aggregate.exclude_mirror, so every total of the view leaves mirror copies out."""
    if v == "no_mirror":
        return ~flows["source_id"].isin(_mirror_sources())
    return pd.Series(True, index=flows.index)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("from", "from", "sb.from", "flt.dated", select=_period_from),
    Dimension("to", "to", "sb.to", "flt.dated", select=_period_to),
    Dimension(
        "direction",
        "list",
        "sb.direction",
        "flt.direction",
        ("direction",),
        tuple(vocab.DIRECTIONS),
        values="direction",
        join="or",
    ),
    Dimension(
        "donor_country",
        "list",
        "sb.donor_country",
        "flt.donor_in",
        ("donor_country_iso3",),
        "countries",
        offer="data",
        values="country",
    ),
    Dimension(
        "recipient_country",
        "list",
        "sb.recipient_country",
        "flt.recipient_in",
        ("recipient_country_iso3",),
        "countries",
        offer="data",
        values="country",
    ),
    Dimension(
        "donor_region",
        "list",
        "sb.donor_region",
        "flt.donor_region",
        ("donor_region",),
        "regions",
        offer="regions",
        values="region",
        join="or",
    ),
    Dimension(
        "recipient_region",
        "list",
        "sb.recipient_region",
        "flt.recipient_region",
        ("recipient_region",),
        "regions",
        offer="regions",
        values="region",
        join="or",
    ),
    Dimension(
        "city",
        "text",
        "sb.city",
        "flt.city",
        ("donor_name", "donor_city", "recipient_name", "recipient_city"),
    ),
    Dimension(
        "aid_kind", "list", "sb.aid_kind", "flt.aid", ("aid_kind",), AID_KINDS, "data", "aid_kind", more=True
    ),
    Dimension(
        "level",
        "list",
        "sb.level",
        "flt.level",
        ("donor_level", "recipient_level"),
        LEVELS,
        "data",
        "level",
        more=True,
    ),
    Dimension("status", "list", "sb.status", "flt.status", ("status",), STATUSES, values="status", more=True),
    Dimension(
        "network",
        "list",
        "sb.network",
        "flt.through",
        ("channel_network", "fund_id"),
        "networks",
        "data",
        more=True,
    ),
    Dimension(
        "scheme",
        "choice",
        "sb.scheme",
        "flt.scheme",
        vocab=tuple(classify.SCHEMES),
        values="scheme",
        more=True,
        default=classify.DEFAULT_SCHEME,
        sentence=True,
    ),
    Dimension(
        "sources",
        "choice",
        "sb.sources",
        "flt.sources",
        vocab=("all", "no_mirror"),
        values="sources",
        more=True,
        default="all",
        select=_sources,
    ),
)
BY_KEY = {d.key: d for d in DIMENSIONS}
BY_ATTR = {d.attr: d for d in DIMENSIONS}
LIST_PARAMS = tuple(d.key for d in DIMENSIONS if d.kind == "list")
MORE = tuple(d.attr for d in DIMENSIONS if d.more)


class _FilterMethods:
    """The behaviour of `Filter`, whose fields are the rows of DIMENSIONS."""

    @property
    def is_empty(self) -> bool:
        """No dimension selects rows (the North/South scheme only relabels them)."""
        return all(getattr(self, d.attr) == d.empty for d in DIMENSIONS if d.selects_rows)

    def to_params(self) -> dict[str, str]:
        p: dict[str, str] = {}
        for d in DIMENSIONS:
            v = getattr(self, d.attr)
            if v != d.empty:
                p[d.key] = ",".join(v) if d.kind == "list" else v
        return p

    def describe(
        self, countries: pd.DataFrame | None = None, lang: str = "en", networks: dict[str, str] | None = None
    ) -> str:
        """The active filter in words, e.g. for a chart subtitle or a citation, in the interface language.

        A network is named as readers know it: `networks` maps a filter value to its name (by default the bundled
        funds' names, "AIMF — COVID-19 support plan…" for NF-02; imported data has no funds, and a channel's
        value is its recorded name already)."""
        names = dict(zip(countries["iso3"], countries["name"])) if countries is not None else {}
        nets = networks if networks is not None else (_fund_names() if self.network else {})

        def when(s: str) -> str:
            return _human_date(s) if lang == "en" else month(_start(s), lang, day=len(s) == 10)

        def name(d: Dimension, x: str) -> str:
            if d.values == "country":
                return country_name(x, lang, names.get(x, x))
            if d.key == "network":
                return nets.get(x, x)
            if d.kind == "choice":
                return t(f"{d.values}.{x}", lang)
            return category(d.values, x, lang) if d.values else x

        parts, sentences = [], []
        for d in DIMENSIONS:
            v = getattr(self, d.attr)
            if d.kind == "from" and (self.date_from or self.date_to):
                a = when(self.date_from) if self.date_from else t("flt.start", lang)
                b = when(self.date_to) if self.date_to else t("flt.end", lang)
                parts.append(t(d.words, lang, a=a, b=b))
            elif d.kind == "list" and v:
                sep = t("flt.or", lang) if d.join == "or" else ", "
                parts.append(t(d.words, lang, v=sep.join(name(d, x) for x in v)))
            elif d.kind == "text" and v:
                parts.append(t(d.words, lang, v=v))
            elif d.kind == "choice" and (v != d.default or d.sentence):
                (sentences if d.sentence else parts).append(t(d.words, lang, v=name(d, v)))
        head = t("flt.all", lang) if not parts else t("flt.flows", lang, v=t("flt.sep", lang).join(parts))
        return " ".join([f"{head}."] + [f"{s}." for s in sentences])

    def apply(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The matching rows; with no filter, the table itself (no copy of a million rows)."""
        if self.is_empty:
            return flows
        m = pd.Series(True, index=flows.index)
        for d in DIMENSIONS:
            v = getattr(self, d.attr)
            if v == d.empty or not d.selects_rows:
                continue
            if d.select is not None:
                m &= d.select(flows, v)
            elif d.kind == "list":
                m &= pd.concat([flows[c].astype(str).isin(v) for c in d.columns], axis=1).any(axis=1)
            elif d.kind == "text":
                pat = re.escape(v.strip())
                hay = flows[list(d.columns)].astype(str)
                m &= hay.apply(lambda c, pat=pat: c.str.contains(pat, case=False, regex=True)).any(axis=1)
        return flows[m]


def _field(d: Dimension):
    return (d.attr, tuple[str, ...] if d.kind == "list" else str, field(default=d.empty))


Filter = make_dataclass("Filter", [_field(d) for d in DIMENSIONS], bases=(_FilterMethods,), frozen=True)
Filter.__module__ = __name__
Filter.__doc__ = "The active filter: one field per row of DIMENSIONS (`date_from`, `direction`, `scheme`…)."


def _human_date(s: str) -> str:
    from .dates import display

    return display(s)


def _start(s: str) -> str:
    return s if len(s) == 10 else s + "-01"


def _end(s: str) -> str:
    if len(s) == 10:
        return s
    return str((pd.Timestamp(s + "-01") + pd.offsets.MonthEnd(0)).date())


def _split(v, allowed=None) -> list[str]:
    """A comma-separated list; with the allowed values, neighbours are joined back where together they name one
    (network names such as "UNDP China, Shanghai office" hold commas)."""
    if isinstance(v, (list, tuple)):
        v = ",".join(str(x) for x in v)
    parts = [x.strip() for x in str(v).split(",")]
    if not allowed:
        return [x for x in parts if x]
    out, i = [], 0
    while i < len(parts):
        for j in range(len(parts), i, -1):  # the longest run that names an allowed value
            joined = ", ".join(parts[i:j])
            if j - i > 1 and joined in allowed:
                out.append(joined)
                i = j
                break
        else:
            if parts[i]:
                out.append(parts[i])
            i += 1
    return out


def _date_ok(v: str) -> bool:
    if not _DATE.match(v):
        return False
    try:
        pd.Timestamp(_start(v))
    except ValueError:
        return False
    return True


def parse(
    params,
    countries: pd.DataFrame | None = None,
    regions: set[str] | None = None,
    networks: set[str] | None = None,
) -> tuple[Filter, list[Notice]]:
    """Build a Filter from query parameters; every ignored value yields a notice."""
    notices: list[Notice] = []
    kw: dict = {}
    known = {
        "countries": set(countries["iso3"]) if countries is not None else None,
        "regions": regions,
        "networks": networks,
    }
    for d in DIMENSIONS:
        raw = params.get(d.key)
        if raw is None or (d.kind != "list" and not str(raw).strip()):
            continue
        if d.kind in ("from", "to"):
            v = str(raw).strip()
            if _date_ok(v):
                kw[d.attr] = v
            else:
                notices.append(Notice("flt.bad_date", {"param": d.key, "v": _clip(v)}))
        elif d.kind == "text":
            kw[d.attr] = str(raw)[:100]
        elif d.kind == "choice":
            v = str(raw).strip()
            if v in d.vocab:
                kw[d.attr] = v
            else:
                notices.append(
                    Notice("flt.bad_choice", {"what": d.label, "v": _clip(v), "ok": ", ".join(d.vocab)})
                )
        else:
            allowed = known.get(d.vocab) if isinstance(d.vocab, str) else d.vocab
            vals, bad = [], []
            for x in _split(raw, allowed if d.values != "country" else None):
                if d.values == "country":
                    x = x.upper()
                    good = bool(_ISO3.match(x)) and (allowed is None or x in allowed)
                else:
                    good = allowed is None or x in allowed
                (vals if good else bad).append(x)
            if bad:
                notices.append(
                    Notice("flt.bad_values", {"what": d.label, "v": ", ".join(_clip(b) for b in bad)})
                )
            if vals:
                kw[d.attr] = tuple(dict.fromkeys(vals))
    f = Filter(**kw)
    if f.date_from and f.date_to and _start(f.date_from) > _end(f.date_to):
        notices.append(Notice("flt.from_after_to", {}))
        f = replace(f, date_from="", date_to="")
    return f, notices


def options(flows: pd.DataFrame, countries: pd.DataFrame) -> dict[str, list[str]]:
    """What the sidebar lists for each list dimension (by attribute name), from the vocabulary or the data."""
    names = dict(zip(countries["iso3"], countries["name"]))
    out: dict[str, list[str]] = {}
    for d in DIMENSIONS:
        if d.kind == "choice":
            out[d.attr] = list(d.vocab)
        if d.kind != "list":
            continue
        if d.offer == "regions":
            out[d.attr] = sorted(set(countries["region"].dropna()) | {"unknown"})
        elif d.offer == "data":
            seen = set().union(*(set(pd.unique(flows[c].astype(str))) for c in d.columns)) - {""}
            out[d.attr] = (
                sorted(seen, key=lambda c: names.get(c, c)) if d.values == "country" else sorted(seen)
            )
        else:
            out[d.attr] = list(d.vocab)
    return out


def _clip(s: str, n: int = 40) -> str:
    s = str(s)
    return s if len(s) <= n else s[: n - 1] + "…"


@dataclass(frozen=True)
class ViewControl:
    """A chart setting that is not a filter (Sankey stages, timeline period, map roll-up…), kept in the URL like the
    filters so a reload, a permalink and a citation reproduce the exact chart.

    An integer default makes an integer control (from `lo` to `hi`); otherwise `vocab` lists the allowed values, or
    is None for free text (at most 100 characters, checked by the page). The default is left out of the URL.
    """

    key: str
    label: str
    default: str | int
    vocab: tuple[str, ...] | None = None
    lo: int = 0
    hi: int = 0

    def read(self, raw) -> tuple[str | int, Notice | None]:
        """The value a URL parameter asks for (the default when absent), and a notice when it was not usable."""
        if raw is None or str(raw).strip() == "":
            return self.default, None
        v = str(raw).strip()
        if not isinstance(self.default, int):
            if self.vocab is None:
                return v[:100], None
            if v in self.vocab:
                return v, None
            return self.default, Notice(
                "flt.bad_choice", {"what": self.label, "v": _clip(v), "ok": ", ".join(self.vocab)}
            )
        if re.fullmatch(r"\d{1,6}", v) and (self.lo <= int(v) <= self.hi or int(v) == self.default):
            return int(v), None
        return self.default, Notice(
            "flt.bad_number", {"what": self.label, "v": _clip(v), "lo": self.lo, "hi": self.hi}
        )

    def write(self, value) -> str | None:
        """The URL text of a value; None for the default (left out of the URL)."""
        return None if value == self.default else str(value)


def control_keys() -> set[str]:
    return {c.key for group in CONTROLS.values() for c in group.values()}


CONTROLS: dict[str, dict[str, ViewControl]] = {
    "sankey": {
        "stages": ViewControl("stages", "sankey.stages", vocab.SANKEY_DEFAULT, tuple(vocab.SANKEY_PRESETS)),
        "measure": ViewControl("measure", "sankey.measure", "flows", tuple(vocab.MEASURES)),
        "top": ViewControl(
            "top", "sankey.top", 0, lo=3, hi=aggregate.SANKEY_MAX_TOP
        ),  # 0: chosen so named nodes hold most of it
        "colour": ViewControl("colour", "ctl.sankey_colour", "direction", vocab.SANKEY_COLOURS),
        "node": ViewControl("node", "ctl.sankey_focus", ""),  # a node of the chart, checked by the page
    },
    "answers": {
        "question": ViewControl("question", "ans.question", "rank", QUESTIONS),
        "entity": ViewControl("entity", "ans.entity", "place", ENTITIES),
        "rank_by": ViewControl(
            "rank_by",
            "ans.rank_by",
            "flows_received",
            tuple(dict.fromkeys(PLACE_MEASURES + NETWORK_MEASURES)),
        ),
        "rank_top": ViewControl("rank_top", "ans.top_n", 15, lo=5, hi=50),
        # a place's URL text (answers.place_params), checked by the page
        "place": ViewControl("place", "ans.search", ""),
    },
    "timeline": {"period": ViewControl("period", "tl.period", "month", tuple(vocab.PERIODS))},
    "map": {
        "measure": ViewControl("map_measure", "map.measure", "flows", tuple(vocab.MEASURES)),
        "shade": ViewControl("shade", "map.shade", "given", SHADES),
        "rollup": ViewControl("rollup", "map.rollup", "place", ROLLUPS),
        "labels": ViewControl("labels", "map.n_labels", MAP_LABELS, lo=0, hi=30),
        "arcs": ViewControl("arcs", "map.max_arcs", 400, lo=50, hi=2000),
        # the extent a reader zoomed or panned to, "lon0,lon1,lat0,lat1" (figures.flowmap.parse_view checks it)
        "view": ViewControl("view", "map.view", ""),
    },
}
