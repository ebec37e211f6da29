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

from . import aggregate, alttext, classify, export, filters
from .figures import flow_map, timeline_chart
from .figures.common import base_layout

CHARTS = ("map", "animated", "timeline", "funds")
PAGE_OF_CHART = {"map": "map", "animated": "timeline", "timeline": "timeline", "funds": "funds"}


@dataclass
class Scene:
    title: str
    caption: str
    chart: str = "map"  # map | timeline | funds
    params: dict = field(default_factory=dict)  # filter as URL parameters
    measure: str = "flows"

    def filter(self, countries: pd.DataFrame | None = None) -> filters.Filter:
        return filters.parse(self.params, countries)[0]

    def link(self, base: str = "", story: str = "shipped", number: int = 1) -> str:
        q = {**self.params, **({"measure": self.measure} if self.measure != "flows" else {}), "story": story, "scene": str(number)}
        return f"{base.rstrip('/')}/{PAGE_OF_CHART[self.chart]}?{urllib.parse.urlencode(q)}" if base else f"?{urllib.parse.urlencode(q)}"


def data_label(b) -> str:
    return f"City Solidarity Flows bundled data v{export.VERSION}" if b.name == "Bundled dataset" else b.name


def permalink(base: str, story_id: str, number: int) -> str:
    """The story page opened at one scene."""
    q = urllib.parse.urlencode({"story": story_id, "scene": str(number)})
    return f"{base.rstrip('/')}/story?{q}" if base else f"/story?{q}"


def _month(ts) -> str:
    return pd.Timestamp(ts).strftime("%B %Y")


def shipped(b) -> list[Scene]:
    """The story of the bundled data: wave and reversal, reciprocity, North–North patients, network funds."""
    f = b.flows
    names = dict(zip(b.countries["iso3"], b.countries["name"]))
    scenes = []

    wave_f = filters.Filter(date_to="2020-02", direction=("partner_to_china",))
    wave = wave_f.apply(f)
    h = aggregate.headline(wave)
    donors = wave["donor_country_iso3"].replace("", pd.NA).dropna().nunique()
    scenes.append(Scene(
        "January–February 2020: the world helps Chinese cities",
        f"{h['flows']} flows dated up to February 2020 went to mainland China from partners in {donors} countries; "
        f"{h['masks']:,.0f} masks were reported delivered.",
        "map", wave_f.to_params()))

    rev_f = filters.Filter(date_from="2020-03", direction=("china_to_partner",))
    rev = rev_f.apply(f)
    hr = aggregate.headline(rev)
    recips = rev["recipient_country_iso3"].replace("", pd.NA).dropna().nunique()
    scenes.append(Scene(
        "From March 2020: Chinese cities return the help",
        f"{hr['flows']} flows from mainland Chinese cities and provinces reached {recips} countries from March 2020; "
        f"{hr['masks']:,.0f} masks delivered — {hr['masks'] / h['masks']:.0f} times the masks of the first wave." if h["masks"] else
        f"{hr['flows']} flows from mainland Chinese cities and provinces reached {recips} countries from March 2020.",
        "map", rev_f.to_params(), "masks"))

    t = aggregate.timeline(f)
    by = t.groupby(["direction", "period"], observed=True)["flows"].sum()
    to_cn, from_cn = by.get("partner_to_china", pd.Series(dtype=int)), by.get("china_to_partner", pd.Series(dtype=int))
    scenes.append(Scene(
        "The reversal, month by month",
        (f"Help towards China peaked in {_month(to_cn.idxmax())} ({int(to_cn.max())} flows); help from China peaked in "
         f"{_month(from_cn.idxmax())} ({int(from_cn.max())} flows). Flows dated only by year are not placed in a month.")
        if len(to_cn) and len(from_cn) else "Flows per month by direction.",
        "timeline", {}))

    pat_f = filters.Filter(aid_kind=("patients_treated",), status=("delivered",))
    pat = pat_f.apply(f)
    hp = aggregate.headline(pat)
    top_donor = pat["donor_country_iso3"].value_counts()
    from_c = ", ".join(names.get(c, c) for c in pat["recipient_country_iso3"].value_counts().index[:2])
    scenes.append(Scene(
        "North–North: hospitals take in patients",
        f"{hp['patients']:,.0f} patients from {from_c} were treated in {len(pat)} reported transfers, "
        f"{top_donor.iloc[0] if len(top_donor) else 0} of them by hospitals and regions in {names.get(top_donor.index[0], '?') if len(top_donor) else '?'}.",
        "map", pat_f.to_params(), "patients"))

    pairs = aggregate.reciprocity_pairs(f)
    if len(pairs):
        sure = pairs[pairs["order_certain"]]
        ex = (sure if len(sure) else pairs).iloc[0]

        def gift(q, unit, kind):
            return f"{q:,.0f} {unit}" if pd.notna(q) and unit else str(kind).replace("_", " ")

        scenes.append(Scene(
            "Reciprocity: help that went both ways",
            f"{len(pairs)} pairs of places helped each other in both directions. For example, {ex['first_giver']} sent "
            f"{ex['first_receiver']} {gift(ex['quantity_1'], ex['quantity_unit_1'], ex['aid_kind_1'])} ({ex['date_label_1']}), and "
            f"{ex['first_receiver']} sent {gift(ex['quantity_2'], ex['quantity_unit_2'], ex['aid_kind_2'])} back ({ex['date_label_2']}).",
            "map", {"city": ex["first_giver"]}))

    funds = b.funds
    cur = network_funds(funds)
    eur = cur.loc[cur["currency"] == "EUR", "amount"].sum()
    approx = cur.loc[cur["amount_qualifier"] != "exact"]
    note = (f", of which {' and '.join(f'{r.network} ({r.amount_qualifier.replace(chr(95), chr(32))} EUR {r.amount:,.0f})' for r in approx.itertuples())} "
            "are stated approximately" if len(approx) else "")
    scenes.append(Scene(
        "City networks pool emergency money",
        f"{cur['network'].nunique()} city networks and associations ran COVID-19 emergency funds with a stated amount: "
        f"EUR {eur:,.0f} across their current versions{note}. Earlier versions of a fund are not added twice.",
        "funds", {}))
    return scenes


def network_funds(funds: pd.DataFrame) -> pd.DataFrame:
    """Network emergency funds (not single cities' programmes), current version only, with an amount."""
    return funds[funds["is_current_version"] & funds["amount"].notna() & (funds["kind"] == "fund")]


# --- figures -------------------------------------------------------------------------------------

def scene_figure(scene: Scene, b, dataset_label: str | None = None):
    dataset_label = dataset_label or data_label(b)
    flt = scene.filter(b.countries)
    view = flt.apply(b.with_scheme(flt.scheme))
    source = f"Sources: {view['source_url'].nunique()} pages cited by {len(view)} records. Data: {dataset_label}."
    sub = flt.describe(b.countries)
    if scene.chart == "animated":
        from .figures.animated import animated_map

        fig, note = animated_map(view, scene.title, sub + " Bold: flows dated in the week shown; faded: the three weeks before.", source)
        busiest = max(note["per_week"], key=lambda x: x[1]) if note["per_week"] else ("", 0)
        return fig, view, (f"An animated map of {note['drawn']} flows placed week by week; the busiest week starts {busiest[0]} "
                           f"with {busiest[1]} flows. The still image shows every dated flow of the period in grey.")
    if scene.chart == "timeline":
        return timeline_chart(aggregate.timeline(view), scene.title, sub + " Measure: number of flows (records).", source), view, ""
    if scene.chart == "funds":
        import plotly.graph_objects as go

        tot = network_funds(b.funds).sort_values("amount", ascending=False)
        qual = {"exact": "", "about": "about ", "almost": "almost ", "more_than": "more than ", "up_to": "up to "}
        fig = go.Figure(go.Bar(x=tot["amount"], y=tot["network"] + " (" + tot["currency"] + ")", orientation="h",
                               text=[f"{qual.get(q, '')}{a:,.0f}" for a, q in zip(tot["amount"], tot["amount_qualifier"])],
                               textposition="outside", marker_color="#0072B2"))
        base_layout(fig, scene.title, "Network emergency funds: current version of each, with the amount as stated, in its own currency.",
                    f"Sources: {b.funds['source_url'].nunique()} pages. Data: {dataset_label}.", height=480)
        fig.update_layout(yaxis=dict(autorange="reversed"))
        alt = "; ".join(f"{r.network}: {qual.get(r.amount_qualifier, '')}{r.currency} {r.amount:,.0f}" for r in tot.itertuples())
        return fig, view, "Network funds, current versions: " + alt + "."
    label, unit = aggregate.MEASURES[scene.measure]
    fig, _ = flow_map(view, scene.measure, scene.title, f"{sub} Measure: {label.lower()} ({unit}).", source, choropleth=None, height=560)
    return fig, view, alttext.flows_summary(view, scene.measure)


# --- storage format -------------------------------------------------------------------------------

def to_body(scenes: list[Scene]) -> dict:
    return {"scenes": [asdict(s) for s in scenes]}


def from_body(body: dict) -> list[Scene]:
    out = []
    for s in body.get("scenes", []):
        chart = s.get("chart") if s.get("chart") in CHARTS else "map"
        measure = s.get("measure") if s.get("measure") in aggregate.MEASURES else "flows"
        out.append(Scene(str(s.get("title", ""))[:200], str(s.get("caption", ""))[:1000], chart,
                         {str(k): str(v) for k, v in dict(s.get("params", {})).items()}, measure))
    return out


# --- exports --------------------------------------------------------------------------------------

def _cite(scene: Scene, b, link: str) -> str:
    return export.citation(scene.filter(b.countries).describe(b.countries), link, dataset=data_label(b))


def to_pptx(scenes: list[Scene], b, title: str = "City Solidarity Flows", base_url: str = "", story_id: str = "shipped") -> bytes:
    """One slide per scene: title, chart image (rendered offline), caption, and a sources/citation footer."""
    from pptx import Presentation
    from pptx.util import Emu, Pt

    from .figures.render import render

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = title
    first.placeholders[1].text = f"{len(scenes)} scenes, built from the data on {date.today().isoformat()}. Every number is computed from the records."
    blank = prs.slide_layouts[6]
    for i, sc in enumerate(scenes, 1):
        s = prs.slides.add_slide(blank)
        fig, view, alt = scene_figure(sc, b)
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
        foot.text = f"Scene {i} of {len(scenes)}. Cite this view: {_cite(sc, b, permalink(base_url, story_id, i))}"
        foot.paragraphs[0].runs[0].font.size = Pt(10)
        s.notes_slide.notes_text_frame.text = alt
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def to_html(scenes: list[Scene], b, title: str = "City Solidarity Flows", base_url: str = "", story_id: str = "shipped") -> bytes:
    """A handout: every scene's chart as inline SVG, its caption, text alternative and citation; opens offline."""
    from .figures.render import render

    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}section{page-break-after:always;margin-bottom:3em}"
             "svg{max-width:100%;height:auto}.cite{font-size:.8em;color:#666}</style></head><body>",
             f"<h1>{html.escape(title)}</h1><p>{len(scenes)} scenes, built from the data on {date.today().isoformat()}.</p>"]
    for i, sc in enumerate(scenes, 1):
        fig, view, alt = scene_figure(sc, b)
        svg = render(fig, "svg", width=1200, height=650, alt=alt).decode("utf-8")
        parts.append(f"<section><h2>{i}. {html.escape(sc.title)}</h2><p>{html.escape(sc.caption)}</p>{svg}"
                     f"<p><em>Text alternative:</em> {html.escape(alt)}</p>"
                     f"<p class='cite'>Cite this view: {html.escape(_cite(sc, b, permalink(base_url, story_id, i)))}</p></section>")
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")


def to_pdf(scenes: list[Scene], b, title: str = "City Solidarity Flows", base_url: str = "", story_id: str = "shipped") -> bytes:
    """The handout printed to PDF by the system Chromium (through Playwright; no network)."""
    from playwright.sync_api import sync_playwright

    page_html = to_html(scenes, b, title, base_url, story_id).decode("utf-8")
    with sync_playwright() as p:
        br = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            pg = br.new_context(offline=True).new_page()
            pg.set_content(page_html)
            return pg.pdf(format="A4", print_background=True)
        finally:
            br.close()


WRITERS = {"pptx": to_pptx, "html": to_html, "pdf": to_pdf}
