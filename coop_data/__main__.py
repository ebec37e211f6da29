"""Command line: python -m coop_data summary|validate|import|export|delete [--json]."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import aggregate, datasets, export, filters, importer
from .interchange import InputError, validate_file
from .load import load_bundle
from .store import Store


def _summary() -> dict:
    b = load_bundle()
    f = b.flows
    dossier = b.meta.get("dossier_row_counts", {})
    dossier_flows = dossier.get("flows_china.csv", 0) + dossier.get("flows_world.csv", 0)
    unplaced = b.actors[b.actors["placement"] == "unplaced"]
    h = aggregate.headline(f)
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
        "flows_by_direction": {str(k): int(v) for k, v in f["direction"].value_counts().items()},
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
            "rule": "delivered rows only; programme totals with detailed rows in the data are not added",
            "counted_flows": h["counted_flows"],
            "eur": round(h["eur_delivered"], 2),
            "rows_with_money": h["rows_with_money"],
            "per_unit": {
                r.unit: {"total": r.total, "rows": int(r.rows)}
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
    t = s["totals_delivered"]
    print(
        f"delivered: {t['counted_flows']} flows, EUR {t['eur']:,.0f} over {t['rows_with_money']} rows with money"
    )
    for unit, v in list(t["per_unit"].items())[:10]:
        print(f"  {unit}: {v['total']:,.0f} ({v['rows']} rows)")
    print(f"unresolved places ({len(s['unresolved_places'])}):")
    for u in s["unresolved_places"]:
        print(f"  {u['name'][:70]} [{u['country'] or '?'}]: {u['why']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m coop_data", description="City Solidarity Flows data library")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("summary", help="counts, directions, unresolved places, delivered totals")
    s.add_argument("--json", action="store_true")
    v = sub.add_parser("validate", help="check a flows CSV in the interchange (dossier) layout")
    v.add_argument("file")
    v.add_argument("--json", action="store_true")
    im = sub.add_parser(
        "import",
        help="check a flows or partnerships file (CSV/XLSX) and store the valid rows as a private dataset",
    )
    im.add_argument("file")
    im.add_argument("--json", action="store_true")
    im.add_argument("--kind", choices=["flows", "partnerships"], help="default: detected from the headers")
    im.add_argument(
        "--name", default="", help="dataset name shown in captions and citations (default: the file name)"
    )
    im.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help="map a column (repeatable; FIELD empty = not imported)",
    )
    im.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a value for every row whose cell is empty (repeatable)",
    )
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
        "--choose",
        action="append",
        default=[],
        metavar="NAME|ISO3=GEONAMEID",
        help="pick a place for an ambiguous name (repeatable)",
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
        choices=["en", "fr", "es"],
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
    e.add_argument(
        "--format",
        choices=["csv", "zip", "xlsx", "json", "geojson"],
        required=True,
        help="csv: a clean table; zip: the CSV with datapackage.json and a README carrying the citation",
    )
    e.add_argument("--out", required=True)
    e.add_argument("--json", action="store_true", help="print a machine-readable result")
    for p in (
        "from",
        "to",
        "direction",
        "donor_country",
        "recipient_country",
        "donor_region",
        "recipient_region",
        "aid_kind",
        "status",
        "level",
        "network",
        "city",
        "scheme",
    ):
        e.add_argument(f"--{p.replace('_', '-')}", dest=p)
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
        data = story.WRITERS[ext](scenes, b, title, args.base_url, args.story, args.lang)
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
            _, rep, unplaced = validate_file(args.file)
        except InputError as err:
            res = {
                "file": args.file,
                "valid_rows": 0,
                "rows": 0,
                "errors": [{"row": 0, "column": "", "message": str(err)}],
                "unplaced": [],
            }
            print(json.dumps(res, ensure_ascii=False)) if args.json else print(
                f"{args.file}: {err}", file=sys.stderr
            )
            return 2
        res = {"file": args.file, **rep.as_dict(), "unplaced": unplaced}
        if args.json:
            print(json.dumps(res, indent=1, ensure_ascii=False))
        else:
            print(
                f"{args.file}: {rep.rows} rows, {rep.valid_rows} valid, {len(rep.invalid_rows)} with problems"
            )
            for p in rep.problems:
                print(f"  row {p.row}, column {p.column}: {p.message}")
            for u in unplaced:
                print(
                    f"  row {u['row']}, column {u['column']}: '{u['name']}' not found in the offline gazetteer (left unplaced, not an error)"
                )
        return 0 if not rep.problems else 1

    if args.cmd == "export":
        if args.dataset:
            b, ds = datasets.open_bundle(args.dataset, args.scope, Store(args.store))
            if ds is None:
                print(f"no dataset with id {args.dataset!r} in {Store(args.store).path}", file=sys.stderr)
                return 2
        else:
            b = load_bundle()
        params = {
            k: getattr(args, k)
            for k in (
                "from",
                "to",
                "direction",
                "donor_country",
                "recipient_country",
                "donor_region",
                "recipient_region",
                "aid_kind",
                "status",
                "level",
                "network",
                "city",
                "scheme",
            )
            if getattr(args, k)
        }
        regions = set(b.countries["region"].dropna()) | {"unknown"}
        flt, notices = filters.parse(params, b.countries, regions)
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

    from . import columns, placement
    from .interchange import read_upload

    try:
        data = Path(args.file).read_bytes()
    except OSError as err:
        print(f"cannot open {args.file}: {err.strerror}", file=sys.stderr)
        return 2
    store = Store(args.store)
    try:
        raw = read_upload(args.file, data)
    except InputError as err:
        res = {"file": args.file, "error": str(err), "imported": 0, "set_aside": 0, "unplaced": 0}
        print(json.dumps(res, ensure_ascii=False)) if args.json else print(
            f"{args.file}: {err}", file=sys.stderr
        )
        return 2
    kind = args.kind or columns.detect_kind(list(raw.data.columns))
    mapping = store.recall_mapping(columns.header_key(list(raw.data.columns)), kind) or columns.suggest(
        list(raw.data.columns), kind
    )
    for h, f in _pairs(args.map, "map").items():
        if h not in raw.data.columns:
            print(f"--map: the file has no column {h!r}", file=sys.stderr)
            return 2
        mapping[h] = f or None
    choices = {}
    for k, v in _pairs(args.choose, "choose").items():
        name, _, iso = k.partition("|")
        choices[placement.choice_key(name, iso.strip().upper())] = int(v)
    opts = importer.Options(
        decimal=args.decimal, day_first=not args.month_first, constants=_pairs(args.set, "set")
    )
    ds_id, key, prep = datasets.import_bytes(
        Path(args.file).name,
        data,
        store,
        kind=kind,
        mapping=mapping,
        options=opts,
        choices=choices,
        name=args.name,
    )
    c = prep.counts()
    res = {
        "dataset": ds_id,
        "delete_key": key,
        "name": datasets.clean_name(args.name or Path(args.file).name),
        "kind": kind,
        "store": str(store.path),
        **c,
        "mapping": prep.mapping,
        "notes": prep.notes,
        "problems": prep.problem_table().to_dict("records"),
        "unplaced_places": prep.unplaced.to_dict("records"),
        "ambiguous_places": prep.ambiguous.drop(columns="rows").to_dict("records"),
    }
    if args.json:
        print(json.dumps(res, indent=1, ensure_ascii=False, default=str))
    else:
        print(
            f"dataset {ds_id} ({kind}): {c['imported']} rows imported, {c['set_aside']} set aside, {c['unplaced']} unplaced place names"
        )
        print(f"delete key (keep it; it is not shown again): {key}")
        for n in prep.notes:
            print(f"  note: {n}")
        for p in prep.report.problems:
            print(f"  row {p.row}, column {p.column}: {p.message}")
        print(f"open it: streamlit run dashboard.py, then add ?dataset={ds_id} to the address")
    return 0 if c["imported"] else 1


if __name__ == "__main__":
    sys.exit(main())
