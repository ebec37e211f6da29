"""The static edition: a read-only site of a data set that opens from disk with no network and can be served by any
web server (as Our World in Data serves its charts as files). `python -m coop_data publish --out site/`.

Each chart is a page of its own with plotly.js and the world outline inlined (the geo-only bundle for maps, the full
one for the rest), its text alternative, citation, the table behind it as CSV and as a ZIP with a README, and an
embed snippet (an iframe with a fixed aspect ratio) for a newsroom's article. One folder per language.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from . import aggregate, alttext, export, filters, story, vocab
from .figures.common import TOPOJSON_DIR, measure_words
from .i18n import LANGS, t

STATIC_JS = Path(__file__).resolve().parents[1] / "static" / "js"
ASPECT = "16 / 10"  # of every chart page, so an embedding iframe keeps the chart's shape


@dataclass(frozen=True)
class Chart:
    slug: str
    title_key: str
    geo: bool
    build: Callable  # (bundle, lang) -> (figure, table, text alternative)


def _scene_chart(kind: str, title_key: str) -> Callable:
    def build(b, lang):
        sc = story.Scene(t(title_key, lang), "", kind, {}, "flows")
        fig, view, alt = story.scene_figure(sc, b, lang=lang)
        table = (
            b.partnerships
            if kind == "partnerships"
            else story.network_funds(b.funds)
            if kind == "funds"
            else view
        )
        return fig, table, alt

    return build


def _sankey(b, lang):
    """The Sankey page's default chart: default stages, number of flows, automatic top N, links by direction."""
    from .figures.sankey import sankey, stage_name

    ctl = filters.CONTROLS["sankey"]
    stages = vocab.SANKEY_PRESETS[ctl["stages"].default]
    links = aggregate.node_table(b.flows, stages, "flows", 0, ctl["colour"].default, b.funds)
    unit = t("unit.flows", lang)
    title = f"{t('measure.flows', lang)}: {' → '.join(stage_name(x, lang) for x in stages)}"
    sub = f"{filters.Filter().describe(b.countries, lang)} " + measure_words(
        t("measure.flows", lang).lower(), unit, lang
    )
    label = story.data_label(b, lang)
    source = t("chart.source", lang, n=b.flows["source_url"].nunique(), m=len(b.flows), data=label)
    fig = sankey(links, title, sub, source, unit, lang=lang)
    return fig, links, alttext.links_summary(links, unit, lang=lang)


CHARTS: tuple[Chart, ...] = (
    Chart("map", "nav.map", True, _scene_chart("map", "nav.map")),
    Chart("sankey", "nav.sankey", False, _sankey),
    Chart("timeline", "nav.timeline", False, _scene_chart("timeline", "nav.timeline")),
    Chart("partnerships", "nav.partnerships", True, _scene_chart("partnerships", "nav.partnerships")),
    Chart("funds", "nav.funds", False, _scene_chart("funds", "nav.funds")),
)

PAGE_CSS = (
    "body{font-family:DejaVu Sans,Arial,sans-serif;max-width:72em;margin:1.5em auto;padding:0 1em;color:#222}"
    ".chart{width:100%;aspect-ratio:" + ASPECT + "}.cite,.small{font-size:.85em;color:#555}"
    "textarea{width:100%;font-family:monospace;font-size:.85em}nav a{margin-right:1em}"
)


def _page(lang: str, title: str, body: str, head: str = "") -> str:
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title>"
        f"<style>{PAGE_CSS}</style>{head}</head><body>{body}</body></html>"
    )


def _bundle_js(geo: bool) -> str:
    if geo:
        outline = (TOPOJSON_DIR / "world_110m.json").read_text(encoding="utf-8")
        js = (STATIC_JS / "plotly-geo.min.js").read_text(encoding="utf-8")
        # plotly.js reads window.PlotlyGeoAssets before it would fetch an outline: the page needs no network.
        return f"<script>window.PlotlyGeoAssets={{topojson:{{'world_110m':{outline}}}}};</script><script>{js}</script>"
    from plotly.offline import get_plotlyjs

    return f"<script>{get_plotlyjs()}</script>"


def chart_page(
    fig: go.Figure, chart: Chart, lang: str, alt: str, cite: str, nav: str, base_url: str = ""
) -> str:
    div = pio.to_html(
        fig,
        include_plotlyjs=False,
        full_html=False,
        default_width="100%",
        default_height="100%",
        config={"displaylogo": False, "responsive": True, "topojsonURL": "./"},
    )
    title = t(chart.title_key, lang)
    # Where the site will be served, when known: a newsroom's article then embeds the chart from there.
    src = f"{base_url.rstrip('/')}/{lang}/{chart.slug}.html" if base_url else f"{chart.slug}.html"
    embed = (
        f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" loading="lazy" '
        f'style="width:100%;aspect-ratio:{ASPECT};border:0"></iframe>'
    )
    body = (
        f"<nav>{nav}</nav><h1>{html.escape(title)}</h1><div class='chart'>{div}</div>"
        f"<p><strong>{html.escape(t('deck.alt', lang))}</strong> {html.escape(alt)}</p>"
        f"<p class='cite'>{html.escape(t('deck.cite', lang))} {html.escape(cite)}</p>"
        f"<p><a href='{chart.slug}.csv' download>CSV</a> · <a href='{chart.slug}.zip' download>ZIP</a> "
        f"<span class='small'>{html.escape(t('publish.zip_help', lang))}</span></p>"
        f"<h2>{html.escape(t('publish.embed', lang))}</h2>"
        f"<textarea readonly rows='3'>{html.escape(embed)}</textarea>"
    )
    return _page(lang, title, body, _bundle_js(chart.geo))


def publish(b, out: Path, langs=LANGS, base_url: str = "") -> list[Path]:
    """Write the site under `out` (one folder per language, an index at the top). Returns the pages written."""
    out = Path(out)
    written = []
    for lang in langs:
        d = out / lang
        d.mkdir(parents=True, exist_ok=True)
        flt = filters.Filter()
        label = story.data_label(b, lang)
        described = flt.describe(b.countries, lang)
        cite = export.citation(described, dataset=label, lang=lang)
        nav = (
            "".join(f"<a href='{c.slug}.html'>{html.escape(t(c.title_key, lang))}</a>" for c in CHARTS)
            + f"<a href='story.html'>{html.escape(t('nav.story', lang))}</a><a href='index.html'>⌂</a>"
        )
        for chart in CHARTS:
            fig, table, alt = chart.build(b, lang)
            # the app's own exports: the clean CSV, and the ZIP with datapackage.json and a README with the citation
            (d / f"{chart.slug}.csv").write_bytes(export.to_csv(table))
            zipped = export.to_zip(table, cite, described, name=chart.slug, lang=lang)
            (d / f"{chart.slug}.zip").write_bytes(zipped)
            page = d / f"{chart.slug}.html"
            page.write_text(chart_page(fig, chart, lang, alt, cite, nav, base_url), encoding="utf-8")
            written.append(page)
        scenes = story.shipped(b, lang)
        (d / "story.html").write_bytes(story.to_html(scenes, b, t("story.shipped_title", lang), lang=lang))
        written.append(d / "story.html")
        h = aggregate.headline(b.flows, aggregate.mirror_ids(b.sources))
        figures = "".join(
            f"<li>{html.escape(t(k, lang))}: {v}</li>"
            for k, v in (
                ("home.flows", f"{h['flows']:,}"),
                ("home.cities", f"{h['cities']:,}"),
                ("home.countries", f"{h['countries']:,}"),
                ("home.cash", f"{h['eur_cash']:,.0f}"),
                ("home.in_kind", f"{h['eur_in_kind']:,.0f}"),
            )
        )
        body = (
            f"<nav>{nav}</nav><h1>City Solidarity Flows</h1><p>{html.escape(t('home.tagline', lang))}</p>"
            f"<ul>{figures}</ul><p class='cite'>{html.escape(t('deck.cite', lang))} {html.escape(cite)}</p>"
            f"<p class='small'>{html.escape(t('publish.static_note', lang))}</p>"
        )
        (d / "index.html").write_text(_page(lang, "City Solidarity Flows", body), encoding="utf-8")
        written.append(d / "index.html")
    links = "".join(f"<li><a href='{lg}/index.html'>{lg}</a></li>" for lg in langs)
    (out / "index.html").write_text(
        _page("en", "City Solidarity Flows", f"<ul>{links}</ul>"), encoding="utf-8"
    )
    (out / "manifest.json").write_text(
        json.dumps(
            {
                "version": export.VERSION,
                "dataset": b.name,
                "pages": [str(p.relative_to(out)) for p in written],
            }
        ),
        encoding="utf-8",
    )
    return written
