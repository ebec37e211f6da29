"""Story mode: the shipped story's numbers come from the library, stories round-trip through the
store and the UI, decks and handouts carry every scene with its chart, caption and citation."""

import io
import re
import subprocess
import sys

import pytest

from conftest import ROOT
from coop_data import aggregate, filters, story
from coop_data.store import Store


@pytest.fixture(scope="module")
def scenes(bundle):
    return story.shipped(bundle)


def test_shipped_story_covers_the_issue_topics(scenes):
    titles = " | ".join(s.title for s in scenes)
    for needle in (
        "Chinese cities",
        "return the help",
        "month by month",
        "patients",
        "both ways",
        "emergency money",
    ):
        assert needle in titles


def test_shipped_captions_are_the_library_figures(scenes, bundle):
    f = bundle.flows
    wave = filters.Filter(date_to="2020-02", direction=("partner_to_china",)).apply(f)
    h = aggregate.headline(wave)
    assert (
        # captions count delivered rows only (issue 15: "went", "reached" were said of announced and cancelled rows)
        scenes[0].caption.startswith(f"{h['counted_flows']} flows dated up to February 2020")
        and f"{h['masks']:,.0f} masks" in scenes[0].caption
    )
    rev = filters.Filter(date_from="2020-03", direction=("china_to_partner",)).apply(f)
    hr = aggregate.headline(rev)
    assert (
        scenes[1].caption.startswith(f"{hr['counted_flows']} flows from mainland Chinese")
        and f"{hr['masks']:,.0f} masks" in scenes[1].caption
    )
    pat = filters.Filter(aid_kind=("patients_treated",), status=("delivered",)).apply(f)
    # the caption's patients are the map's patients (WD-0084, a head count on one day, is in neither)
    assert scenes[3].caption.startswith(f"{aggregate.headline(pat)['patients']:,.0f} patients")
    # distinct pairs of places (33 pairs of gifts are 28 pairs of places; v0.1 said 33 pairs of places)
    rp = aggregate.reciprocity_pairs(f)
    assert (
        f"{len(set(map(frozenset, zip(rp['first_giver'], rp['first_receiver']))))} pairs of places"
        in scenes[4].caption
    )
    nf = story.network_funds(bundle.funds)
    assert f"EUR {nf.loc[nf['currency'] == 'EUR', 'amount'].sum():,.0f}" in scenes[5].caption
    assert "NF-01" not in set(nf["fund_id"]) and "NF-02" in set(
        nf["fund_id"]
    )  # AIMF counted once, current version


def test_story_round_trip_through_the_store(tmp_path):
    s = Store(tmp_path / "s.sqlite")
    draft = [
        story.Scene("B", "second", "timeline", {"direction": "north_south"}),
        story.Scene("A", "first", "map", {"city": "Harbin"}, "masks"),
    ]
    sid, key = s.save_story("Mine", story.to_body(draft))
    draft.reverse()  # reorder and save again with the edit key
    assert s.save_story("Mine", story.to_body(draft), sid, key) == (sid, key)
    assert s.save_story("Hijack", story.to_body([]), sid, "wrong-key") is None
    again = story.from_body(Store(tmp_path / "s.sqlite").load_story(sid))
    assert [(x.title, x.chart, x.params, x.measure) for x in again] == [
        ("A", "map", {"city": "Harbin"}, "masks"),
        ("B", "timeline", {"direction": "north_south"}, "flows"),
    ]
    assert Store(tmp_path / "s.sqlite").load_story("A" * 22) is None


def test_story_built_in_the_app_reopens_by_link():
    from test_app import app, charts

    at = app("app_pages/story.py", {})
    for title in ("First scene", "Second scene"):
        form_inputs = [t for t in at.text_input if t.label == "Scene title"]
        form_inputs[0].input(title)
        [t for t in at.text_area if t.label == "Caption"][0].input(f"Caption of {title}")
        [b for b in at.button if b.label == "Add scene"][0].click()
        at.run()
    at.button(key="down-0").click().run()  # reorder: second first
    edit = [t for t in at.text_input if t.key and t.key.startswith("edit-") and t.key.endswith("-title")]
    assert [t.value for t in edit] == ["Second scene", "First scene"]  # edit fields follow their scene
    edit[1].input("First scene, edited").run()
    [t for t in at.text_input if t.key and t.key.startswith("edit-") and t.key.endswith("-highlight")][
        1
    ].input("Oita").run()
    at.text_input(key="story-title").input("My network's story").run()
    at.button(key="story-save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    sid = at.query_params["story"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", sid)
    other = app("app_pages/story.py", {"story": sid, "scene": "1"})  # someone opening the shared link
    assert [t.value for t in other.title] == ["Second scene"]
    assert "Caption of Second scene" in " ".join(m.value for m in other.markdown)
    other.button(key="story-next").click().run()
    assert [t.value for t in other.title] == ["First scene, edited"] and other.query_params["scene"] == "2"
    assert "Oita" in list(
        next(tr for tr in charts(other)[0][0]["data"] if tr.get("name") == "Highlighted place")["text"]
    )


def test_pptx_deck_has_every_scene(scenes, bundle):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    deck = Presentation(io.BytesIO(story.to_pptx(scenes[:2], bundle, "Deck test", "http://example.org")))
    slides = list(deck.slides)
    assert len(slides) == 3 and slides[0].shapes.title.text == "Deck test"
    for sc, slide in zip(scenes[:2], slides[1:]):
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        pics = [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert texts[0] == sc.title and sc.caption in texts and len(pics) == 1
        assert pics[0].image.content_type == "image/png" and len(pics[0].image.blob) > 50_000
        assert any("Cite this view:" in t and "http://example.org/story?story=shipped" in t for t in texts)
        assert slide.notes_slide.notes_text_frame.text.startswith("The map shows")  # the text alternative


def test_cli_story_html_handout(tmp_path):
    out = tmp_path / "handout.html"
    r = subprocess.run(
        [sys.executable, "-m", "coop_data", "story", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    page = out.read_text()
    assert (
        page.count("<section>") == len(story.shipped(__import__("coop_data").load_bundle()))
        and page.count("<svg") >= 6
    )
    assert "Text alternative:" in page and "Cite this view:" in page
    bad = subprocess.run(
        [sys.executable, "-m", "coop_data", "story", "--out", str(tmp_path / "x.doc")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "must end in" in bad.stderr and "Traceback" not in bad.stderr


def test_pdf_handout_prints_offline(scenes, bundle):
    pdf = story.to_pdf(scenes[:2], bundle, "PDF test")
    assert pdf[:5] == b"%PDF-" and len(pdf) > 50_000 and pdf.count(b"/Type /Page") >= 2


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_shipped_story_in_french_and_spanish_has_the_same_numbers(bundle, scenes, lang):
    from coop_data import i18n

    other = story.shipped(bundle, lang)
    assert len(other) == len(scenes) and all(
        o.params == s.params and o.chart == s.chart for o, s in zip(other, scenes)
    )
    assert all(o.title != s.title for o, s in zip(other, scenes))
    wave = aggregate.headline(
        filters.Filter(date_to="2020-02", direction=("partner_to_china",)).apply(bundle.flows)
    )
    assert i18n.number(wave["masks"], lang) in other[0].caption and " masks were" not in other[0].caption


def test_french_deck(bundle):
    from pptx import Presentation

    fr = story.shipped(bundle, "fr")
    deck = Presentation(io.BytesIO(story.to_pptx(fr[:1], bundle, "Récit", "http://example.org", lang="fr")))
    texts = [sh.text_frame.text for s in list(deck.slides)[1:] for sh in s.shapes if sh.has_text_frame]
    assert fr[0].title in texts and fr[0].caption in texts
    assert any(
        x.startswith("Scène 1 sur 1. Citer cette vue :") and "sens Partenaire → Chine" in x for x in texts
    )


def test_story_page_in_french():
    from test_app import app

    at = app("app_pages/story.py", {"lang": "fr", "story": "shipped", "scene": "1"})
    assert not at.exception
    assert [x.value for x in at.title] == ["Janvier–février 2020 : le monde aide les villes chinoises"]
    assert any(b.label == "Suivant ▶" for b in at.button)
    # delivered flows only since issue 15 (the caption said "went" of announced and cancelled rows too);
    # the figure is recomputed in test_story_claims.py, here the page must show the library's caption
    first = story.shipped(__import__("coop_data").load_bundle(), "fr")[0].caption.split(" flux")[0]
    assert f"{first} flux datés jusqu'à février 2020" in " ".join(m.value for m in at.markdown)
