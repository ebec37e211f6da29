"""The README's "Where to change what" table, tried: each change is made in a scratch copy of the project, the
copy's own code is run on the bundled data, and the number of files the change touched is the table's.

Every added value here is synthetic (a test-only preset, direction, filter, page, language); the data is the
bundled data, unchanged.
"""

import filecmp
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

SKIP = shutil.ignore_patterns(".git", "__pycache__", ".pytest_cache", ".ruff_cache", "*.pyc")


@pytest.fixture
def copy(tmp_path):
    dst = tmp_path / "app"
    shutil.copytree(ROOT, dst, ignore=SKIP)
    return dst


def edit(root, path: str, old: str, new: str) -> None:
    """Replace the one place `old` stands in a file of the copy (the test fails if the code moved)."""
    f = root / path
    text = f.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: {old!r} found {text.count(old)} times"
    f.write_text(text.replace(old, new), encoding="utf-8")


def add_entry(root, path: str, key: str, en: str, fr: str, es: str) -> None:
    with (root / path).open("a", encoding="utf-8") as fh:
        fh.write(f'\n["{key}"]\nen = "{en}"\nfr = "{fr}"\nes = "{es}"\n')


def touched(root) -> list[str]:
    """Files of the copy that differ from the project or are new."""
    out = []
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", ".pytest_cache", ".ruff_cache")]
        for name in files:
            if name.endswith(".pyc"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            if not (ROOT / rel).exists() or not filecmp.cmp(ROOT / rel, root / rel, shallow=False):
                out.append(rel)
    return sorted(out)


def run(root, script: str, timeout: int = 300) -> str:
    """Run `script` with the copy's code (strict translations, as the tests); its stdout."""
    env = {**os.environ, "COOP_I18N_STRICT": "1", "PYTHONPATH": str(root)}
    head = textwrap.dedent(
        """
        import json
        from streamlit.testing.v1 import AppTest

        def page(path, params):
            at = AppTest.from_file("dashboard.py", default_timeout=120)
            for k, v in params.items():
                at.query_params[k] = v
            at.run()
            if path != "app_pages/home.py":
                at.switch_page(path).run()
            assert not at.exception, [e.value for e in at.exception]
            return at

        def walk(node):
            yield node
            for child in getattr(node, "children", {}).values():
                yield from walk(child)

        def charts(at):
            return [json.loads(n.proto.spec) for n in walk(at._tree) if getattr(n, "type", "") == "plotly_chart"]
        """
    )
    p = subprocess.run(
        [sys.executable, "-c", head + textwrap.dedent(script)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    return p.stdout


def test_a_sankey_preset_is_one_vocab_row(copy):
    edit(
        copy,
        "coop_data/vocab.py",
        '    "countries": ("donor_country", "recipient_country"),\n',
        '    "countries": ("donor_country", "recipient_country"),\n    "aid_status": ("aid_kind", "status"),\n',
    )
    assert touched(copy) == ["coop_data/vocab.py"]
    out = run(
        copy,
        """
        from coop_data import filters, i18n
        assert "aid_status" in filters.CONTROLS["sankey"]["stages"].vocab
        at = page("app_pages/sankey.py", {"stages": "aid_status", "lang": "fr"})
        labels = charts(at)[0]["data"][0]["node"]["label"]
        assert i18n.t("aid.masks", "fr") in labels and i18n.t("status.delivered", "fr") in labels, labels
        assert any(o == "aid_status" for o in at.selectbox[0].options) or at.selectbox[0].value == "aid_status"
        print(len(labels))
        """,
    )
    assert int(out) >= 5  # aid kinds and statuses of the bundled data, named in French


def test_a_direction_is_a_vocab_row_a_rule_and_its_label(copy):
    edit(
        copy,
        "coop_data/vocab.py",
        '    "domestic": "#7A6A2F",\n',
        '    "domestic": "#7A6A2F",\n    "north_to_china": "#117733",\n',
    )
    edit(
        copy,
        "coop_data/classify.py",
        '        ("partner_to_china", r == MAINLAND_CHINA),\n',
        '        ("north_to_china", (r == MAINLAND_CHINA) & gd.eq("North")),\n'
        '        ("partner_to_china", r == MAINLAND_CHINA),\n',
    )
    add_entry(
        copy,
        "coop_data/locale/interface.toml",
        "dir.north_to_china",
        "North → China",
        "Nord → Chine",
        "Norte → China",
    )
    assert touched(copy) == ["coop_data/classify.py", "coop_data/locale/interface.toml", "coop_data/vocab.py"]
    out = run(
        copy,
        """
        from coop_data import aggregate, filters, i18n, vocab
        from coop_data.figures import timeline_chart
        from coop_data.figures.sankey import colours
        from coop_data.load import load_bundle

        b = load_bundle()
        n = int((b.flows["direction"].astype(str) == "north_to_china").sum())
        flt, notes = filters.parse({"direction": "north_to_china"})
        assert not notes and len(flt.apply(b.flows)) == n
        assert "Nord → Chine" in flt.describe(b.countries, "fr")
        assert colours("direction", {"north_to_china"})["north_to_china"] == "#117733"
        fig = timeline_chart(aggregate.timeline(b.flows), "t", "s", "src", lang="fr")
        assert "Nord → Chine" in {tr.name for tr in fig.data}
        at = page("app_pages/home.py", {"lang": "es"})
        bars = [c for c in charts(at) if c["data"][0]["type"] == "bar"][0]["data"][0]
        assert "Norte → China" in bars["hovertext"] and "#117733" in bars["marker"]["color"]
        print(n)
        """,
    )
    assert int(out) > 10  # real flows from high-income places to mainland China, now in their own category


def test_a_filter_is_one_dimension_row_and_its_labels(copy):
    edit(
        copy,
        "coop_data/filters.py",
        "DIMENSIONS: tuple[Dimension, ...] = (\n",
        "DIMENSIONS: tuple[Dimension, ...] = (\n"
        '    Dimension("precision", "list", "sb.precision", "flt.precision", ("date_precision",), vocab.PRECISIONS,'
        " more=True),\n",
    )
    add_entry(
        copy,
        "coop_data/locale/interface.toml",
        "sb.precision",
        "Date precision",
        "Précision de la date",
        "Precisión de la fecha",
    )
    add_entry(
        copy,
        "coop_data/locale/interface.toml",
        "flt.precision",
        "dated to the {v}",
        "datés au {v}",
        "fechados al {v}",
    )
    assert touched(copy) == ["coop_data/filters.py", "coop_data/locale/interface.toml"]
    out = run(
        copy,
        """
        import subprocess, sys
        from coop_data import filters
        from coop_data.load import load_bundle

        b = load_bundle()
        flt, notes = filters.parse({"precision": "day"})
        assert not notes and flt.to_params() == {"precision": "day"}
        day = flt.apply(b.flows)
        assert len(day) == int((b.flows["date_precision"].astype(str) == "day").sum()) < len(b.flows)
        assert "datés au day" in flt.describe(b.countries, "fr")
        cli = subprocess.run([sys.executable, "-m", "coop_data", "export", "--help"], capture_output=True, text=True)
        assert "--precision" in cli.stdout
        at = page("app_pages/explorer.py", {"precision": "day"})
        assert at.session_state["w_precision"] == ["day"]
        print(len(day))
        """,
    )
    assert int(out) > 100


def test_a_page_is_its_file_one_registry_row_and_its_label(copy):
    (copy / "app_pages/glossary.py").write_text(
        'import streamlit as st\n\nimport coop_ui as ui\n\nst.title(ui.T("nav.glossary"))\n', encoding="utf-8"
    )
    edit(
        copy,
        "coop_data/pages.py",
        '    Page("methods", ":material/menu_book:"),\n',
        '    Page("methods", ":material/menu_book:"),\n    Page("glossary", ":material/dictionary:"),\n',
    )
    add_entry(copy, "coop_data/locale/interface.toml", "nav.glossary", "Glossary", "Glossaire", "Glosario")
    assert touched(copy) == ["app_pages/glossary.py", "coop_data/locale/interface.toml", "coop_data/pages.py"]
    run(
        copy,
        """
        at = page("app_pages/glossary.py", {"lang": "fr"})
        assert at.title[0].value == "Glossaire"
        """,
    )


def test_a_language_is_one_column_per_locale_file_and_one_line(copy):
    """German, with English text standing in for the translation (the test checks the wiring, not the words)."""
    for f in sorted((copy / "coop_data/locale").glob("*.toml")):
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        f.write_text(
            "".join(x + ("de" + x[2:] if x.startswith("en = ") else "") for x in lines), encoding="utf-8"
        )
    edit(copy, "coop_data/i18n.py", '"es": "Español"}', '"es": "Español", "de": "Deutsch"}')
    changed = touched(copy)
    locale = sorted(p.name for p in (copy / "coop_data/locale").glob("*.toml"))
    assert changed == ["coop_data/i18n.py", *(f"coop_data/locale/{n}" for n in locale)]
    run(
        copy,
        """
        from coop_data import i18n, pages
        assert all("de" in e for e in i18n.CATALOG.values())
        for p in pages.PAGES:
            page(p.file, {"lang": "de"})
        """,
        timeout=600,
    )
