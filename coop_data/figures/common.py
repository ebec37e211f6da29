"""Shared look: light projector-friendly theme, offline geo settings, chart titles."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go

from ..i18n import CATALOG, singular_one, t
from ..i18n import plural_key as count_key  # noqa: F401  (the figures' name for it)
from ..vocab import MEASURES

ROOT = Path(__file__).resolve().parents[2]
TOPOJSON_DIR = ROOT / "static" / "geo"
TOPOJSON_URL = "/app/static/geo/"
GEO_BUNDLE_URL = (
    "/app/static/js/plotly-geo.min.js"  # plotly.js geo-only bundle (MIT), drawn by coop_ui.geo_chart
)
FONT = dict(family="DejaVu Sans, Arial, sans-serif", size=14, color="#222")
FONT_FILES = {
    False: "DejaVuSans.ttf",
    True: "DejaVuSans-Bold.ttf",
}  # the first family of FONT, measured with Pillow
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
CARTESIAN = ("bar", "scatter", "histogram")


def unit_word(unit: str, value: float, lang: str = "en") -> str:
    """The unit as a count of `value` reads it: "1 flow", "2 flows". `unit` is the plural as shown (unit.* in the
    language); its singular is the locale key unit.*_one. A unit without one (EUR, a free-text unit) is kept."""
    if not singular_one(value, lang):
        return unit
    for key in ("unit.flows", "unit.masks", "unit.patients", "map.records"):
        if unit == t(key, lang) and f"{key}_one" in CATALOG:
            return t(f"{key}_one", lang)
    return unit


def measure_name(measure: str, lang: str = "en") -> str:
    """A measure as a control names it: "Number of flows (flows)"."""
    return f"{t('measure.' + measure, lang)} ({t('unit.' + MEASURES[measure], lang)})"


def measure_words(label: str, unit: str, lang: str = "en") -> str:
    """ "Measure: number of flows." The unit in brackets only when the label does not already say it: "number of
    flows (flows)" said it twice, "cash (EUR)" needs it."""
    if unit.lower() in label.lower():
        return t("chart.measure_plain", lang, label=label)
    return t("chart.measure", lang, label=label, unit=unit)


def geo_config() -> dict:
    """Plotly config for every geo chart: world outline from the app's own static folder."""
    # No scroll-zoom: the wheel over a map scrolled the map, not the page; zoom stays on the buttons and a drag.
    return {"topojsonURL": TOPOJSON_URL, "displaylogo": False, "responsive": True, "scrollZoom": False}


# The world as every map of the app draws it: Natural Earth, light land, grey borders, no coast, ocean nor frame.
GEO_STYLE = dict(
    projection_type="natural earth",
    showcountries=True,
    countrycolor="#bbb",
    showland=True,
    landcolor="#f2f2ee",
    showcoastlines=False,
    showocean=False,
    showframe=False,
)


# Width in px that a chart's on-screen texts wrap to when they must fit a phone (390 px screen, 358 px of chart):
# plotly never wraps a title or an annotation itself, and the server does not know the screen's width.
PHONE_TEXT_PX = 290


def title_block(title: str, subtitle: str, width_px: float | None = None) -> dict:
    lines = wrap_px(subtitle, 12, width_px) if width_px else wrap_words(subtitle)
    sub = "<br>".join(escape_text(line) for line in lines)
    head = "<br>".join(escape_text(x) for x in wrap_px(title, 17, width_px, bold=True)) if width_px else title
    return dict(
        text=f"<b>{head if width_px else escape_text(title)}</b><br>"
        f"<span style='font-size:12px;color:#555'>{sub}</span>",
        x=0.01,
        xanchor="left",
    )


def source_annotation(text: str, width_px: float | None = None) -> dict:
    lines = wrap_px(text, 11, width_px) if width_px else wrap_words(text, 140)
    return dict(
        name="source",
        text="<br>".join(escape_text(line) for line in lines),
        showarrow=False,
        align="left",
        xref="paper",
        yref="paper",
        x=0,
        y=-0.02,
        xanchor="left",
        yanchor="top",
        font=dict(size=11, color="#555"),
    )


def base_layout(fig: go.Figure, title: str, subtitle: str, source: str, height: int = 560) -> go.Figure:
    """Title, subtitle, source line and theme. The three texts are also kept as plain text in layout.meta, so an
    export (figures.render) can lay them out again for its own canvas instead of reusing on-screen pixel margins."""
    if any(tr.type in CARTESIAN for tr in fig.data):
        # Category names and tick labels push the margin (with l=10 they were cut: "er", "a").
        fig.update_layout(xaxis=dict(automargin=True), yaxis=dict(automargin=True))
    fig.update_layout(
        meta=dict(title=str(title), subtitle=str(subtitle), source=str(source)),
        title=title_block(title, subtitle),
        font=FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height,
        margin=dict(
            l=10, r=10, t=62 + 17 * len(wrap_words(subtitle)), b=22 + 15 * len(wrap_words(source, 140))
        ),
        annotations=[source_annotation(source)],
        legend=dict(bgcolor="rgba(255,255,255,0.85)", bordercolor="#ccc", borderwidth=1),
    )
    return fig


def phone_texts(fig: go.Figure, below_plot_px: int) -> tuple[int, int]:
    """Title, subtitle and source line wrapped to a phone's width (PHONE_TEXT_PX), the source line put
    `below_plot_px` under the plot area whatever its height. Returns (top, bottom) margins these texts need.

    For the charts drawn by st.plotly_chart (no script of ours wraps them again, as geo_chart.js does for maps):
    wrapped for a laptop, the source line ran off a phone's screen and over the legend."""
    meta = fig.layout.meta
    head = wrap_px(meta["title"], 17, PHONE_TEXT_PX, bold=True)
    sub = wrap_px(meta["subtitle"], 12, PHONE_TEXT_PX)
    src = source_annotation(meta["source"], PHONE_TEXT_PX) | dict(x=0, y=0, yshift=-below_plot_px)
    fig.update_layout(
        title=dict(
            text="<br>".join(f"<b>{escape_text(x)}</b>" for x in head),
            subtitle=dict(text="<br>".join(escape_text(x) for x in sub), font=dict(size=12, color="#555")),
            x=0.01,
            xanchor="left",
            yref="container",
            y=1,
            yanchor="top",
            pad=dict(t=10),
        )
    )
    fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "source"] + [src]
    top = 10 + 24 * len(head) + 16 * len(sub) + 14
    return top, below_plot_px + 15 * len(wrap_px(meta["source"], 11, PHONE_TEXT_PX)) + 8


def map_legend(title: str) -> dict:
    """Legend of a world map, outside it on the right: inside, it hid the Americas once the map was narrowed to a
    page column. The choropleth's colour bar sits below it (flow map)."""
    return dict(
        title=dict(text=title),
        x=1.0,
        xanchor="left",
        y=1.0,
        yanchor="top",
        tracegroupgap=0,
        borderwidth=0,
        bgcolor="rgba(0,0,0,0)",
        font=dict(size=12),
    )


def escape_text(s: str) -> str:
    """Plotly renders a small HTML subset in titles: escape data text so it stays text."""
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap_words(s: str, width: int = 130) -> list[str]:
    words, lines, cur = str(s).split(), [], ""
    for w in words:
        if len(cur) + len(w) + 1 > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return lines


@lru_cache(maxsize=8)
def _font(size: int, bold: bool):
    from PIL import ImageFont

    for d in FONT_DIRS:
        if (d / FONT_FILES[bold]).exists():
            return ImageFont.truetype(str(d / FONT_FILES[bold]), size)
    return None


def text_width(s: str, size: float, bold: bool = False) -> float:
    """Width in px of one line of text in the charts' font (DejaVu Sans, as kaleido's Chromium draws it).

    Without the font file, a wide average glyph (0.62 em) keeps estimates on the safe side."""
    f = _font(max(1, round(size * 4)), bold)  # measured at 4x for sub-pixel accuracy
    return f.getlength(str(s)) / 4 if f is not None else 0.62 * size * len(str(s))


def wrap_px(s: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Lines of at most `width` px: words wrapped, a word longer than a line (a URL) cut where it must."""
    lines, cur = [], ""
    for w in str(s).split():
        while text_width(w, size, bold) > width:  # hard-break a long token, preferably after / ? & =
            cut = len(w)
            while cut > 1 and text_width(w[:cut], size, bold) > width:
                cut -= 1
            soft = max((w.rfind(c, 0, cut) for c in "/?&=-"), default=-1)
            cut = soft + 1 if soft > cut // 2 else cut
            if cur:
                lines.append(cur)
                cur = ""
            lines.append(w[:cut])
            w = w[cut:]
        if cur and text_width(f"{cur} {w}", size, bold) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return [x for x in lines if x] or [""]
