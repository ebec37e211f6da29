"""The static edition: written by the CLI, opened from disk in Chromium with no request leaving the machine."""

import io
import json
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from conftest import ROOT
from coop_data import aggregate, alttext, export, i18n, publish


@pytest.fixture(scope="module")
def site(tmp_path_factory, bundle):
    out = tmp_path_factory.mktemp("site")
    publish.publish(bundle, out, langs=("en", "fr"))
    return out


def test_every_chart_page_opens_from_disk_offline_and_draws(site, browser):
    pages = [f"{lg}/{c.slug}.html" for lg in ("en", "fr") for c in publish.CHARTS]
    pages += ["index.html", "en/index.html", "fr/story.html"]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        for rel in pages:
            page, outside, errors = ctx.new_page(), [], []
            page.on(
                "request",
                lambda r, out=outside: None if r.url.startswith(("file:", "data:")) else out.append(r.url),
            )
            page.on("pageerror", lambda e, errs=errors: errs.append(str(e)))
            page.goto((site / rel).as_uri())
            if rel.split("/")[-1] in {f"{c.slug}.html" for c in publish.CHARTS}:
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60000)
            if rel.endswith(("map.html", "partnerships.html")):
                page.wait_for_function(
                    "(document.querySelector('g.layer.countries path')?.getAttribute('d') || '').length > 5000",
                    timeout=60000,
                )  # the world outline came from inside the page
            assert outside == [] and errors == [], (rel, outside[:3], errors[:3])
            page.close()
    finally:
        ctx.close()


def test_chart_pages_carry_citation_embed_snippet_and_the_table(site, bundle):
    page = (site / "fr" / "map.html").read_text(encoding="utf-8")
    assert "<html lang='fr'>" in page and "Carte des flux" in page
    assert "&lt;iframe src=&quot;map.html&quot;" in page and "aspect-ratio" in page  # the snippet, as text
    assert "Description textuelle" in page and "City Solidarity Flows" in page
    table = pd.read_csv(site / "en" / "map.csv", dtype=str, keep_default_na=False)
    assert len(table) == len(bundle.flows) and list(table.columns)[0] == "record_id"
    assert list(table.columns) == [c for c in export.EXPORT_COLUMNS if c in bundle.flows]  # the app's export
    manifest = json.loads((site / "manifest.json").read_text())
    assert "fr/story.html" in manifest["pages"]


@pytest.mark.parametrize("slug", [c.slug for c in publish.CHARTS])
def test_each_zip_is_the_apps_export_with_its_datapackage(site, slug):
    """The static edition's ZIPs are made by export.to_zip like the app's: the CSV of the page, its datapackage.json
    (columns typed and described) and a README with the citation."""
    z = zipfile.ZipFile(io.BytesIO((site / "fr" / f"{slug}.zip").read_bytes()))
    assert sorted(z.namelist()) == ["README.md", "datapackage.json", f"{slug}.csv"]
    csv = (site / "fr" / f"{slug}.csv").read_bytes()
    assert z.read(f"{slug}.csv") == csv
    table = pd.read_csv(io.BytesIO(csv), dtype=str, keep_default_na=False)
    pkg = json.loads(z.read("datapackage.json"))
    fields = {f["name"]: f for f in pkg["resources"][0]["schema"]["fields"]}
    assert list(fields) == list(table.columns) and pkg["resources"][0]["rows"] == len(table) > 0
    readme = z.read("README.md").decode()
    assert f"## {i18n.t('xp.readme_cite', 'fr')}\n\n{pkg['citation']}\n" in readme
    assert (
        pkg["citation"].startswith("City Solidarity Flows")
        and i18n.t("cite.retrieved", "fr") in pkg["citation"]
    )
    described = {"map": "record_id", "timeline": "record_id", "partnerships": "city_a", "funds": "fund_name"}
    if slug in described:  # described from the schema of its table
        assert fields[described[slug]]["description"]
    else:  # a Sankey's links: no schema table, typed from the numbers
        assert fields["value"]["type"] in ("integer", "number") and fields["source"]["type"] == "string"


def test_the_timeline_has_a_text_alternative_from_its_numbers(site, bundle):
    t = aggregate.timeline(bundle.flows)
    per = t.groupby("period")["flows"].sum()
    alt = alttext.timeline_summary(t, aggregate.not_in_timeline(bundle.flows, t), "M", "en")
    assert f"Bars of {int(per.sum())} flows per month" in alt
    # flows, not records: 443 + 131 = the 574 flows (583 records less 9 programme totals); it said 140
    assert "Bars of 443 flows" in alt and "131 flows dated only to the year" in alt
    assert f"with {int(per.max())} flows" in alt and per.idxmax().strftime("%b %Y") in alt
    assert alt in (site / "en" / "timeline.html").read_text(encoding="utf-8")


def test_publish_command_writes_the_site(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "coop_data", "publish", "--out", str(tmp_path / "s"), "--dataset", "A" * 22],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        r.returncode == 2 and "no dataset" in r.stderr
    )  # an unknown dataset is refused, nothing half-written
    assert not (tmp_path / "s").exists()


def test_embed_snippet_points_at_the_served_site_when_its_address_is_given():
    import plotly.graph_objects as go

    chart = publish.CHARTS[0]
    page = publish.chart_page(go.Figure(), chart, "fr", "alt", "cite", "", "https://atlas.example.org/site/")
    assert "&lt;iframe src=&quot;https://atlas.example.org/site/fr/map.html&quot;" in page
    assert "&lt;iframe src=&quot;map.html&quot;" in publish.chart_page(go.Figure(), chart, "fr", "a", "c", "")
