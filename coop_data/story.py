"""Stories: ordered scenes, each a saved view (chart kind, filter, measure) with a title and a caption.

The shipped story's captions are templates filled from the data at build time,
so every number a presenter reads out is computed, never typed. A scene builds
its own figure from the same library functions the pages use, so a deck, a
handout and the app show the same numbers.
"""

from __future__ import annotations

import html
import io
import re
import urllib.parse
from dataclasses import asdict, dataclass, field, replace
from datetime import date

import pandas as pd

from . import aggregate, alttext, export, filters, vocab
from .figures import flow_map, timeline_chart
from .figures.common import base_layout, measure_words

CHARTS = ("map", "animated", "timeline", "funds", "partnerships")
PAGE_OF_CHART = {
    "map": "map",
    "animated": "timeline",
    "timeline": "timeline",
    "funds": "funds",
    "partnerships": "partnerships",
}
THE_EN = {"NLD", "USA", "GBR", "PHL", "CZE", "ARE", "DOM", "CAF", "COD", "BHS", "GMB"}  # "the Netherlands"
CASE_STUDIES = (
    "Milan - Quelimane",
    "Montreuil - Cercle de Yélimané (Mali)",
    "Cercle de Yélimané",
    "Quelimane",
)


@dataclass
class Scene:
    title: str
    caption: str
    chart: str = "map"  # one of CHARTS
    params: dict = field(default_factory=dict)  # filter as URL parameters
    measure: str = "flows"
    highlight: str = ""  # places (as drawn) or record ids, ';'-separated; ringed on map charts

    def filter(self, countries: pd.DataFrame | None = None) -> filters.Filter:
        return filters.parse(self.params, countries)[0]


def data_label(b, lang: str = "en") -> str:
    from .i18n import t
    from .load import BUNDLED_NAME

    return t("data.bundled", lang, version=export.VERSION) if b.name == BUNDLED_NAME else b.name


def permalink(base: str, story_id: str, number: int, lang: str = "en") -> str:
    """The story page opened at one scene (in the language it was shown in)."""
    q = urllib.parse.urlencode(
        {"story": story_id, "scene": str(number), **({"lang": lang} if lang != "en" else {})}
    )
    return f"{base.rstrip('/')}/story?{q}" if base else f"/story?{q}"


def _loose_dates(sc: Scene, view: pd.DataFrame, side: str, lang: str) -> Scene:
    """A date filter keeps a flow that may fall in its months (a flow dated only "2020" is kept by "up to February
    2020" and by "from March 2020"): the caption says how many of the flows it counts are dated that loosely."""
    from .i18n import number, t

    f = sc.filter()
    counted = view[view["counted"]]
    if side == "after":  # may be later than the filter's end
        loose = counted["date_end"] > pd.Timestamp(filters._end(f.date_to))
    else:  # may be earlier than the filter's start
        loose = counted["date_start"] < pd.Timestamp(filters._start(f.date_from))
    n = int(loose.sum())
    if not n:
        return sc
    return replace(sc, caption=sc.caption + " " + t(f"story.loose_{side}", lang, n=number(n, lang)))


def shipped(b, lang: str = "en") -> list[Scene]:
    """The story of the bundled data: wave and reversal, reciprocity, North–North patients, network funds.
    Captions are templates in the interface language, filled with numbers computed here."""
    from .i18n import country_name, month, month_long, number, t

    f = b.flows
    names = dict(zip(b.countries["iso3"], b.countries["name"]))
    scenes = []

    def scene(i: int, chart: str, params: dict, /, measure: str = "flows", highlight: str = "", **numbers):
        """Scene i of the shipped story: its title and its caption template filled with the numbers."""
        return Scene(
            t(f"s{i}.title", lang), t(f"s{i}.caption", lang, **numbers), chart, params, measure, highlight
        )

    # The captions say "reported delivered", so the two waves' maps show delivered flows only: a map of every status
    # (announced, cancelled…) drew 83 flows under a caption counting 65 (issue 16).
    wave_f = filters.Filter(date_to="2020-02", direction=("partner_to_china",), status=("delivered",))
    wave = wave_f.apply(f)
    h = aggregate.headline(wave)
    # "went", "reached", "delivered": the captions count delivered rows only (programme totals not added to their parts)
    donors = wave.loc[wave["counted"], "donor_country_iso3"].replace("", pd.NA).dropna().nunique()
    flows, masks = number(h["counted_flows"], lang), number(h["masks"], lang)
    scenes.append(scene(1, "map", wave_f.to_params(), flows=flows, countries=donors, masks=masks))
    scenes[-1] = _loose_dates(scenes[-1], wave, "after", lang)

    rev_f = filters.Filter(date_from="2020-03", direction=("china_to_partner",), status=("delivered",))
    rev = rev_f.apply(f)
    hr = aggregate.headline(rev)
    recips = rev.loc[rev["counted"], "recipient_country_iso3"].replace("", pd.NA).dropna().nunique()
    times = f"{hr['masks'] / h['masks']:.0f}" if h["masks"] else "–"
    flows, masks = number(hr["counted_flows"], lang), number(hr["masks"], lang)
    scenes.append(
        scene(2, "map", rev_f.to_params(), "masks", flows=flows, countries=recips, masks=masks, times=times)
    )
    scenes[-1] = _loose_dates(scenes[-1], rev, "before", lang)

    tl = aggregate.timeline(f)
    by = tl.groupby(["direction", "period"], observed=True)["flows"].sum()
    to_cn, from_cn = (
        by.get("partner_to_china", pd.Series(dtype=int)),
        by.get("china_to_partner", pd.Series(dtype=int)),
    )
    if len(to_cn) and len(from_cn):
        m1, m2 = month_long(to_cn.idxmax(), lang), month_long(from_cn.idxmax(), lang)
        scenes.append(scene(3, "timeline", {}, m1=m1, n1=int(to_cn.max()), m2=m2, n2=int(from_cn.max())))

    # North–North, as the title says: transfers within one country (Brazil's states to Manaus) are not "across a
    # border", so the map and the caption leave them out (a fresh-eyes test found Brazil listed as an origin).
    pat_f = filters.Filter(aid_kind=("patients_treated",), status=("delivered",), direction=("north_north",))
    pat = pat_f.apply(f)
    # transfers with a patient count; a head count on one day (WD-0084) or a programme total is not a transfer
    moved = pat[pat["counted"] & (aggregate.unit_family(pat["quantity_unit"]) == "patients")]
    if len(moved):
        by_origin = moved.groupby("recipient_country_iso3")["quantity"].sum()
        by_origin = sorted(by_origin.items(), key=lambda kv: (-kv[1], kv[0]))
        the = "the " if lang == "en" else ""
        names_ = [
            f"{the * (c in THE_EN)}{country_name(c, lang, names.get(c, c))} ({number(q, lang)})"
            for c, q in by_origin
        ]
        origins = (
            t("word.and", lang).join([", ".join(names_[:-1]), names_[-1]]) if len(names_) > 1 else names_[0]
        )
        hosts = sorted(moved["donor_country_iso3"].value_counts().items(), key=lambda kv: (-kv[1], kv[0]))
        heads = (
            pat[pat["flags"].astype(str).str.contains("count_on_one_day", regex=False)]
            if "flags" in pat
            else pat[:0]
        )
        note = t("s4.note", lang, ids=", ".join(heads["record_id"])) if len(heads) else ""
        said = {"patients": number(moved["quantity"].sum(), lang), "origins": origins, "n": len(moved)}
        said |= {
            "k": int(hosts[0][1]),
            "country": country_name(hosts[0][0], lang, names.get(hosts[0][0], "?")),
        }
        scenes.append(scene(4, "map", pat_f.to_params(), "patients", note=note, **said))

    pairs = aggregate.reciprocity_pairs(f)
    if len(pairs):
        sure = pairs[pairs["order_certain"]]
        ex = (sure if len(sure) else pairs).iloc[0]

        def gift(q, unit, kind):
            return f"{number(q, lang)} {unit}" if pd.notna(q) and unit else str(kind).replace("_", " ")

        def when(label, start):
            parts = str(label).split()
            if lang == "en" or len(parts) < 2:
                return label
            return month(start, lang, day=len(parts) == 3)

        a, b_ = ex["first_giver"], ex["first_receiver"]
        legs = {
            f"gift{i}": gift(ex[f"quantity_{i}"], ex[f"quantity_unit_{i}"], ex[f"aid_kind_{i}"])
            for i in (1, 2)
        }
        legs |= {f"d{i}": when(ex[f"date_label_{i}"], ex[f"date_start_{i}"]) for i in (1, 2)}
        n_pairs = aggregate.place_pairs(pairs)  # places, not gifts (the Answers page names both)
        scenes.append(scene(5, "map", {"city": a}, highlight=f"{a}; {b_}", pairs=n_pairs, a=a, b=b_, **legs))

    cur = network_funds(b.funds)
    eur = cur.loc[cur["currency"] == "EUR", "amount"].sum()
    approx = cur.loc[cur["amount_qualifier"] != "exact"]
    items = t("word.and", lang).join(
        f"{r.network} ({t('qual.' + r.amount_qualifier, lang)} EUR {number(r.amount, lang)})"
        for r in approx.itertuples()
    )
    note = t("s6.note", lang, items=items) if len(approx) else ""
    scenes.append(scene(6, "funds", {}, n=cur["network"].nunique(), eur=number(eur, lang), note=note))

    facts = b.facts.set_index("fact_id")
    if {"SF-23", "SF-25", "SF-26"} <= set(facts.index):
        from .alttext import qualified

        grant, twin, cercle = facts.loc["SF-23"], facts.loc["SF-25"], facts.loc["SF-26"]
        places = ("Milan", "Quelimane", "Montreuil", "Cercle de Yélimané")
        between = f[f["donor_label"].isin(places) & f["recipient_label"].isin(places)]
        said = {
            "y1": int(grant["year"]),
            "y2": int(twin["value"]),
            "k": int(cercle["value"]),
            "n": len(between),
        }
        said["grant"] = qualified(grant["value"], grant["qualifier"], grant["unit"], lang)
        scenes.append(scene(7, "partnerships", {}, highlight="; ".join(places), **said))
    return scenes


def network_funds(funds: pd.DataFrame) -> pd.DataFrame:
    """Network emergency funds (not single cities' programmes), current version only, with an amount."""
    return funds[funds["is_current_version"] & funds["amount"].notna() & (funds["kind"] == "fund")]


# --- figures -------------------------------------------------------------------------------------


def scene_figure(scene: Scene, b, dataset_label: str | None = None, lang: str = "en"):
    from .i18n import t

    dataset_label = dataset_label or data_label(b, lang)
    flt = scene.filter(b.countries)
    view = flt.apply(b.with_scheme(flt.scheme))
    source = t("chart.source", lang, n=view["source_url"].nunique(), m=len(view), data=dataset_label)
    sub = flt.describe(b.countries, lang)

    def measure_text(m: str) -> str:
        return measure_words(t(f"measure.{m}", lang).lower(), t(f"unit.{vocab.MEASURES[m]}", lang), lang)

    from .figures import highlight

    if scene.chart == "animated":
        from .figures.animated import animated_map

        fig, note = animated_map(view, scene.title, sub + " " + measure_text("flows"), source, lang=lang)
        highlight.add(fig, b, scene.highlight, lang)
        return fig, view, alttext.animated_summary(note, lang)
    if scene.chart == "partnerships":
        from .figures.partnerships import partnership_map

        p = b.partnerships
        fig, drawn = partnership_map(
            p,
            t("funds.chart_source", lang, n=p["source_url"].nunique(), data=dataset_label),
            lang,
            title=scene.title,
        )
        highlight.add(fig, b, scene.highlight, lang)
        return fig, view, alttext.partnerships_summary(p, drawn, lang=lang)
    if scene.chart == "timeline":
        tl = aggregate.timeline(view)
        fig = timeline_chart(tl, scene.title, sub + " " + measure_text("flows"), source, lang=lang)
        return fig, view, alttext.timeline_summary(tl, aggregate.not_in_timeline(view, tl), lang=lang)
    if scene.chart == "funds":
        import plotly.graph_objects as go

        tot = network_funds(b.funds).sort_values("amount", ascending=False)
        fig = go.Figure(
            go.Bar(
                x=tot["amount"],
                y=tot["network"] + " (" + tot["currency"] + ")",
                orientation="h",
                text=[
                    alttext.qualified(a, q, "", lang) for a, q in zip(tot["amount"], tot["amount_qualifier"])
                ],
                textposition="outside",
                marker_color="#0072B2",
            )
        )
        base_layout(
            fig,
            scene.title,
            t("funds.chart_sub", lang),
            t("funds.chart_source", lang, n=b.funds["source_url"].nunique(), data=dataset_label),
            height=480,
        )
        # room on the right for the amounts written outside the bars (the largest was cut off at the edge)
        top = float(tot["amount"].max()) if len(tot) else 1.0
        fig.update_layout(yaxis=dict(autorange="reversed", automargin=True), xaxis=dict(range=[0, top * 1.3]))
        fig.update_traces(cliponaxis=False)
        return fig, view, alttext.funds_summary(tot, lang)
    fig, _ = flow_map(
        view,
        scene.measure,
        scene.title,
        f"{sub} {measure_text(scene.measure)}",
        source,
        choropleth=None,
        height=560,
        lang=lang,
    )
    highlight.add(fig, b, scene.highlight, lang)
    return fig, view, alttext.flows_summary(view, scene.measure, lang=lang)


FONT_KEYS = {"font", "tickfont", "textfont", "insidetextfont", "outsidetextfont", "titlefont"}
_PX = re.compile(r"font-size:\s*(\d+)px")


def projector_figure(
    fig, min_px: int = 16, width: int = 1280, height: int | None = None, drop_title: bool = False
):
    """A copy of a scene's chart for a projector or a slide: every text at least `min_px` pixels (the default
    12-14 px could not be read from the back of a room), subtitle and source re-wrapped to the wider type,
    margins grown to match. `drop_title`: the chart's own title line goes (presenter mode shows the scene's title,
    the same words, right above it); the subtitle stays."""
    import plotly.graph_objects as go

    from .figures.common import wrap_words

    d = fig.to_dict()

    def bump(node, in_font=False):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "size" and in_font and isinstance(v, (int, float)):
                    node[k] = max(v, min_px)
                else:
                    bump(v, k in FONT_KEYS)
        elif isinstance(node, list):
            for x in node:
                bump(x, in_font)

    bump(d)
    lay = d.setdefault("layout", {})
    for k in [
        k for k in lay if k.startswith(("xaxis", "yaxis"))
    ]:  # explicit: a theme's template sets them small
        ax = lay[k] if isinstance(lay[k], dict) else {}
        ax.setdefault("tickfont", {})["size"] = max((ax.get("tickfont") or {}).get("size") or 0, min_px)
        if isinstance(ax.get("title"), dict):
            ax["title"].setdefault("font", {})["size"] = max(
                (ax["title"].get("font") or {}).get("size") or 0, min_px
            )
    lay.setdefault("font", {})["size"] = max(lay.get("font", {}).get("size") or 0, min_px)
    chars = max(40, int(width / (min_px * 0.58)))  # characters per line at this type size

    def rewrap(text: str) -> str:
        return "<br>".join(wrap_words(" ".join(str(text).split("<br>")), chars))

    def bigger(m):
        return f"font-size:{max(int(m.group(1)), min_px)}px"

    title = lay.get("title") or {}
    extra = 0
    if isinstance(title.get("text"), str):
        head, sep, sub = title["text"].partition("<span")
        if drop_title and sep:
            head = ""
        if sep:
            style, _, rest = sub.partition(">")
            body = rest.rsplit("</span>", 1)[0]
            new_sub = rewrap(body)
            extra = (new_sub.count("<br>") + 2) * (min_px + 8) + 12
            title["text"] = head + "<span" + _PX.sub(bigger, style) + ">" + new_sub + "</span>"
        sub_box = title.get("subtitle") if isinstance(title.get("subtitle"), dict) else {}
        if not sep and sub_box.get("text"):  # plotly's own subtitle (the charts wrapped for phones)
            new_sub = rewrap(sub_box["text"])
            lines = new_sub.count("<br>") + 1
            if (
                drop_title
            ):  # the subtitle alone, as the title's text: plotly draws no subtitle without a title
                title["text"] = f"<span style='font-size:{min_px}px;color:#555'>{new_sub}</span>"
                title.pop("subtitle")
                extra = lines * (min_px + 8) + 24
            else:
                sub_box["text"] = new_sub
                sub_box.setdefault("font", {})["size"] = max(
                    (sub_box.get("font") or {}).get("size") or 0, min_px
                )
                heads = title["text"].count("<br>") + 1
                extra = heads * (min_px + 12) + lines * (min_px + 8) + 24
        title.setdefault("font", {})["size"] = max((title.get("font") or {}).get("size") or 0, min_px + 6)
    lh = min_px + 6  # one line of text
    below = []
    for a in lay.get("annotations", []) or []:
        a.setdefault("font", {})["size"] = max((a.get("font") or {}).get("size") or 0, min_px)
        if isinstance(a.get("text"), str) and a.get("yref") == "paper" and (a.get("y") or 0) < 0:
            a["text"] = rewrap(a["text"])
            below.append(a)
    lines = max([a["text"].count("<br>") + 1 for a in below] or [0])
    # below the plot, from the top: axis labels, a horizontal legend, the source line(s)
    ticks = 0 if any(tr.get("type") in ("scattergeo", "choropleth") for tr in d.get("data", [])) else 2 * lh
    leg = lay.get("legend") if isinstance(lay.get("legend"), dict) else {}
    legend_h = 2 * (lh + 12) if leg.get("orientation") == "h" else 0
    h = height or int(width * 9 / 16)
    m = lay.setdefault("margin", {})
    m["t"] = max(m.get("t") or 0, 30 + extra)
    m["b"] = ticks + legend_h + lines * lh + 16
    if (
        ticks and "yaxis" in lay
    ):  # room for the y labels and axis title set here, not left to automargin, which
        # kaleido sometimes captured before its second layout pass (labels cut at the left edge)
        ys = [
            y
            for tr in d.get("data", [])
            if tr.get("y") is not None and not isinstance(tr.get("y"), dict)
            for y in list(tr["y"])
            if isinstance(y, str)
        ]
        longest = max((len(y) for y in ys), default=5)
        titled = bool(
            ((lay["yaxis"].get("title") or {}).get("text")) if isinstance(lay["yaxis"], dict) else 0
        )
        m["l"] = max(m.get("l") or 0, int(longest * min_px * 0.62) + (2 * lh if titled else 0) + 12)
    plot_h = max(h - m["t"] - m["b"], 100)
    if legend_h:
        leg.update(y=-ticks / plot_h, yanchor="top")
    for a in below:
        a.update(y=-(ticks + legend_h) / plot_h, yanchor="top")
    lay["width"], lay["height"] = width, h
    if isinstance(lay.get("geo"), dict) and not ticks:
        _fill_geo(lay["geo"], width - (m.get("l") or 0) - (m.get("r") or 0), plot_h)
    return go.Figure(d)


def present_height(scene: Scene, screen: int = 1080) -> int:
    """The chart's height in presenter mode: what a 1920x1080 screen leaves under the scene's title and caption
    (measured: the chart starts 184 px down, plus 29 px per caption line of about 160 characters at 1.5 rem; the
    title wraps after about 60 characters at 3 rem, 58 px a line)."""
    caption_lines = -(-len(scene.caption) // 160) if scene.caption else 0
    title_lines = max(1, -(-len(scene.title) // 60))
    top = 184 + 29 * caption_lines + 58 * (title_lines - 1)
    return int(min(max(screen - top - 24, 480), 860))


NATURAL_EARTH_X = (
    0.84  # natural earth: width of a degree of longitude against a degree of latitude, mid-latitudes
)


def _fill_geo(geo: dict, w: float, h: float) -> None:
    """Widen a fitted map's ranges to the shape of the screen: the map fills the space under the caption.

    A map fitted to its places (Brazil and Europe) is taller than a wide projector's plot area; plotly keeps its
    aspect, so it was drawn 535 px wide on a 1824 px wide slide (issue 16). The longitude range grows (or, for a
    wide map, the latitude range) around its centre until the map has the plot area's shape, up to the world.
    Only the legend's room below is given back (the legend sits under the plot area here)."""
    geo["domain"] = {**(geo.get("domain") or {}), "y": [0, (geo.get("domain") or {}).get("y", [0, 1])[1]]}
    lon, lat = (geo.get("lonaxis") or {}).get("range"), (geo.get("lataxis") or {}).get("range")
    if not lon or not lat or w <= 0 or h <= 0:
        return
    y0, y1 = geo["domain"]["y"]
    want = w / (h * (y1 - y0))  # width / height of the map's box on the screen
    lon_span, lat_span = lon[1] - lon[0], lat[1] - lat[0]
    have = lon_span * NATURAL_EARTH_X / lat_span
    if have < want:  # too tall: more longitude, centred
        c, span = (lon[0] + lon[1]) / 2, min(360.0, lat_span * want / NATURAL_EARTH_X)
        geo["lonaxis"]["range"] = [round(c - span / 2, 2), round(c + span / 2, 2)]
    else:  # too wide: more latitude, within the poles
        span = min(180.0, lon_span * NATURAL_EARTH_X / want)
        c = min(max((lat[0] + lat[1]) / 2, -90 + span / 2), 90 - span / 2)
        geo["lataxis"]["range"] = [round(c - span / 2, 2), round(c + span / 2, 2)]


# --- storage format -------------------------------------------------------------------------------


def to_body(scenes: list[Scene]) -> dict:
    return {"scenes": [asdict(s) for s in scenes]}


def from_body(body: dict) -> list[Scene]:
    out = []
    for s in body.get("scenes", []):
        chart = s.get("chart") if s.get("chart") in CHARTS else "map"
        measure = s.get("measure") if s.get("measure") in vocab.MEASURES else "flows"
        out.append(
            Scene(
                str(s.get("title", ""))[:200],
                str(s.get("caption", ""))[:1000],
                chart,
                {str(k): str(v) for k, v in dict(s.get("params", {})).items()},
                measure,
                str(s.get("highlight", ""))[:200],
            )
        )
    return out


# --- exports --------------------------------------------------------------------------------------


def _cite(scene: Scene, b, link: str, lang: str = "en") -> str:
    return export.citation(
        scene.filter(b.countries).describe(b.countries, lang), link, dataset=data_label(b, lang), lang=lang
    )


class SceneFailed(RuntimeError):
    """A scene whose chart could not be drawn (after the renderer's retry); says which scene."""

    def __init__(self, number: int, title: str, error: BaseException):
        self.number, self.title, self.error = number, title, error
        super().__init__(f"scene {number} ({title}): {type(error).__name__}: {error}")


SLIDE_PX = (1280, 720, 1.5)  # chart drawn at 1280x720 with text of at least 18 px, stored 1.5x for sharpness
SLIDE_TEXT = (
    1.5  # render.export_layout's text scale: its smallest text here (the source line, 12 px) becomes 18 px
)


def slide_figure(fig, lang: str = "en"):
    """A scene's chart laid out for its slide by the exports' own layout (every text block measured and given its
    band, nothing overlapping or leaving the canvas), with the larger type a room needs."""
    from .figures.render import export_layout

    w, h, _ = SLIDE_PX
    f = export_layout(fig, w, h, "", lang, SLIDE_TEXT)
    least = round(12 * SLIDE_TEXT)
    for tr in f.data:  # labels drawn on the chart (place names on a map) are not part of the measured layout
        size = getattr(getattr(tr, "textfont", None), "size", None)
        if isinstance(size, (int, float)) and size < least:
            tr.textfont.size = least
    return f


def slide_images(scenes: list[Scene], b, lang: str = "en", progress=None):
    """(scene number, scene, PNG or the error, text alternative) for every scene, in order.

    Scenes go to the renderer two at a time (its two tabs draw them together); while a pair is drawn, this thread
    builds the next pair's figures. `progress(done, total, title)` is called in the caller's thread after each
    scene, so a page can show it."""
    from concurrent.futures import ThreadPoolExecutor

    from .figures import render as r

    w, h, scale = SLIDE_PX
    out, pending = [], []

    def draw(figs):
        return r.render_pngs([f for f in figs if not isinstance(f, Exception)], w, h, scale)

    def finish() -> None:
        batch, fut = pending.pop(0)
        try:
            pngs = iter(fut.result())
        except Exception as e:  # the renderer itself failed: every scene of the pair says so
            pngs = iter([e] * len(batch))
        for i, sc, fig, alt in batch:
            png = fig if isinstance(fig, Exception) else next(pngs)
            if isinstance(png, Exception):
                png = SceneFailed(i, sc.title, png)
            out.append((i, sc, png, alt))
            if progress:
                progress(len(out), len(scenes), sc.title)

    with ThreadPoolExecutor(1, thread_name_prefix="deck") as pool:
        for k in range(0, len(scenes), 2):
            batch = []
            for i, sc in enumerate(scenes[k : k + 2], k + 1):
                try:
                    fig, _view, alt = scene_figure(sc, b, lang=lang)
                    fig = slide_figure(fig, lang)
                except (
                    Exception
                ) as e:  # a figure that cannot be built (a saved story's odd filter): that scene only
                    fig, alt = e, ""
                batch.append((i, sc, fig, alt))
            pending.append((batch, pool.submit(draw, [x[2] for x in batch])))
            while pending and pending[0][1].done():
                finish()
        while pending:
            finish()
    return out


def to_pptx(
    scenes: list[Scene],
    b,
    title: str = "City Solidarity Flows",
    base_url: str = "",
    story_id: str = "shipped",
    lang: str = "en",
    progress=None,
    errors: list | None = None,
) -> bytes:
    """One slide per scene: title, caption, chart image (rendered offline), a sources/citation footer, and the
    chart's text alternative in the notes. A scene whose chart fails keeps its slide, says so on it, and is
    appended to `errors`; without an `errors` list the failure is raised (never a silent gap)."""
    from pptx import Presentation
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Pt

    from .i18n import t

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    sw = prs.slide_width
    first = prs.slides.add_slide(prs.slide_layouts[0])
    # the template's placeholders sit for a 4:3 slide: centre them on the 16:9 one
    for ph, top, height in (
        (first.shapes.title, 2000000, 1500000),
        (first.placeholders[1], 3700000, 1200000),
    ):
        ph.left, ph.top, ph.width, ph.height = Emu(600000), Emu(top), Emu(sw - 1200000), Emu(height)
    first.shapes.title.text = title
    first.placeholders[1].text = t("deck.intro", lang, n=len(scenes), date=date.today().isoformat())
    for ph in (first.shapes.title, first.placeholders[1]):
        for para in ph.text_frame.paragraphs:
            para.alignment = PP_ALIGN.CENTER
    blank = prs.slide_layouts[6]
    for i, sc, png, alt in slide_images(scenes, b, lang, progress):
        s = prs.slides.add_slide(blank)
        tb = s.shapes.add_textbox(Emu(400000), Emu(150000), Emu(11400000), Emu(600000)).text_frame
        tb.text = sc.title
        tb.paragraphs[0].runs[0].font.size, tb.paragraphs[0].runs[0].font.bold = Pt(28), True
        if isinstance(png, Exception):
            if errors is None:
                raise png
            errors.append(png)
            box = s.shapes.add_textbox(Emu(400000), Emu(900000), Emu(7900000), Emu(1200000)).text_frame
            box.word_wrap = True
            box.text = t("deck.chart_failed", lang, n=i, error=str(png.error)[:300])
        else:
            pic = s.shapes.add_picture(io.BytesIO(png), Emu(400000), Emu(850000), width=Emu(8000000))
            pic.name = f"Chart {i}"
        cap = s.shapes.add_textbox(Emu(8550000), Emu(850000), Emu(3300000), Emu(4300000)).text_frame
        cap.word_wrap = True
        cap.text = sc.caption
        cap.paragraphs[0].runs[0].font.size = Pt(18)
        foot = s.shapes.add_textbox(Emu(400000), Emu(5550000), Emu(11400000), Emu(1200000)).text_frame
        foot.word_wrap = True
        foot.text = t(
            "deck.footer",
            lang,
            i=i,
            n=len(scenes),
            cite=_cite(sc, b, permalink(base_url, story_id, i, lang), lang),
        )
        foot.paragraphs[0].runs[0].font.size = Pt(10)
        s.notes_slide.notes_text_frame.text = alt
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def to_html(
    scenes: list[Scene],
    b,
    title: str = "City Solidarity Flows",
    base_url: str = "",
    story_id: str = "shipped",
    lang: str = "en",
) -> bytes:
    """A handout: every scene's chart as inline SVG, its caption, text alternative and citation; opens offline."""
    from .figures.render import render
    from .i18n import t

    parts = [
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}section{page-break-after:always;margin-bottom:3em}"
        "svg{max-width:100%;height:auto}.cite{font-size:.8em;color:#666}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p>{html.escape(t('deck.intro', lang, n=len(scenes), date=date.today().isoformat()))}</p>",
    ]
    for i, sc in enumerate(scenes, 1):
        fig, view, alt = scene_figure(sc, b, lang=lang)
        svg = render(fig, "svg", width=1200, height=650, alt=alt, lang=lang).decode("utf-8")
        parts.append(
            f"<section><h2>{i}. {html.escape(sc.title)}</h2><p>{html.escape(sc.caption)}</p>{svg}"
            f"<p><em>{t('deck.alt', lang)}</em> {html.escape(alt)}</p>"
            f"<p class='cite'>{t('deck.cite', lang)} {html.escape(_cite(sc, b, permalink(base_url, story_id, i, lang), lang))}</p></section>"
        )
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")


def to_pdf(scenes: list[Scene], b, *args, **kwargs) -> bytes:
    """The handout (`to_html`, same arguments) printed to PDF by the system Chromium (through Playwright; no
    network)."""
    from playwright.sync_api import sync_playwright

    page_html = to_html(scenes, b, *args, **kwargs).decode("utf-8")
    with sync_playwright() as p:
        br = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            pg = br.new_context(offline=True).new_page()
            pg.set_content(page_html)
            return pg.pdf(format="A4", print_background=True)
        finally:
            br.close()


WRITERS = {"pptx": to_pptx, "html": to_html, "pdf": to_pdf}
