"""Stories: ordered scenes, each a saved view (chart kind, filter, measure) with a title and a caption.

The shipped story's captions are templates filled from the data at build time,
so every number a presenter reads out is computed, never typed. A scene builds
its own figure from the same library functions the pages use, so a deck, a
handout and the app show the same numbers.
"""

from __future__ import annotations

import html
import io
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import date

import pandas as pd

from . import aggregate, alttext, export, filters
from .figures import flow_map, timeline_chart
from .figures.common import base_layout

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

    return t("data.bundled", lang, version=export.VERSION) if b.name == "Bundled dataset" else b.name


def permalink(base: str, story_id: str, number: int, lang: str = "en") -> str:
    """The story page opened at one scene (in the language it was shown in)."""
    q = urllib.parse.urlencode(
        {"story": story_id, "scene": str(number), **({"lang": lang} if lang != "en" else {})}
    )
    return f"{base.rstrip('/')}/story?{q}" if base else f"/story?{q}"


def shipped(b, lang: str = "en") -> list[Scene]:
    """The story of the bundled data: wave and reversal, reciprocity, North–North patients, network funds.
    Captions are templates in the interface language, filled with numbers computed here."""
    from .i18n import country_name, month, month_long, number, t

    f = b.flows
    names = dict(zip(b.countries["iso3"], b.countries["name"]))
    scenes = []

    wave_f = filters.Filter(date_to="2020-02", direction=("partner_to_china",))
    wave = wave_f.apply(f)
    h = aggregate.headline(wave)
    # "went", "reached", "delivered": the captions count delivered rows only (programme totals not added to their parts)
    donors = wave.loc[wave["counted"], "donor_country_iso3"].replace("", pd.NA).dropna().nunique()
    scenes.append(
        Scene(
            t("s1.title", lang),
            t(
                "s1.caption",
                lang,
                flows=number(h["counted_flows"], lang),
                countries=donors,
                masks=number(h["masks"], lang),
            ),
            "map",
            wave_f.to_params(),
        )
    )

    rev_f = filters.Filter(date_from="2020-03", direction=("china_to_partner",))
    rev = rev_f.apply(f)
    hr = aggregate.headline(rev)
    recips = rev.loc[rev["counted"], "recipient_country_iso3"].replace("", pd.NA).dropna().nunique()
    times = f"{hr['masks'] / h['masks']:.0f}" if h["masks"] else "–"
    scenes.append(
        Scene(
            t("s2.title", lang),
            t(
                "s2.caption",
                lang,
                flows=number(hr["counted_flows"], lang),
                countries=recips,
                masks=number(hr["masks"], lang),
                times=times,
            ),
            "map",
            rev_f.to_params(),
            "masks",
        )
    )

    tl = aggregate.timeline(f)
    by = tl.groupby(["direction", "period"], observed=True)["flows"].sum()
    to_cn, from_cn = (
        by.get("partner_to_china", pd.Series(dtype=int)),
        by.get("china_to_partner", pd.Series(dtype=int)),
    )
    if len(to_cn) and len(from_cn):
        scenes.append(
            Scene(
                t("s3.title", lang),
                t(
                    "s3.caption",
                    lang,
                    m1=month_long(to_cn.idxmax(), lang),
                    n1=int(to_cn.max()),
                    m2=month_long(from_cn.idxmax(), lang),
                    n2=int(from_cn.max()),
                ),
                "timeline",
                {},
            )
        )

    pat_f = filters.Filter(aid_kind=("patients_treated",), status=("delivered",))
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
        scenes.append(
            Scene(
                t("s4.title", lang),
                t(
                    "s4.caption",
                    lang,
                    patients=number(moved["quantity"].sum(), lang),
                    origins=origins,
                    n=len(moved),
                    k=int(hosts[0][1]),
                    country=country_name(hosts[0][0], lang, names.get(hosts[0][0], "?")),
                    note=note,
                ),
                "map",
                pat_f.to_params(),
                "patients",
            )
        )

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

        scenes.append(
            Scene(
                t("s5.title", lang),
                t(
                    "s5.caption",
                    lang,
                    # places, not gifts: two places that exchanged several gifts are one pair
                    pairs=len({frozenset(ab) for ab in zip(pairs["first_giver"], pairs["first_receiver"])}),
                    a=ex["first_giver"],
                    b=ex["first_receiver"],
                    gift1=gift(ex["quantity_1"], ex["quantity_unit_1"], ex["aid_kind_1"]),
                    d1=when(ex["date_label_1"], ex["date_start_1"]),
                    gift2=gift(ex["quantity_2"], ex["quantity_unit_2"], ex["aid_kind_2"]),
                    d2=when(ex["date_label_2"], ex["date_start_2"]),
                ),
                "map",
                {"city": ex["first_giver"]},
                highlight=f"{ex['first_giver']}; {ex['first_receiver']}",
            )
        )

    cur = network_funds(b.funds)
    eur = cur.loc[cur["currency"] == "EUR", "amount"].sum()
    approx = cur.loc[cur["amount_qualifier"] != "exact"]
    items = t("word.and", lang).join(
        f"{r.network} ({t('qual.' + r.amount_qualifier, lang)} EUR {number(r.amount, lang)})"
        for r in approx.itertuples()
    )
    note = t("s6.note", lang, items=items) if len(approx) else ""
    scenes.append(
        Scene(
            t("s6.title", lang),
            t("s6.caption", lang, n=cur["network"].nunique(), eur=number(eur, lang), note=note),
            "funds",
            {},
        )
    )

    facts = b.facts.set_index("fact_id")
    if {"SF-23", "SF-25", "SF-26"} <= set(facts.index):
        from .alttext import qualified

        grant, twin, cercle = facts.loc["SF-23"], facts.loc["SF-25"], facts.loc["SF-26"]
        places = ("Milan", "Quelimane", "Montreuil", "Cercle de Yélimané")
        between = f[f["donor_label"].isin(places) & f["recipient_label"].isin(places)]
        scenes.append(
            Scene(
                t("s7.title", lang),
                t(
                    "s7.caption",
                    lang,
                    grant=qualified(grant["value"], grant["qualifier"], grant["unit"], lang),
                    y1=int(grant["year"]),
                    y2=int(twin["value"]),
                    k=int(cercle["value"]),
                    n=len(between),
                ),
                "partnerships",
                {},
                highlight="; ".join(places),
            )
        )
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
        return t(
            "chart.measure",
            lang,
            label=t(f"measure.{m}", lang).lower(),
            unit=t(f"unit.{aggregate.MEASURES[m][1]}", lang),
        )

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
        return fig, view, alttext.timeline_summary(tl, len(view) - int(tl["flows"].sum()), lang=lang)
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
        fig.update_layout(yaxis=dict(autorange="reversed"))
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


# --- storage format -------------------------------------------------------------------------------


def to_body(scenes: list[Scene]) -> dict:
    return {"scenes": [asdict(s) for s in scenes]}


def from_body(body: dict) -> list[Scene]:
    out = []
    for s in body.get("scenes", []):
        chart = s.get("chart") if s.get("chart") in CHARTS else "map"
        measure = s.get("measure") if s.get("measure") in aggregate.MEASURES else "flows"
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


def to_pptx(
    scenes: list[Scene],
    b,
    title: str = "City Solidarity Flows",
    base_url: str = "",
    story_id: str = "shipped",
    lang: str = "en",
) -> bytes:
    """One slide per scene: title, chart image (rendered offline), caption, and a sources/citation footer."""
    from pptx import Presentation
    from pptx.util import Emu, Pt

    from .figures.render import render
    from .i18n import t

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = title
    first.placeholders[1].text = t("deck.intro", lang, n=len(scenes), date=date.today().isoformat())
    blank = prs.slide_layouts[6]
    for i, sc in enumerate(scenes, 1):
        s = prs.slides.add_slide(blank)
        fig, view, alt = scene_figure(sc, b, lang=lang)
        png = render(fig, "png", width=1600, height=900, scale=1)
        tb = s.shapes.add_textbox(Emu(400000), Emu(150000), Emu(11400000), Emu(600000)).text_frame
        tb.text = sc.title
        tb.paragraphs[0].runs[0].font.size, tb.paragraphs[0].runs[0].font.bold = Pt(28), True
        pic = s.shapes.add_picture(io.BytesIO(png), Emu(400000), Emu(750000), width=Emu(7900000))
        pic.name = f"Chart {i}"
        cap = s.shapes.add_textbox(Emu(8450000), Emu(800000), Emu(3400000), Emu(4300000)).text_frame
        cap.word_wrap = True
        cap.text = sc.caption
        cap.paragraphs[0].runs[0].font.size = Pt(18)
        foot = s.shapes.add_textbox(Emu(400000), Emu(6050000), Emu(11400000), Emu(700000)).text_frame
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


def to_pdf(
    scenes: list[Scene],
    b,
    title: str = "City Solidarity Flows",
    base_url: str = "",
    story_id: str = "shipped",
    lang: str = "en",
) -> bytes:
    """The handout printed to PDF by the system Chromium (through Playwright; no network)."""
    from playwright.sync_api import sync_playwright

    page_html = to_html(scenes, b, title, base_url, story_id, lang).decode("utf-8")
    with sync_playwright() as p:
        br = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            pg = br.new_context(offline=True).new_page()
            pg.set_content(page_html)
            return pg.pdf(format="A4", print_background=True)
        finally:
            br.close()


WRITERS = {"pptx": to_pptx, "html": to_html, "pdf": to_pdf}
