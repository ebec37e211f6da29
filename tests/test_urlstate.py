"""View state in the URL, through the app (AppTest) and the CLI: the sources switch, view controls and their notices."""

import json
import subprocess
import sys

from streamlit.testing.v1 import AppTest
from test_app import app, charts

from conftest import ROOT


def deep(page: str, params: dict) -> AppTest:
    """A deep link: the page opened first with these URL parameters (test_app.app runs the home page first)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page)
    return at.run()


def test_sources_switch_in_the_sidebar_goes_to_the_url_and_the_numbers(bundle):
    from coop_data import aggregate

    kept = len(aggregate.exclude_mirror(bundle.flows, bundle))
    assert kept < len(bundle.flows)
    at = app("app_pages/explorer.py", {"sources": "no_mirror"})
    assert at.sidebar.toggle(key="w_more").value is True  # a link with a "More filters" value opens them
    assert at.sidebar.radio(key="w_sources").value == "no_mirror"
    assert len(at.dataframe[0].value) == kept
    assert "excluding mirror copies" in at.sidebar.caption[-2].value
    at.sidebar.radio(key="w_sources").set_value("all").run()
    assert "sources" not in at.query_params and len(at.dataframe[0].value) == len(bundle.flows)


def test_timeline_period_lives_in_the_url():
    at = deep("app_pages/timeline.py", {"period": "week"})
    assert at.radio(key="v_period").value == "week"
    assert charts(at)[0][0]["layout"]["title"]["text"].count("week") >= 1
    at.radio(key="v_period").set_value("month").run()
    assert "period" not in at.query_params  # the default stays out of the URL
    at.radio(key="v_period").set_value("week").run()
    assert at.query_params["period"] in ("week", ["week"])


def test_sankey_controls_from_the_url_and_back():
    at = deep(
        "app_pages/sankey.py", {"stages": "networks", "measure": "eur", "top": "6", "colour": "aid_kind"}
    )
    assert not at.exception and not at.warning
    assert [at.selectbox(key=k).value for k in ("v_stages", "v_measure", "v_top", "v_colour")] == [
        "networks",
        "eur",
        6,
        "aid_kind",
    ]
    spec = charts(at)[0][0]
    assert "Money delivered: Network / fund → Beneficiary" in spec["layout"]["title"]["text"]
    assert spec["layout"]["legend"]["title"]["text"] == "Aid kind"
    whole = [full for _, full, *_ in charts(at)[0][0]["data"][0]["node"]["customdata"]]
    assert at.selectbox(key="v_node").options[1] == f"Network / fund: {whole[0]}"
    at.selectbox(key="v_node").set_value(f"channel:{whole[0]}").run()
    assert at.query_params["node"] in (f"channel:{whole[0]}", [f"channel:{whole[0]}"])
    labels = [full for _, full, *_ in charts(at)[0][0]["data"][0]["node"]["customdata"]]
    assert labels[0] == whole[0] and whole[1] not in labels and len(labels) < len(whole)


def test_a_node_not_in_the_chart_is_named_and_dropped():
    at = deep("app_pages/sankey.py", {"node": "channel:Atlantis", "lang": "fr"})
    assert any("Atlantis" in w.value and "n'est pas dans ce graphique" in w.value for w in at.warning)
    assert "node" not in at.query_params


def test_a_pages_controls_do_not_follow_the_reader_to_another_page():
    at = deep("app_pages/sankey.py", {"stages": "countries", "direction": "north_south"})
    assert at.query_params["stages"] in ("countries", ["countries"])
    at.switch_page("app_pages/explorer.py").run()
    assert "stages" not in at.query_params and at.query_params["direction"] in (
        "north_south",
        ["north_south"],
    )


def test_cli_export_takes_every_filter_dimension(tmp_path, bundle):
    from coop_data import aggregate

    out = tmp_path / "x.json"
    r = subprocess.run(
        [sys.executable, "-m", "coop_data", "export", "--format", "json", "--out", str(out)]
        + ["--sources", "no_mirror", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    msg = json.loads(r.stdout)
    kept = len(aggregate.exclude_mirror(bundle.flows, bundle))
    assert r.returncode == 0 and msg["rows"] == kept and msg["notices"] == []
    assert msg["filter"].startswith("Flows excluding mirror copies.")
    bad = subprocess.run(
        [sys.executable, "-m", "coop_data", "export", "--format", "json", "--out", str(out)]
        + ["--sources", "some", "--network", "Atlantis"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert "Ignored unknown sources 'some'" in bad.stderr and "Atlantis" in bad.stderr


def test_the_dimension_table_is_the_only_list_of_filters():
    """Adding a filter is one row: the Filter's fields, the sidebar's widgets and the CLI's options come from it."""
    import dataclasses

    from coop_data import filters

    assert [f.name for f in dataclasses.fields(filters.Filter)] == [d.attr for d in filters.DIMENSIONS]
    at = deep("app_pages/explorer.py", {"aid_kind": "masks"})  # opens "More filters"
    drawn = {
        w.key
        for kind in ("multiselect", "selectbox", "radio", "text_input")
        for w in getattr(at.sidebar, kind)
    }
    assert {f"w_{d.key}" for d in filters.DIMENSIONS} <= drawn
    out = subprocess.run(
        [sys.executable, "-m", "coop_data", "export", "--help"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert all(f"--{d.key.replace('_', '-')} " in out for d in filters.DIMENSIONS)
