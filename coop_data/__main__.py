"""Command line: python -m coop_data summary|validate|import|export|delete [--json]."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import aggregate, datasets, export, filters, i18n, importer, pipeline
from .interchange import InputError
from .load import load_bundle
from .messages import Message, render
from .store import Store

PLACES_LISTED = 20  # unplaced names a text report lists one per line before "and N more" (--json lists all)
CANDIDATES_LISTED = 3  # candidate places named in a --choose hint


def _summary() -> dict:
    b = load_bundle()
    f = b.flows
    dossier = b.meta.get("dossier_row_counts", {})
    dossier_flows = sum(v for k, v in dossier.items() if k.rsplit("/", 1)[-1].startswith("flows"))
    unplaced = b.actors[b.actors["placement"] == "unplaced"]
    mirror = aggregate.mirror_ids(b.sources)
    h = aggregate.headline(f, mirror)
    return {
        "dataset": b.meta.get("name"),
        "version": b.meta.get("version"),
        "counts": {
            "flows": len(f),
            "actors": len(b.actors),
            "partnerships": len(b.partnerships),
            "funds": len(b.funds),
            "facts": len(b.facts),
            "sources": len(b.sources),
        },
        "dossier": {
            "flows_in_dossier": dossier_flows,
            "bundled": len(f),
            "excluded": len(b.excluded_flows),
            "accounted_for": len(f) + len(b.excluded_flows) == dossier_flows,
            "row_counts": dossier,
        },
        "flows_without_source_url": int((f["source_url"].str.strip() == "").sum()),
        "flow_count": {
            "records": h["records"],
            "flows": h["flows"],
            "programme_totals_with_details": h["programme_totals"],
            "rule": "a flow is a record that is not a programme total whose detailed rows are in the data; "
            "such a total counts only its rest of programme in money and quantities",
        },
        "flows_by_direction": {
            str(k): int(v) for k, v in f.loc[~f["overlaps_details"], "direction"].value_counts().items() if v
        },
        "coverage": aggregate.coverage(f),
        "money": aggregate.money_summary(f, mirror),
        "flows_by_status": {str(k): int(v) for k, v in f["status"].value_counts().items()},
        "placements": {str(k): int(v) for k, v in b.actors["placement"].value_counts().items()},
        "unresolved_places": [
            {
                "actor_id": r.actor_id,
                "name": r.name,
                "city": r.city,
                "country": r.country_iso3,
                "why": r.place_note,
            }
            for r in unplaced.itertuples()
        ],
        "totals_delivered": {
            "rule": "delivered rows only; a programme total whose detailed rows are in the data adds only its "
            "rest (total minus its delivered details, per unit, never below zero)",
            "counted_flows": h["counted_flows"],
            "rest_of_programme_rows": h["rest_of_programme_rows"],
            "eur": round(h["eur_delivered"], 2),
            "rows_with_money": h["rows_with_money"],
            "per_unit": {
                r.unit: {"total": r.total, "rows": int(r.rows), "rest_of_programme": r.rest}
                for r in aggregate.totals_by_unit(f).itertuples()
            },
        },
    }


def _print_summary(s: dict) -> None:
    c = s["counts"]
    print(f"{s['dataset']} v{s['version']}")
    print(
        f"flows {c['flows']}, actors {c['actors']}, partnerships {c['partnerships']}, funds {c['funds']}, facts {c['facts']}, sources {c['sources']}"
    )
    d = s["dossier"]
    print(
        f"dossier flows {d['flows_in_dossier']}: bundled {d['bundled']}, excluded {d['excluded']}, all accounted for: {d['accounted_for']}"
    )
    print("flows by direction: " + ", ".join(f"{k} {v}" for k, v in s["flows_by_direction"].items()))
    print("flows by status: " + ", ".join(f"{k} {v}" for k, v in s["flows_by_status"].items()))
    n = s["flow_count"]
    print(
        f"{n['records']} records, of which {n['flows']} flows "
        f"({n['programme_totals_with_details']} programme totals whose details are listed)"
    )
    t, m = s["totals_delivered"], s["money"]
    print(
        f"delivered: {t['counted_flows']} flows, EUR {t['eur']:,.0f} over {t['rows_with_money']} rows with money"
    )
    print(
        f"  cash/grants EUR {m['cash_grants']['eur']:,.0f} ({m['cash_grants']['share']:.1%}), "
        f"valued in kind EUR {m['valued_in_kind']['eur']:,.0f} ({m['valued_in_kind']['share']:.1%}), "
        f"on mirror copies EUR {m['mirror_sourced']['eur']:,.0f} ({m['mirror_sourced']['share']:.1%})"
    )
    big = m["largest_record"]
    if big and big["dominant"]:
        print(
            f"  largest record {big['record_id']} ({big['donor']} → {big['recipient']}): {big['share']:.1%}"
        )
    for unit, v in list(t["per_unit"].items())[:10]:
        print(f"  {unit}: {v['total']:,.0f} ({v['rows']} rows)")
    print(f"unresolved places ({len(s['unresolved_places'])}):")
    for u in s["unresolved_places"]:
        print(f"  {u['name'][:70]} [{u['country'] or '?'}]: {u['why']}")


def report_lang(parser) -> None:
    parser.add_argument(
        "--lang", choices=list(i18n.LANGS), default=i18n.DEFAULT, help="language of the report's messages"
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m coop_data", description="City Solidarity Flows data library")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("summary", help="counts, directions, unresolved places, delivered totals")
    s.add_argument("--json", action="store_true")
    v = sub.add_parser("validate", help="check a flows CSV in the interchange (dossier) layout")
    v.add_argument("file")
    v.add_argument("--json", action="store_true")
    report_lang(v)
    im = sub.add_parser(
        "import",
        help="check a flows or partnerships file (CSV/XLSX) and store the valid rows as a private dataset",
        epilog="exit status: 0 stored; 2 the file cannot be read or an argument is wrong; "
        "3 nothing stored (no row can be imported: the message says why)",
    )
    im.add_argument("file")
    im.add_argument("--json", action="store_true")
    report_lang(im)
    im.add_argument("--kind", choices=["flows", "partnerships"], help="default: detected from the headers")
    im.add_argument(
        "--name", default="", help="dataset name shown in captions and citations (default: the file name)"
    )
    for flag, metavar, text in (  # repeatable options, each use adding one
        ("--map", "HEADER=FIELD", "map a column (repeatable; FIELD empty = not imported)"),
        ("--set", "FIELD=VALUE", "a value for every row whose cell is empty (repeatable)"),
        ("--choose", "NAME|ISO3=GEONAMEID", "pick a place for an ambiguous name (repeatable)"),
    ):
        im.add_argument(flag, action="append", default=[], metavar=metavar, help=text)
    im.add_argument(
        "--decimal",
        choices=["auto", ".", ","],
        default="auto",
        help="decimal mark (auto: comma for semicolon files)",
    )
    im.add_argument(
        "--month-first", action="store_true", help="read 03/04/2020 as 4 March (default: 3 April)"
    )
    im.add_argument(
        "--use-remembered",
        action="store_true",
        help="apply the mapping you used last time for a file with the same headers (default: guess from the headers)",
    )
    im.add_argument("--store", help="database file (default: $COOP_DATA_STORE or var/coop_store.sqlite)")
    sp = sub.add_parser(
        "story", help="export the shipped story (or a saved one) as a PowerPoint deck, HTML handout or PDF"
    )
    sp.add_argument("--out", required=True, help="deck.pptx, handout.html or handout.pdf")
    sp.add_argument("--story", default="shipped", help="'shipped' or the id of a saved story")
    sp.add_argument("--base-url", default="", help="address of the app, for the permalinks in citations")
    sp.add_argument(
        "--lang",
        choices=list(i18n.LANGS),
        default="en",
        help="language of the shipped story's texts and of the deck",
    )
    sp.add_argument("--store")
    d = sub.add_parser("delete", help="delete an imported dataset (needs the delete key printed at import)")
    d.add_argument("--dataset", required=True)
    d.add_argument("--key", required=True)
    d.add_argument("--store")
    e = sub.add_parser(
        "export",
        help="export flows (bundled or an imported dataset), filtered, with sources and computed fields",
    )
    e.add_argument("--dataset", help="id of an imported dataset")
    e.add_argument(
        "--scope",
        choices=["imported", "both"],
        default="imported",
        help="with --dataset: the dataset alone or merged with the bundled data",
    )
    e.add_argument("--store")
    pb = sub.add_parser(
        "publish",
        help="write the static, read-only edition (HTML pages per chart, CSV/ZIP, the story) to a folder",
    )
    pb.add_argument("--out", required=True)
    pb.add_argument(
        "--base-url", default="", help="where the site will be served (https://…): embed snippets then use it"
    )
    pb.add_argument("--dataset", help="a stored dataset's id (default: the bundled data)")
    pb.add_argument("--scope", choices=["imported", "both"], default="imported")
    pb.add_argument("--store")
    e.add_argument(
        "--format",
        choices=["csv", "zip", "xlsx", "json", "geojson"],
        required=True,
        help="csv: a clean table; zip: the CSV with datapackage.json and a README carrying the citation",
    )
    e.add_argument("--out", required=True)
    e.add_argument("--json", action="store_true", help="print a machine-readable result")
    for d in filters.DIMENSIONS:  # the app's filters, under the names of its URL parameters
        e.add_argument(f"--{d.key.replace('_', '-')}", dest=d.key, help=_option_help(d))
    args = ap.parse_args(argv)

    if args.cmd == "summary":
        out = _summary()
        print(json.dumps(out, indent=1, ensure_ascii=False)) if args.json else _print_summary(out)
        return 0 if out["dossier"]["accounted_for"] and out["flows_without_source_url"] == 0 else 1

    if args.cmd == "import":
        return _import(args)

    if args.cmd == "story":
        from . import story

        ext = Path(args.out).suffix.lower().lstrip(".")
        if ext not in story.WRITERS:
            print(f"--out must end in .pptx, .html or .pdf (got {args.out!r})", file=sys.stderr)
            return 2
        b = load_bundle()
        from .i18n import t

        if args.story == "shipped":
            scenes, title = story.shipped(b, args.lang), t("story.shipped_title", args.lang)
        else:
            saved = Store(args.store).load_story(args.story)
            if saved is None:
                print(f"no story with id {args.story!r}", file=sys.stderr)
                return 2
            scenes, title = story.from_body(saved), saved["title"]
        try:
            data = story.WRITERS[ext](scenes, b, title, args.base_url, args.story, args.lang)
        except (
            story.SceneFailed
        ) as e:  # says which scene's chart could not be drawn (after the renderer's retry)
            print(f"not written: {e}", file=sys.stderr)
            return 1
        Path(args.out).write_bytes(data)
        print(f"wrote {len(scenes)} scenes to {args.out} ({len(data) / 1e6:.1f} MB)")
        return 0

    if args.cmd == "delete":
        ok = Store(args.store).delete(args.dataset, args.key)
        print(
            "deleted" if ok else "no dataset with that id and delete key",
            file=sys.stdout if ok else sys.stderr,
        )
        return 0 if ok else 1

    if args.cmd == "validate":
        try:
            prep = pipeline.validate_file(args.file)
        except InputError as err:
            res = {
                "file": args.file,
                "valid_rows": 0,
                "rows": 0,
                "errors": [{"row": 0, "column": "", "message": err.message.text(args.lang)}],
                "unplaced": [],
            }
            print(json.dumps(res, ensure_ascii=False)) if args.json else print(
                f"{args.file}: {err.message.text(args.lang)}", file=sys.stderr
            )
            return 2
        rep, unplaced, why = prep.report, pipeline.records(prep.unplaced, args.lang), pipeline.refusal(prep)
        why = why and why.text(args.lang)
        res = {"file": args.file, **rep.as_dict(args.lang), "unplaced": unplaced, "refused": why}
        if args.json:
            print(json.dumps(res, indent=1, ensure_ascii=False))
        else:
            print(
                f"{args.file}: {rep.rows} rows, {rep.valid_rows} valid, {len(rep.invalid_rows)} with problems"
            )
            _print_rows(prep, args.lang)
            if why:
                print(f"{args.file}: {why}", file=sys.stderr)
        return 0 if not rep.problems and not why else 1

    if args.cmd == "publish":
        from . import publish

        b, ds = (
            datasets.open_bundle(args.dataset, args.scope, Store(args.store))
            if args.dataset
            else (load_bundle(), None)
        )
        if args.dataset and ds is None:
            print(f"no dataset with id {args.dataset!r} in {Store(args.store)}", file=sys.stderr)
            return 2
        pages = publish.publish(b, Path(args.out), base_url=args.base_url)
        print(f"wrote {len(pages)} pages to {args.out} (open {Path(args.out) / 'index.html'})")
        return 0

    if args.cmd == "export":
        if args.dataset:
            b, ds = datasets.open_bundle(args.dataset, args.scope, Store(args.store))
            if ds is None:
                print(f"no dataset with id {args.dataset!r} in {Store(args.store)}", file=sys.stderr)
                return 2
        else:
            b = load_bundle()
        params = {d.key: getattr(args, d.key) for d in filters.DIMENSIONS if getattr(args, d.key)}
        opts = filters.options(b.flows, b.countries)
        flt, notices = filters.parse(params, b.countries, set(opts["donor_region"]), set(opts["network"]))
        notices = [str(n) for n in notices]
        for n in notices:
            print(f"warning: {n}", file=sys.stderr)
        flows = flt.apply(b.with_scheme(flt.scheme))
        cite = export.citation(flt.describe(b.countries), dataset=b.name)
        data = export.export(flows, args.format, cite, b.sources, filter_text=flt.describe(b.countries))
        try:
            Path(args.out).write_bytes(data)
        except OSError as err:
            print(f"cannot write {args.out}: {err.strerror}", file=sys.stderr)
            return 2
        msg = {
            "out": args.out,
            "format": args.format,
            "rows": len(flows),
            "dataset": b.name,
            "filter": flt.describe(b.countries),
            "notices": notices,
        }
        print(json.dumps(msg, ensure_ascii=False)) if args.json else print(
            f"wrote {len(flows)} flows to {args.out}"
        )
        return 0
    return 2


def _option_help(d: filters.Dimension) -> str:
    from .i18n import t

    if d.kind in ("from", "to"):
        return f"{t(d.label)}: YYYY-MM or YYYY-MM-DD"
    if d.kind == "text":
        return f"{t(d.label)}: text searched in {', '.join(d.columns)}"
    if d.kind == "list":
        ok = ", ".join(d.vocab) if isinstance(d.vocab, tuple) else f"known {d.vocab}"
        return f"{t(d.label)}: comma-separated ({ok})"
    return f"{t(d.label)}: one of {', '.join(d.vocab)} (default {d.default})"


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for it in items:
        if "=" not in it:
            raise SystemExit(f"--{what} expects X=Y, got {it!r}")
        k, v = it.rsplit("=", 1) if what == "choose" else it.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _import(args) -> int:
    from pathlib import Path

    from . import placement

    try:
        data = Path(args.file).read_bytes()
    except OSError as err:
        print(f"cannot open {args.file}: {err.strerror}", file=sys.stderr)
        return 2
    store = Store(args.store)
    fail = {"file": args.file, "imported": 0, "set_aside": 0, "unplaced": 0, "stored": False}
    progress = pipeline.terminal_progress()
    try:
        raw = pipeline.read_local(args.file, data)
    except InputError as err:
        return _refused({**fail, "error": err.message.text(args.lang)}, args.json, 2)
    progress("read", len(raw.data))
    prop = pipeline.propose_mapping(raw, args.kind, store, pipeline.cli_owner())
    kind = prop.kind
    mapping = dict(prop.remembered if args.use_remembered and prop.remembered else prop.suggested)
    for h, f in _pairs(args.map, "map").items():
        if h not in raw.data.columns:
            print(f"--map: the file has no column {h!r}", file=sys.stderr)
            return 2
        mapping[h] = f or None
    mapped = {h: f for h, f in mapping.items() if f}
    if (
        prop.remembered
        and not args.use_remembered
        and {h: f for h, f in prop.remembered.items() if f} != mapped
    ):
        print(
            "note: you mapped a file with these headers differently before; --use-remembered applies that mapping",
            file=sys.stderr,
        )
    choices = {}
    for k, v in _pairs(args.choose, "choose").items():
        name, _, iso = k.partition("|")
        choices[placement.choice_key(name, iso.strip().upper())] = int(v)
    opts = importer.Options(
        decimal=args.decimal, day_first=not args.month_first, constants=_pairs(args.set, "set")
    )
    progress("check", len(raw.data))
    prep = pipeline.check(raw, kind, mapping, opts)
    c = prep.counts()  # before the store lets go of the checked table
    report = {
        "kind": kind,
        **c,
        "mapping": prep.mapping,
        "notes": [n.text(args.lang) for n in prep.notes],
        "problems": [p.as_dict(args.lang) for p in prep.report.problems],
        "unplaced_places": pipeline.records(prep.unplaced, args.lang),
        "ambiguous_places": prep.ambiguous.drop(columns="rows").to_dict("records"),
    }
    try:
        ds_id, key = pipeline.save(
            prep,
            data,
            Path(args.file).name,
            store,
            owner=pipeline.cli_owner(),
            choices=choices,
            name=args.name,
            progress=progress,
            release_input=True,
        )
    except pipeline.NothingToStore as err:
        _print_problems(prep, args.json, args.lang)
        return _refused({**fail, **report, "error": err.message.text(args.lang)}, args.json, 3)
    res = {
        "dataset": ds_id,
        "delete_key": key,
        "name": datasets.clean_name(args.name or Path(args.file).name),
        "store": str(store),
        "stored": True,
        **report,
    }
    if args.json:
        print(_import_json(res))
    else:
        said = {k: c[k] for k in ("imported", "set_aside", "unplaced", "ambiguous")}
        said |= {"id": ds_id, "kind": Message(f"imp.kind_{kind}")}
        print(Message("msg.cli_stored", said).text(args.lang))
        print(i18n.t("msg.cli_key", args.lang, delete_key=key))
        _print_problems(prep, False, args.lang)
        print(i18n.t("msg.cli_open", args.lang, id=ds_id))
    return 0


def _import_json(res: dict) -> str:
    """An import's report as JSON: indented for a person at a terminal, one line for a program (a 100k-row
    file's report lists thousands of places, and indenting it is the slow pure-Python encoder)."""
    return json.dumps(res, indent=1 if sys.stdout.isatty() else None, ensure_ascii=False, default=str)


def _print_problems(prep, as_json: bool, lang: str = "en") -> None:
    if as_json:
        return
    for n in prep.notes:
        print("  " + pipeline.cli_note(n, lang))
    _print_rows(prep, lang)


def _print_rows(prep, lang: str) -> None:
    """Problems and unplaced names by row, after saying how rows are numbered (the file's, header = row 1)."""
    if prep.report.problems or len(prep.unplaced):
        print(i18n.t("msg.row_numbers", lang))
    for p in prep.report.problems:
        print("  " + pipeline.cli_line(p, lang))
    _print_places(prep, lang)


def _print_places(prep, lang: str) -> None:
    """The names left unplaced, by row, column and name with the reason and what to do (a name given without a
    country: the --choose option and its first candidates); a long list is cut with how many more there are."""
    u = prep.unplaced
    if not len(u):
        return
    print(Message("msg.cli_places_head", {"n": len(u)}).text(lang))
    no_country, hinted = set(importer.unplaced_groups(u)[1].index), set()
    for r in u.head(PLACES_LISTED).itertuples():
        print(
            "  "
            + i18n.t("msg.cli_place", lang, row=r.row, column=r.column, name=r.name, why=render(r.why, lang))
        )
        if r.Index in no_country and r.name not in hinted:  # how to choose, once per name
            hinted.add(r.name)
            cands = importer.choices_for(r.name, "")
            named = [
                f"{c.geonameid} {c.name} ({c.country_iso3})"
                for c in cands.head(CANDIDATES_LISTED).itertuples()
            ]
            more = len(cands) - len(named)
            listed = ", ".join(named) + (", …" if more > 0 else "")
            print("    " + i18n.t("msg.cli_choose", lang, name=r.name, iso="", candidates=listed))
    if len(u) > PLACES_LISTED:
        print("  " + Message("msg.cli_more", {"n": len(u) - PLACES_LISTED}).text(lang))


def _refused(res: dict, as_json: bool, code: int) -> int:
    """Nothing was stored: say why on stderr (or as JSON on stdout) and exit with `code`."""
    if as_json:
        print(_import_json(res))
    else:
        print(f"{res['file']}: nothing stored: {res['error']}", file=sys.stderr)
    return code


def _run() -> None:
    """`python -m coop_data …`; a closed pipe (`… | head`) ends quietly, as for any Unix tool."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    _run()
