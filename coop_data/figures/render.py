"""Charts as files: PNG and SVG rendered on the server (kaleido driving the system
Chromium), and standalone HTML. Geo charts read the world outline from the
app's own folder, so exports work with no network; each file carries the
"cite this view" line.
"""

from __future__ import annotations

import copy
import html
import warnings
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from ..i18n import t
from .common import TOPOJSON_DIR, escape_text, wrap_words

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "html": "text/html"}


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
    kaleido.start_sync_server(mathjax=NO_MATHJAX, silence_warnings=True)


def _to_image(f: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    """kaleido, retried once on a fresh Chromium: a renderer that failed once (a crashed tab, a page that did not
    load) usually works again, and the person waiting gets the file instead of an error."""
    import kaleido

    _offline()
    try:
        return pio.to_image(f, format=fmt, width=width, height=height, scale=scale)
    except Exception:  # kaleido raises its own and Chromium's errors; the retry re-raises
        kaleido.stop_sync_server(silence_warnings=True)
        _offline()
        return pio.to_image(f, format=fmt, width=width, height=height, scale=scale)


def with_citation(fig: go.Figure, cite: str, lang: str = "en") -> go.Figure:
    """A copy of the figure with the citation below its source line."""
    f = go.Figure(copy.deepcopy(fig.to_dict()))
    lines = wrap_words(t("deck.cite", lang) + " " + cite, 150)
    f.add_annotation(
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


def render(
    fig: go.Figure,
    fmt: str,
    cite: str = "",
    width: int = 1400,
    height: int | None = None,
    scale: float = 1.0,
    alt: str = "",
    lang: str = "en",
) -> bytes:
    """PNG/SVG through kaleido (system Chromium) or standalone HTML (plotly.js inlined: opens offline).

    `alt`, the chart's text alternative, goes into the HTML page, the SVG's <desc> and the PNG's Description;
    the citation is drawn under the chart and also kept as text (SVG <desc>, PNG Comment) for whoever reuses the file."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    f = with_citation(fig, cite, lang) if cite else fig
    cite_words = t("deck.cite", lang)
    if fmt == "html":
        topo = TOPOJSON_DIR.as_uri() + "/"
        page = pio.to_html(
            f, include_plotlyjs=True, full_html=True, config={"topojsonURL": topo, "displaylogo": False}
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
    h = height or int(f.layout.height or 600)
    out = _to_image(f, fmt, width, h, scale)
    if fmt == "svg":
        title = html.escape(
            str(fig.layout.title.text or "").split("<br>")[0].replace("<b>", "").replace("</b>", "")
        )
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
