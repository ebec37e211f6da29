"""Charts as files: PNG and SVG rendered on the server (kaleido driving the system
Chromium), and standalone HTML. Geo charts read the world outline from the
app's own folder, so exports work with no network; each file carries the
"cite this view" line.

PNG and SVG come at named sizes (SIZES). The on-screen figure's margins were
chosen for a browser column, so an image is laid out again for its canvas
(`export_layout`): every text block is measured in the charts' font, wrapped to
the canvas width, and given its own band of pixels (title, subtitle, plot, axis,
legend, source, citation), so nothing overlaps and nothing leaves the canvas.
tests/test_layout.py checks exactly that, in every chart kind x size x language.
"""

from __future__ import annotations

import copy
import html
import re
import tempfile
import threading
import warnings
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from ..i18n import t
from .common import TOPOJSON_DIR, escape_text, text_width, wrap_px

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "html": "text/html"}
# Named export sizes in px (a newsroom's usual slots). A4 portrait is 210 x 297 mm at 150 dpi.
SIZES = {"article": (1200, 800), "social": (1200, 675), "slide": (1600, 900), "a4": (1240, 1754)}
# Text grows with the canvas: a slide is read from the back of a room, an A4 page at 150 dpi is printed
# (13 px x 1.4 = 18 px = 8.7 pt on paper).
TEXT_SCALE = {"article": 1.0, "social": 1.0, "slide": 1.25, "a4": 1.4}
DEFAULT_SIZE = "article"
LINE = 1.3  # plotly.js line spacing (em) of multi-line text
ROLE_NAMES = (
    "title",
    "subtitle",
    "source",
    "citation",
)  # annotation names export_layout gives its text blocks


# Kaleido's page loads MathJax from a CDN unless it is given a script: an empty local one keeps every export offline
# (a request that cannot leave the machine also stalled the page, and kaleido then failed with "kaleido_scopes is
# not defined"). Our charts have no LaTeX.
NO_MATHJAX = Path(__file__).resolve().parents[2] / "static" / "js" / "no-mathjax.js"


def _offline() -> None:
    """Offline settings, and one Chromium kept for every image of this process: starting one per image cost about
    2 s each (a 7-scene deck took 61 s under load)."""
    pio.defaults.topojson = TOPOJSON_DIR.as_uri() + "/"
    pio.defaults.mathjax = str(NO_MATHJAX)
    import kaleido

    warnings.filterwarnings("ignore", "The kopts argument is ignored if using a server")  # set at start
    # two tabs: a batch (a deck's scenes, render_pngs) is drawn two at a time, about 40% faster on two cores
    kaleido.start_sync_server(n=2, mathjax=NO_MATHJAX, silence_warnings=True)


def warm() -> None:
    """Start the renderer's Chromium in the background, so the first image a page exports (a deck: one per scene)
    does not wait the seconds a browser takes to start. Returns at once."""
    _offline()


# kaleido's sync server hands results back through one queue: two sessions rendering at the same moment could each
# receive the other's image. One batch at a time per process.
_LOCK = threading.Lock()


def _draw(figs: list[go.Figure], fmt: str, width: int, height: int, scale: float) -> list[bytes | Exception]:
    """The one way figures become images: kaleido's Chromium, kept running, draws them two at a time in its two tabs.
    What a batch did not draw is drawn again once on a fresh Chromium (a renderer that failed, a crashed tab or a
    page that did not load, usually works again, and the person waiting gets the file instead of an error); what
    fails again is returned as its error, in its place, so the caller can say which one failed."""
    import kaleido  # deferred: heavy, and only an image export needs it

    out: list[bytes | Exception | None] = [None] * len(figs)
    with _LOCK:
        for attempt in range(2):
            todo = [i for i, o in enumerate(out) if not isinstance(o, bytes)]
            if not todo:
                break
            if attempt:
                kaleido.stop_sync_server(silence_warnings=True)
            _offline()
            for i, res in zip(todo, _batch([figs[i] for i in todo], fmt, width, height, scale)):
                out[i] = res
    return out


def _batch(figs: list[go.Figure], fmt: str, width: int, height: int, scale: float) -> list[bytes | Exception]:
    """One call to the renderer: each figure's image, or the error that kept it from being written."""
    import kaleido  # deferred: heavy, and only an image export needs it

    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    with tempfile.TemporaryDirectory(prefix="coop-img-") as d:
        paths = [Path(d) / f"{i}.{fmt}" for i in range(len(figs))]
        specs = [
            {"fig": f, "path": str(p), "opts": opts, "topojson": pio.defaults.topojson}
            for f, p in zip(figs, paths)
        ]
        try:
            errors = kaleido.write_fig_from_object_sync(specs, cancel_on_error=False) or ()
        except Exception as e:  # kaleido raises its own and Chromium's errors
            errors = (e,)
        why = RuntimeError(
            "the renderer drew no image: " + ("; ".join(map(str, errors)) or "no reason given")[:300]
        )
        return [p.read_bytes() if p.exists() and p.stat().st_size else why for p in paths]


def _to_image(f: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    """One figure's image (`_draw`), its error raised."""
    out = _draw([f], fmt, width, height, scale)[0]
    if isinstance(out, Exception):
        raise out
    return out


def render_pngs(
    figs: list[go.Figure], width: int, height: int, scale: float = 1.0
) -> list[bytes | Exception]:
    """Several PNGs in one call (a deck's scenes), each an image or the error that kept it from being drawn."""
    return _draw(figs, "png", width, height, scale)


def with_citation(fig: go.Figure, cite: str, lang: str = "en") -> go.Figure:
    """A copy of the figure with the citation below its source line (HTML export: the browser lays it out)."""
    f = go.Figure(copy.deepcopy(fig.to_dict()))
    lines = wrap_px(t("deck.cite", lang) + " " + cite, 10, 1100)
    f.add_annotation(
        name="citation",
        text="<br>".join(escape_text(x) for x in lines),
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0,
        y=-0.02 - 0.045 * 2,
        xanchor="left",
        yanchor="top",
        align="left",
        font=dict(size=10, color="#777"),
    )
    m = f.layout.margin
    f.update_layout(margin=dict(b=(m.b or 50) + 14 * len(lines) + 20))
    return f


# --- export layout -------------------------------------------------------------------------------


def _plain(s: str) -> str:
    """Plotly rich text -> plain text (for figures built without base_layout's meta)."""
    s = re.sub(r"<br\s*/?>", " ", str(s or ""))
    s = re.sub(r"<[^>]+>", "", s)
    return html.unescape(s).strip()


def _texts(f: go.Figure) -> tuple[str, str, str]:
    """(title, subtitle, source) as plain text: from base_layout's meta, else parsed from the figure."""
    meta = f.layout.meta if isinstance(f.layout.meta, dict) else {}
    if meta.get("title") is not None:
        return meta.get("title", ""), meta.get("subtitle", ""), meta.get("source", "")
    parts = re.split(r"<br\s*/?>", str(f.layout.title.text or ""), maxsplit=1)
    src = next((a.text for a in f.layout.annotations if a.name == "source"), "")
    return _plain(parts[0]), _plain(parts[1]) if len(parts) > 1 else "", _plain(src)


def _still(fig: go.Figure) -> tuple[go.Figure, str]:
    """A copy of the figure as a still image: an animation's active frame drawn into its traces, its play
    buttons and slider removed (they do nothing on paper). Returns the copy and the frame's label ("Week of
    30 Dec 2019") for the subtitle, '' for a figure without frames. Frames are not copied (105 weeks of arcs)."""
    d = fig.to_dict()
    frames = d.pop("frames", None) or []
    layout = d.setdefault("layout", {})
    sliders = layout.pop("sliders", None) or []
    label = ""
    if frames and sliders:
        sl = sliders[0]
        steps = sl.get("steps") or []
        i = int(sl.get("active") or 0)
        step = steps[i] if i < len(steps) else {}
        args = step.get("args") or [[None]]
        name = args[0][0] if args and args[0] else None
        frame = next((fr for fr in frames if fr.get("name") == name), frames[0])
        for idx, tr in zip(frame.get("traces") or range(len(frame.get("data", []))), frame.get("data", [])):
            d["data"][idx].update({k: tr[k] for k in ("lat", "lon", "x", "y") if k in tr})
        prefix = (sl.get("currentvalue") or {}).get("prefix") or ""
        label = f"{prefix}{step.get('label', '')}".strip()
    if frames:
        layout.pop("updatemenus", None)
    return go.Figure(d), label


def _legend_items(f: go.Figure) -> list[str]:
    """Names shown in the legend (plotly shows it for two or more entries, or when asked)."""
    items = [
        str(tr.name or "")
        for tr in f.data
        if tr.type not in ("sankey", "choropleth") and tr.showlegend is not False and tr.visible is not False
    ]
    shown = f.layout.showlegend if f.layout.showlegend is not None else len(items) > 1
    return items if shown else []


def _values(x) -> list:
    """A trace's array as a list: plotly keeps arrays as typed-array dicts ({'dtype', 'bdata'}) after to_dict."""
    if isinstance(x, dict) and "bdata" in x:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]).tolist()
    return list(x) if x is not None else []


def _colorbars(f: go.Figure) -> list:
    return [tr for tr in f.data if tr.type == "choropleth" and tr.showscale is not False and tr.z is not None]


def cb_titles_of(bars: list) -> int:
    """Lines of the tallest colour bar title ("flows<br>given": 2)."""
    return max((len(re.split(r"<br\s*/?>", str(cb.colorbar.title.text or ""))) for cb in bars), default=0)


def _number_label(v: float) -> str:
    """The widest tick label a numeric axis up to v can get (plotly rounds its top tick up)."""
    v = abs(float(v or 0)) * 1.25 + 1
    return f"{v:,.0f}" + ("0" if v >= 1e6 else "")


def _axis_values(f: go.Figure, letter: str) -> list:
    """Every value of one cartesian axis; for stacked bars, the stack totals."""
    other = "y" if letter == "x" else "x"
    vals: list = []
    stacks: dict = {}
    for tr in f.data:
        if tr.type not in ("bar", "scatter", "histogram"):
            continue
        v, w = getattr(tr, letter), getattr(tr, other)
        if v is None:
            continue
        v = _values(v)
        if tr.type == "bar" and f.layout.barmode in ("stack", "relative") and w is not None:
            orient_value = "y" if (tr.orientation or "v") == "v" else "x"
            if orient_value == letter:
                for k, x in zip(_values(w), v):
                    stacks[k] = stacks.get(k, 0) + (x or 0)
                continue
        vals += v
    return vals + list(stacks.values())


def _tick_width(f: go.Figure, letter: str, size: float) -> float:
    """Width in px of the widest tick label of a cartesian axis (categories measured, numbers and dates estimated)."""
    ax = f.layout[f"{letter}axis"]
    if ax.ticktext:
        return max(text_width(x, size) for s in ax.ticktext for x in str(s).split("<br>"))
    vals = [v for v in _axis_values(f, letter) if v is not None]
    if not vals:
        return 0.0
    if all(isinstance(v, str) for v in vals):
        if all(re.fullmatch(r"\d{4}-\d{2}(-\d{2})?.*", v) for v in vals):  # dates: "Sep 2021" / "09/2021"
            return text_width("Sep 2021", size)
        return max(text_width(v, size) for v in vals)
    if hasattr(vals[0], "year"):
        return text_width("Sep 2021", size)
    return text_width(_number_label(max(abs(float(v)) for v in vals)), size)


def _wrap_categories(f: go.Figure, letter: str, size: float, max_w: float) -> None:
    """Category labels wider than max_w wrap onto lines (ticktext), the data untouched."""
    vals = _axis_values(f, letter)
    if not vals or not all(isinstance(v, str) for v in vals):
        return
    cats = list(dict.fromkeys(vals))
    if max(text_width(c, size) for c in cats) <= max_w:
        return
    f.layout[f"{letter}axis"].update(
        tickmode="array",
        tickvals=cats,
        ticktext=["<br>".join(escape_text(x) for x in wrap_px(c, size, max_w)) for c in cats],
    )


def _block(lines: list[str], size: float) -> float:
    """Height in px of a multi-line text block (with the annotation's own padding)."""
    return len(lines) * size * LINE + 4 if lines and lines != [""] else 0.0


def export_layout(
    fig: go.Figure, width: int, height: int, cite: str = "", lang: str = "en", text_scale: float = 1.0
) -> go.Figure:
    """A copy of the figure laid out for a width x height canvas.

    From the top: title, subtitle, plot; from the bottom: citation, source line, legend (when it goes below),
    axis title and tick labels. Each block is measured in the charts' font and wrapped to the canvas width; the
    margins are exactly the blocks' heights, so plotly never has to push them (autoexpand off keeps every
    computed position true). A map's legend goes to the right of a landscape canvas and below a portrait one."""
    f, frame_label = _still(fig)
    title, subtitle, source = _texts(f)
    if frame_label:
        subtitle = f"{subtitle} {frame_label}.".strip()
    s = text_scale
    pad = round(18 * s)
    size_t, size_s, size_b, size_src, size_c = (round(x * s) for x in (22, 14, 13, 12, 11))
    gap = round(10 * s)
    inner = width - 2 * pad
    kinds = {tr.type for tr in f.data}
    geo = bool(kinds & {"scattergeo", "choropleth"})
    cartesian = bool(kinds & {"bar", "scatter", "histogram"})

    title_lines = wrap_px(title, size_t, inner, bold=True)
    sub_lines = wrap_px(subtitle, size_s, inner) if subtitle else []
    src_lines = wrap_px(source, size_src, inner) if source else []
    cite_lines = wrap_px(f"{t('deck.cite', lang)} {cite}", size_c, inner) if cite else []

    # Top band: title and subtitle.
    top = pad + len(title_lines) * size_t * LINE
    sub_top = top + round(6 * s)
    top = sub_top + _block(sub_lines, size_s) + gap + (gap if geo else 0)

    # Bottom band, from the canvas edge up: citation, source line.
    bottom = pad
    cite_top_from_bottom = bottom + _block(cite_lines, size_c)
    bottom = cite_top_from_bottom + (round(4 * s) if cite_lines else 0)
    src_top_from_bottom = bottom + _block(src_lines, size_src)
    bottom = src_top_from_bottom + gap

    # Cartesian axes: tick labels left of the plot (categories wrapped), half the last x label and the bars' outside
    # labels right of it.
    left, axis_right, x_title, x_label = pad, pad, "", 0.0
    if cartesian:
        _wrap_categories(f, "y", size_b, 0.3 * width)
        y_title = _plain(f.layout.yaxis.title.text)
        x_title = _plain(f.layout.xaxis.title.text)
        left = pad + _tick_width(f, "y", size_b) + 12 + (size_b * LINE + 10 if y_title else 0)
        x_label = _tick_width(f, "x", size_b)
        axis_right = pad + x_label / 2 + 4
        for tr in f.data:  # data labels outside the bars keep their own font size inside the canvas
            if tr.type == "bar" and tr.text is not None:
                tr.update(textfont=dict(size=size_b), cliponaxis=False)
                labels = [tr.text] if isinstance(tr.text, str) else _values(tr.text)
                if (tr.orientation or "v") == "h" and labels:
                    axis_right = max(axis_right, pad + max(text_width(str(x), size_b) for x in labels) + 10)

    # Legend: names, measured; below the plot (cartesian charts, portrait maps) or on the right (landscape maps).
    items = _legend_items(f)
    leg_title = _plain(f.layout.legend.title.text) if items else ""
    bars = _colorbars(f)
    # A figure may ask for its legend's side in exports: layout.meta["export_legend"] = "right" | "bottom".
    meta = f.layout.meta if isinstance(f.layout.meta, dict) else {}
    side = meta.get("export_legend")
    legend_right = (
        side == "right" and width / height >= 1.0 or side is None and geo and width / height >= 1.25
    )
    right = axis_right
    legend: dict = {}
    sym = 44 * s  # plotly's symbol + gap before each legend name (40 px) and some air
    cb_w = 0.0
    cb_tick = size_b
    for cb in bars:
        z = [v for v in _values(cb.z) if v == v and v is not None]
        tick_w = text_width(_number_label(max(z) if z else 0), cb_tick)
        cb_title = [_plain(x) for x in re.split(r"<br\s*/?>", str(cb.colorbar.title.text or ""))]
        title_w = max((text_width(x, size_b) for x in cb_title), default=0)
        cb_w = max(cb_w, 30 * s + 8 + tick_w + 10, title_w + 6)
    if legend_right:
        widest = max([text_width(x, size_b) + sym for x in items] + [text_width(leg_title, size_b) + 8, cb_w])
        right = max(right, pad + gap + widest if (items or bars) else pad)
    elif items:
        entry = max(text_width(x, size_b) for x in items) + 8 * s  # plotly's entrywidth: the name's width
        # plotly wraps a horizontal legend at the plot's width; each entry also has its 40 px symbol and a gap
        per_row = max(1, int((width - left - right - 10) // (entry + 40 + 10)))
        rows = -(-len(items) // per_row)
        row_h = max(size_b * LINE, 16) + 5 * s  # plotly: text height (or 16 px) and item padding (3-4 px)
        leg_h = rows * row_h + (size_b * LINE + 4 if leg_title else 0) + 10
        legend = dict(
            orientation="h",
            entrywidth=entry,
            entrywidthmode="pixels",
            xref="container",
            x=pad / width,
            xanchor="left",
            yref="container",
            y=(bottom + leg_h) / height,
            yanchor="top",
            title=dict(text=escape_text(leg_title), side="top left", font=dict(size=size_b)),
        )
        bottom += leg_h + gap
    cb_h = 0.0
    if bars and not legend_right:
        cb_h = 20 * s + size_b * LINE * (1 + max(1, cb_titles_of(bars))) + 30  # title lines, bar, ticks
        cb_bottom = bottom
        bottom += cb_h + gap

    # Cartesian axes: their tick labels and titles get their own bands below the plot.
    if cartesian:
        x_lines = max((len(str(x).split("<br>")) for x in (f.layout.xaxis.ticktext or ["x"])), default=1)
        bottom += x_lines * size_b * LINE + 10 + (size_b * LINE + 8 if x_title else 0)
        axis_common = dict(automargin=False, tickfont=dict(size=size_b), title=dict(font=dict(size=size_b)))
        f.update_xaxes(
            **axis_common,
            tickangle=0,
            nticks=max(2, int((width - left - right) // (x_label + 40 * s))),
            title_standoff=8,
        )
        f.update_yaxes(**axis_common, title_standoff=8)

    l_, r_, t_, b_ = (round(x) for x in (left, right, top, bottom))
    plot_h, plot_w = height - t_ - b_, width - l_ - r_

    def px(x: float) -> float:  # container px from the left -> paper x
        return (x - l_) / plot_w

    def py(y: float) -> float:  # container px from the top -> paper y
        return (height - b_ - y) / plot_h

    # A right-hand legend's height: the colour bar goes below it, never over its last entries.
    leg_rows_h = 0.0
    if legend_right and items:
        leg_rows_h = (
            len(items) * (max(size_b * LINE, 16) + 5 * s) + (size_b * LINE + 8 if leg_title else 0) + gap
        )
    cb_titles = cb_titles_of(bars)
    cb_notes: list[dict] = []
    if legend_right:
        legend = dict(
            orientation="v",
            xref="container",
            x=(width - right + gap) / width,
            xanchor="left",
            yref="container",
            y=1 - t_ / height,
            yanchor="top",
            title=dict(font=dict(size=size_b)),
        )
    for i, cb in enumerate(bars):
        if legend_right:
            # The bar's title as a text block above it: plotly drew a vertical bar's two-line title over the bar.
            title_h = cb_titles * size_b * LINE
            room = plot_h - leg_rows_h - title_h - gap
            if not i and cb.colorbar.title.text:
                cb_notes.append(
                    dict(
                        name="colorbar title",
                        text=str(cb.colorbar.title.text or ""),
                        showarrow=False,
                        align="left",
                        xref="paper",
                        yref="paper",
                        x=px(width - right + gap),
                        y=py(t_ + leg_rows_h),
                        xanchor="left",
                        yanchor="top",
                        font=dict(size=size_b, color="#222"),
                    )
                )
            cb.colorbar.update(
                x=(width - right + gap) / width,
                xref="container",
                xanchor="left",
                y=py(t_ + leg_rows_h + title_h),
                yref="paper",
                yanchor="top",
                len=max(60.0, min(room, 260 * s)),
                lenmode="pixels",
                thickness=round(20 * s),
                orientation="v",
                tickfont=dict(size=cb_tick),
                title=dict(text=""),
            )
        else:
            cb.colorbar.update(
                orientation="h",
                x=pad / width,
                xref="container",
                xanchor="left",
                y=(cb_bottom + cb_h) / height,  # a horizontal bar's box: its title, the bar, the ticks
                yref="container",
                yanchor="top",
                len=min(inner * 0.6, 520 * s),
                lenmode="pixels",
                thickness=round(20 * s),
                tickfont=dict(size=cb_tick),
                title=dict(font=dict(size=size_b), side="top"),
            )
        if i:  # several colour bars would sit on top of each other: the first explains the shading
            cb.showscale = False
    notes = [a for a in f.layout.annotations if a.name not in ("title", "source", "citation", "subtitle")]
    if not (isinstance(f.layout.meta, dict) and "source" in f.layout.meta):
        notes = [a for a in notes if _plain(a.text) != source]

    def note(name: str, lines: list[str], y_top: float, size: float, color: str, raw: bool = False) -> dict:
        return dict(
            name=name,
            text="<br>".join(x if raw else escape_text(x) for x in lines),
            showarrow=False,
            align="left",
            xref="paper",
            yref="paper",
            x=px(pad),
            y=py(y_top),
            xanchor="left",
            yanchor="top",
            font=dict(size=size, color=color),
        )

    blocks = [note("title", [f"<b>{escape_text(x)}</b>" for x in title_lines], pad, size_t, "#222", raw=True)]
    if sub_lines:
        blocks.append(note("subtitle", sub_lines, sub_top, size_s, "#555"))
    if src_lines:
        blocks.append(note("source", src_lines, height - src_top_from_bottom, size_src, "#555"))
    if cite_lines:
        blocks.append(note("citation", cite_lines, height - cite_top_from_bottom, size_c, "#666"))
    blocks += cb_notes
    if geo:
        blocks += _map_band(f, meta, plot_w, plot_h, t_, gap, size_b, note)
    f.update_layout(
        width=width,
        height=height,
        font=dict(size=size_b),
        margin=dict(l=l_, r=r_, t=t_, b=b_, pad=0, autoexpand=False),
        # The title is an annotation like the other blocks: plotly anchors a multi-line layout.title by its first
        # line, so its second line went above the canvas.
        title=dict(text="", subtitle=dict(text="")),
        showlegend=bool(items),
    )
    f.layout.annotations = [*notes, *blocks]  # assigned: update_layout would merge into the old ones by index
    if items:
        f.update_layout(
            legend=dict(
                font=dict(size=size_b),
                bgcolor="rgba(255,255,255,0)",
                borderwidth=0,
                tracegroupgap=0,
                **legend,
            )
        )
    return f


def _geo_aspect(f: go.Figure) -> float:
    """Width / height of the map as drawn (Natural Earth, the figure's lon/lat ranges; the world without them)."""
    import numpy as np

    from .flowmap import WORLD, natural_earth

    g = f.layout.geo
    lon = tuple(g.lonaxis.range or WORLD[0])
    lat = tuple(g.lataxis.range or WORLD[1])
    gx, gy = np.meshgrid(np.linspace(*lon, 25), np.linspace(*lat, 25))
    x, y = natural_earth(gx, gy, (lon[0] + lon[1]) / 2)
    return float((x.max() - x.min()) / max(y.max() - y.min(), 1e-9))


def _map_band(
    f: go.Figure, meta: dict, plot_w: int, plot_h: int, t_: int, gap: int, size: float, note
) -> list:
    """A map keeps its shape, so a canvas taller than the map (A4 portrait, an article with the legend on the right)
    had empty bands above and below it. The map goes to the top of its area, and the band under it lists the
    figure's short table (meta "export_table": a heading, then one line each: the largest places, the busiest
    weeks …), as many lines as fit.
    Returns the annotations to add ([] when the band is too small or the figure has no such list)."""
    rows = list(meta.get("export_table") or [])
    map_h = min(plot_h, plot_w / _geo_aspect(f))
    spare = plot_h - map_h - 2 * gap
    fit = int(spare // (size * LINE)) - 1  # lines that fit, less the annotation's padding
    if len(rows) < 2 or fit < 3:
        return []
    f.update_geos(domain=dict(x=[0, 1], y=[1 - map_h / plot_h, 1]))
    lines = [rows[0], *(f"{i}. {x}" for i, x in enumerate(rows[1:fit], 1))]
    return [note("table", lines, t_ + map_h + gap, size, "#333")]


def size_of(
    size: str | None, width: int | None, height: int | None, fig: go.Figure
) -> tuple[int, int, float]:
    """(width, height, text scale) of an export: a named size, or explicit pixels (text scaled like the nearest)."""
    if size:
        if size not in SIZES:
            raise ValueError(f"unknown size {size!r}; use one of {', '.join(SIZES)}")
        return *SIZES[size], TEXT_SCALE[size]
    if not width:
        return *SIZES[DEFAULT_SIZE], TEXT_SCALE[DEFAULT_SIZE]
    h = height or int(fig.layout.height or 600)
    return width, h, 1.25 if width >= 1500 else 1.0


def render(
    fig: go.Figure,
    fmt: str,
    cite: str = "",
    width: int | None = None,
    height: int | None = None,
    scale: float = 1.0,
    alt: str = "",
    lang: str = "en",
    size: str | None = None,
) -> bytes:
    """PNG/SVG through kaleido (system Chromium) or standalone HTML (plotly.js inlined: opens offline).

    PNG/SVG are laid out for their canvas: a named `size` (SIZES) or width x height px (article size when neither
    is given). `alt`, the chart's text alternative, goes into the HTML page, the SVG's <desc> and the PNG's
    Description; the citation is drawn under the chart and also kept as text (SVG <desc>, PNG Comment) for whoever
    reuses the file."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    cite_words = t("deck.cite", lang)
    if fmt == "html":
        f = with_citation(fig, cite, lang) if cite else fig
        topo = TOPOJSON_DIR.as_uri() + "/"
        page = pio.to_html(
            f,
            include_plotlyjs=True,
            full_html=True,
            config={"topojsonURL": topo, "displaylogo": False, "scrollZoom": False},
        )
        page = page.replace("<html>", f"<html lang='{lang}'>", 1)
        # The world outline travels inside the page (plotly.js reads window.PlotlyGeoAssets first): it opens anywhere, offline.
        assets = (TOPOJSON_DIR / "world_110m.json").read_text(encoding="utf-8")
        page = page.replace(
            "<head>",
            f"<head><script>window.PlotlyGeoAssets={{topojson:{{'world_110m':{assets}}}}};</script>",
            1,
        )
        extra = "".join(
            f"<p>{html.escape(x)}</p>" for x in (alt, f"{cite_words} {cite}" if cite else "") if x
        )
        return page.replace(
            "</body>",
            f"<div style='font-family:sans-serif;max-width:70em;margin:1em'>{extra}</div></body>",
            1,
        ).encode("utf-8")
    w, h, text_scale = size_of(size, width, height, fig)
    f = export_layout(fig, w, h, cite, lang, text_scale)
    out = _to_image(f, fmt, w, h, scale)
    if fmt == "svg":
        title = html.escape(_texts(fig)[0])
        desc = html.escape(" ".join(x for x in (alt, f"{cite_words} {cite}" if cite else "") if x))
        i = out.index(b">", out.index(b"<svg")) + 1
        out = out[:i] + f"<title>{title}</title><desc>{desc}</desc>".encode() + out[i:]
    if fmt == "png" and (cite or alt):
        out = _png_text(out, {"Description": alt, "Comment": cite})
    return out


def _png_text(png: bytes, fields: dict[str, str]) -> bytes:
    """Text chunks in the PNG (UTF-8 iTXt via Pillow), so the citation travels with the image file."""
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for k, v in fields.items():
        if v:
            info.add_itxt(k, v)
    buf = io.BytesIO()
    Image.open(io.BytesIO(png)).save(buf, format="PNG", pnginfo=info)
    return buf.getvalue()
