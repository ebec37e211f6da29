"""From a user's table to checked, placed, enriched flows (or partnerships).

`prepare` maps the columns, normalises values (decimal commas, dates, country
names, vocabularies), validates every cell and resolves places, all before
anything is stored; every change it makes is written in `notes`, every row it
cannot accept is set aside with its problems. `build` turns the accepted rows
into the same tables as the bundled data, with the user's place choices.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import columns, normalise, placement
from .distinct import per_value, row_codes
from .interchange import INTERCHANGE, RawTable
from .load import enrich
from .messages import Message, in_column, note
from .messages import side as msg_side
from .schema import FLOWS, PARTNERSHIPS, Table
from .validate import _CURRENCIES, Problem, Report, check

MAX_CELL = 10_000
ROWS_NAMED = 10  # a note names at most this many rows of the file, then says how many more
USER_PARTNERSHIPS = Table(
    "user_partnerships",
    "Partnerships (import)",
    "Imported partnerships.",
    tuple(f for f in PARTNERSHIPS.fields if f.name != "source_id"),
    primary_key="partnership_id",
)
STATUS_BASIS_DEFAULT = "no status in the file: taken as reported given, the rule used for the bundled data"


@dataclass
class Options:
    decimal: str = "auto"  # auto | . | ,
    day_first: bool = True
    constants: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"decimal": self.decimal, "day_first": self.day_first, "constants": dict(self.constants)}

    @classmethod
    def from_dict(cls, d: dict | None) -> Options:
        d = d or {}
        return cls(d.get("decimal", "auto"), bool(d.get("day_first", True)), dict(d.get("constants", {})))


@dataclass
class Prepared:
    kind: str
    raw: RawTable
    mapping: dict[str, str | None]
    options: Options
    table: pd.DataFrame
    report: Report
    notes: list[Message]
    unmapped: list[str]
    ambiguous: pd.DataFrame
    unplaced: pd.DataFrame

    @property
    def valid(self) -> pd.Series:
        bad_rows = self.report.invalid_rows
        ok = ~self.raw.rows.isin(bad_rows)
        return ok if self.report.header_ok else ok & False

    @property
    def accepted(self) -> pd.DataFrame:
        ok = self.valid
        return self.table.copy(deep=False) if ok.all() else self.table[ok]  # no copy of a million good rows

    def set_aside(self) -> pd.DataFrame:
        """The rows not imported, as the user wrote them, with their row number and problems (a list of
        messages naming their column; messages.stored keeps them, messages.render shows them)."""
        why: dict[int, list[Message]] = {}
        for p in self.report.problems:
            if p.row > 1:
                why.setdefault(p.row, []).append(in_column(p.column, p.message))
        rows = self.raw.rows[~self.valid]
        out = self.raw.data.loc[rows.index].copy()
        header = Message("msg.header_problem")
        out.insert(
            0, "problems", pd.Series([why.get(r, header) for r in rows], index=rows.index, dtype=object)
        )
        out.insert(0, "row", rows.to_numpy())
        return out

    def problem_table(self) -> pd.DataFrame:
        """Every problem by row and column; `message` holds Messages (messages.render_frame puts them in words)."""
        return pd.DataFrame(
            [(p.row, p.column, p.message) for p in self.report.problems], columns=["row", "column", "message"]
        )

    def counts(self) -> dict:
        n_valid = int(self.valid.sum())
        return {
            "rows": len(self.table),
            "imported": n_valid,
            "set_aside": len(self.table) - n_valid,
            "unplaced": len(self.unplaced),
            "ambiguous": len(self.ambiguous),
            "blank_rows_skipped": self.raw.details.get("blank_rows", 0),
        }


def _decimal(raw: RawTable, opt: Options) -> str:
    if opt.decimal in (".", ","):
        return opt.decimal
    return "," if raw.details.get("separator") == "semicolon" else "."


def prepare(
    raw: RawTable,
    kind: str | None = None,
    mapping: dict[str, str | None] | None = None,
    options: Options | None = None,
) -> Prepared:
    kind = kind or columns.detect_kind(list(raw.data.columns))
    opt = options or Options()
    headers = list(raw.data.columns)
    mapping = dict(mapping) if mapping is not None else columns.suggest(headers, kind)
    targets = columns.target_fields(kind)
    mapping = {h: (f if f in targets else None) for h, f in mapping.items() if h in headers}
    seen: set[str] = set()
    for h in headers:
        f = mapping.get(h)
        if f in seen:
            mapping[h] = None
        elif f:
            seen.add(f)
    notes: list[Message] = []
    label = {f: f"{h} → {f}" if h != f else f for h, f in mapping.items() if f}
    header_of = {f: h for h, f in mapping.items() if f}
    t = pd.DataFrame(index=raw.data.index)
    for h, f in mapping.items():
        if f:  # the file's column itself (shared, not copied) unless a cell has spaces to strip
            t[f] = normalise._strings(raw.data[h])
    unmapped = [h for h in headers if not mapping.get(h)]
    if unmapped:
        notes.append(Message("msg.unmapped", {"cols": ", ".join(unmapped)}))
    extra: list[Problem] = []
    rows = raw.rows

    def flag(res_bad: pd.Series, why: pd.Series | Message, f: str) -> None:
        """Problems of the cells where res_bad holds: one Message for all, or each cell's in `why`."""
        for i in res_bad[res_bad].index:
            extra.append(Problem(int(rows[i]), label.get(f, f), why if isinstance(why, Message) else why[i]))

    long = pd.Series(False, index=t.index)
    for f in t.columns:
        if normalise.longest(t[f]) <= MAX_CELL:  # no cell longer in bytes, so none longer in characters
            continue
        too = t[f].str.len() > MAX_CELL
        if too.any():
            flag(too, Message("msg.too_long", {"n": MAX_CELL}), f)
            long |= too

    for f, v in opt.constants.items():
        if f in targets and str(v).strip():
            if f not in t:
                t[f] = ""
            n = int(t[f].eq("").sum())
            t[f] = t[f].where(t[f].ne(""), str(v).strip())
            if n:
                notes.append(note(f, Message("msg.constant", {"n": n, "v": str(v).strip()})))
    if kind == "flows":
        amount_header = next((h for h, f in mapping.items() if f == "amount"), "")
        cur = columns.currency_in_header(amount_header)
        if cur and "currency" not in opt.constants:
            t["currency"] = t["currency"] if "currency" in t else ""
            n = int((t["currency"].eq("") & t["amount"].ne("")).sum())
            t["currency"] = t["currency"].where(~(t["currency"].eq("") & t["amount"].ne("")), cur)
            if n:
                notes.append(
                    note(
                        "currency",
                        Message("msg.header_currency", {"n": n, "cur": cur, "header": amount_header}),
                    )
                )
        _prepare_flows(t, raw, opt, notes, flag, header_of)
        table = INTERCHANGE
    else:
        _prepare_partnerships(t, raw, opt, notes, flag)
        table = USER_PARTNERSHIPS
    rep = check(t, table, row_numbers=rows)
    flagged = {(p.row, p.column) for p in extra}
    kept = [
        Problem(p.row, label.get(p.column, p.column), p.message)
        for p in rep.problems
        if (p.row, label.get(p.column, p.column)) not in flagged
    ]
    missing_required = [p for p in kept if p.row == 1]
    for p in missing_required:
        kept.remove(p)
        kept.append(Problem(1, p.column, Message("msg.required_unmapped", {"field": p.column})))
    report = Report(rows=len(t), problems=sorted(kept + extra, key=lambda p: (p.row, p.column)))
    prep = Prepared(kind, raw, mapping, opt, t, report, notes, unmapped, pd.DataFrame(), pd.DataFrame())
    prep.ambiguous, prep.unplaced = _places(prep)
    if len(prep.unplaced):  # the user's column, named as the check report names it, not the field's code
        col = prep.unplaced["column"]
        prep.unplaced["column"] = col.map(label).fillna(col)
    return prep


def unplaced_groups(unplaced: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(names not found in the gazetteer, names found but given without a country): each is listed under its own
    heading, since the user fixes them differently (spelling or coordinates; the country or a choice)."""
    why = unplaced["why"] if "why" in unplaced else pd.Series(dtype=object)
    no_country = why.map(lambda m: isinstance(m, Message) and m.key == "msg.choose_place").astype(bool)
    return unplaced[~no_country], unplaced[no_country]


def row_list(rows) -> str | Message:
    """Row numbers of the file for a sentence: '2, 5, 9', or the first ROWS_NAMED and how many more."""
    rows = [str(r) for r in rows]
    shown = ", ".join(rows[:ROWS_NAMED])
    if len(rows) <= ROWS_NAMED:
        return shown
    return Message("msg.row_list_more", {"rows": shown, "more": len(rows) - ROWS_NAMED})


def _money_in_quantity(t: pd.DataFrame, rows: pd.Series, notes: list[Message], header_of: dict) -> None:
    """A quantity whose unit is a currency ('50000', 'EUR') is money: without an amount it becomes the row's amount
    in that currency (else it would count as 50,000 units of 'EUR' and no money at all); with an amount, both stay
    as written. Either way the note names the rows. A unit counts as a currency only when written as an upper-case
    ISO 4217 code or as €, £, euro(s): 'pen', 'gel' or 'cup' are goods, not Peruvian, Georgian or Cuban money."""
    if "quantity" not in t or "quantity_unit" not in t:
        return
    unit = t["quantity_unit"]
    names = pd.Series(unit.unique(), dtype=object)  # a million rows hold a few units: each is read once
    codes = names.str.upper().replace(normalise.CURRENCY_WORDS)
    money = codes.isin(_CURRENCIES) & (
        names.eq(codes) | names.str.upper().isin(list(normalise.CURRENCY_WORDS))
    )
    if not money.any():
        return
    code_of = dict(zip(names[money], codes[money]))
    in_cur = unit.isin(list(code_of)) & t["quantity"].ne("")
    if not in_cur.any():
        return
    cur = unit.map(code_of).fillna("")
    for f in ("amount", "currency"):
        if f not in t:
            t[f] = ""
    move = in_cur & t["amount"].eq("") & (t["currency"].eq("") | t["currency"].eq(cur))
    said = {
        "quantity": header_of.get("quantity", "quantity"),
        "unit": header_of.get("quantity_unit", "quantity_unit"),
    }
    if move.any():
        t["amount"] = t["amount"].where(~move, t["quantity"])
        t["currency"] = t["currency"].where(~move, cur)
        t["quantity"] = t["quantity"].where(~move, "")
        t["quantity_unit"] = t["quantity_unit"].where(~move, "")
        codes = ", ".join(sorted(cur[move].unique()))
        moved = {**said, "n": int(move.sum()), "cur": codes, "rows": row_list(rows[move])}
        notes.append(note("amount", Message("msg.money_as_quantity", moved)))
    kept = in_cur & ~move
    if kept.any():
        codes = ", ".join(sorted(cur[kept].unique()))
        both = {"unit": said["unit"], "n": int(kept.sum()), "cur": codes, "rows": row_list(rows[kept])}
        notes.append(note("quantity", Message("msg.money_twice", both)))


def _prepare_flows(
    t: pd.DataFrame, raw: RawTable, opt: Options, notes: list[Message], flag, header_of
) -> None:
    for side in ("donor", "recipient"):
        for c in ("name", "city", "level", "country_iso3"):
            if f"{side}_{c}" not in t:
                t[f"{side}_{c}"] = ""
        if not (t[f"{side}_level"] != "").any() and f"{side}_level" not in opt.constants:
            by_city = t[f"{side}_city"].ne("")
            if by_city.any():
                t[f"{side}_level"] = t[f"{side}_level"].where(~by_city, "city")
                said = {"side": msg_side(side), "n": int(by_city.sum()), "side2": msg_side(side, True)}
                notes.append(note(f"{side}_level", Message("msg.level_by_city", said)))
        lv = normalise.levels(t[f"{side}_level"])
        t[f"{side}_level"] = lv.values
        flag(lv.bad, lv.why, f"{side}_level")
        _note(notes, f"{side}_level", lv)
        co = normalise.countries(t[f"{side}_country_iso3"])
        t[f"{side}_country_iso3"] = co.values
        flag(co.bad, co.why, f"{side}_country_iso3")
        _note(notes, f"{side}_country_iso3", co)
        fill_name = t[f"{side}_name"].eq("") & t[f"{side}_city"].ne("")
        if fill_name.any():
            t[f"{side}_name"] = t[f"{side}_name"].where(~fill_name, t[f"{side}_city"])
            said = {"n": int(fill_name.sum()), "side": msg_side(side), "side2": msg_side(side)}
            notes.append(note(f"{side}_name", Message("msg.name_from_city", said)))
        fill_city = t[f"{side}_city"].eq("") & t[f"{side}_level"].eq("city") & t[f"{side}_name"].ne("")
        if fill_city.any():
            t[f"{side}_city"] = t[f"{side}_city"].where(~fill_city, t[f"{side}_name"])
            notes.append(note(f"{side}_city", Message("msg.city_from_name", {"n": int(fill_city.sum())})))
    if "record_id" not in t:
        t["record_id"] = "R" + raw.rows.astype(str)
        notes.append(note("record_id", Message("msg.no_id")))
    if "date" in t:
        res, prec = normalise.dates(t["date"], opt.day_first)
        t["date"] = res.values
        flag(res.bad, res.why, "date")
        _note(notes, "date", res)
        if "date_precision" not in t:
            t["date_precision"] = prec.where(~res.bad, "")
        else:
            t["date_precision"] = t["date_precision"].where(
                t["date_precision"].ne(""), prec.where(~res.bad, "")
            )
    if "source_date" in t:
        res, _ = normalise.dates(t["source_date"], opt.day_first)
        t["source_date"] = res.values
        flag(res.bad, res.why, "source_date")
    dec = _decimal(raw, opt)
    for f in (
        "quantity",
        "amount",
        "donor_latitude",
        "donor_longitude",
        "recipient_latitude",
        "recipient_longitude",
    ):
        if f in t:
            res = normalise.numbers(t[f], dec)
            t[f] = res.values
            flag(res.bad, res.why, f)
            _note(notes, f, res)
    for f, fn in (("aid_kind", normalise.aid_kinds), ("currency", normalise.currencies)):
        if f in t:
            res = fn(t[f])
            t[f] = res.values
            flag(res.bad, res.why, f)
            _note(notes, f, res)
    _money_in_quantity(t, raw.rows, notes, header_of)
    if "status" in t:
        res = normalise.statuses(t["status"])
        t["status"] = res.values
        flag(res.bad, res.why, "status")
        _note(notes, "status", res)
    else:
        t["status"] = ""
    blank = t["status"].eq("")
    basis = pd.array(["status given in the file", STATUS_BASIS_DEFAULT], dtype="str")
    t["status_basis"] = pd.Series(basis.take(blank.to_numpy(dtype=np.intp)), index=t.index)
    if blank.any():
        t["status"] = t["status"].where(~blank, "delivered")
        notes.append(note("status", Message("msg.no_status", {"n": int(blank.sum())})))


def _prepare_partnerships(t: pd.DataFrame, raw: RawTable, opt: Options, notes: list[Message], flag) -> None:
    for s in ("a", "b"):
        if f"country_{s}_iso3" in t:
            co = normalise.countries(t[f"country_{s}_iso3"])
            t[f"country_{s}_iso3"] = co.values
            flag(co.bad, co.why, f"country_{s}_iso3")
            _note(notes, f"country_{s}_iso3", co)
    if "partnership_id" not in t:
        t["partnership_id"] = "P" + raw.rows.astype(str)
        notes.append(note("partnership_id", Message("msg.no_pid")))
    for f in ("since_year", "latitude_a", "longitude_a", "latitude_b", "longitude_b"):
        if f in t:
            res = normalise.numbers(t[f], _decimal(raw, opt))
            t[f] = res.values
            flag(res.bad, res.why, f)


def _note(notes: list[Message], f: str, res: normalise.Result) -> None:
    if res.note:
        notes.append(note(f, res.note))


def _sides(kind: str):
    if kind == "flows":
        return [
            ("donor", "donor_city", "donor_country_iso3"),
            ("recipient", "recipient_city", "recipient_country_iso3"),
        ]
    return [("a", "city_a", "country_a_iso3"), ("b", "city_b", "country_b_iso3")]


def _places(prep: Prepared) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = prep.table[prep.valid] if len(prep.table) else prep.table
    return place_questions(t, prep.raw.rows.loc[t.index], prep.kind)


def place_questions(
    t: pd.DataFrame, rown: pd.Series, kind: str = "flows"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Names with several gazetteer candidates (or none given a country), and names not found.

    Each distinct (name, country) pair is looked up once, whichever side and however many rows name it."""
    from . import places

    sides = [(ccol, icol) for _s, ccol, icol in _sides(kind) if ccol in t and icol in t and not t.empty]
    if not sides:
        return _questions([], [])
    both = pd.concat(
        [t[[c, i]].astype(str).set_axis(["city", "iso"], axis=1) for c, i in sides], ignore_index=True
    )
    code, first = row_codes(both)  # each row side's (name, country) pair, as a number
    pairs = both.iloc[first].reset_index(drop=True)
    named = pairs[pairs["city"].ne("")]
    n_named = places.count_candidates(named["city"], named["iso"].where(named["iso"] != ""))
    reu = (n_named == 0) & named["iso"].eq("FRA").to_numpy()
    if reu.any():
        n_named[reu] = places.count_candidates(named["city"][reu], pd.Series("REU", index=named.index[reu]))
    n_cand = np.zeros(len(pairs), np.int64)
    n_cand[named.index] = n_named
    # Choice keys for the names a question is asked about; world-wide candidates for names given without country.
    asked = n_cand > 1
    asked[named.index] |= named["iso"].eq("").to_numpy()
    key = np.full(len(pairs), "", dtype=object)
    world = np.zeros(len(pairs), np.int64)
    at = np.flatnonzero(asked)
    city_l, iso_l = pairs["city"].to_numpy(dtype=object)[at], pairs["iso"].to_numpy(dtype=object)[at]
    name_key = places.norm_series(pd.Series(city_l, dtype=object)).to_numpy(dtype=object)
    key[at] = name_key + "|" + iso_l
    nocountry = iso_l == ""
    world[at[nocountry]] = places.places_named(name_key[nocountry])
    world = _by_name(world, pairs, asked)
    amb, miss = [], []
    for k, (ccol, icol) in enumerate(sides):
        side_code = code[k * len(t) : (k + 1) * len(t)]
        city, iso = t[ccol].astype(str), t[icol].astype(str)
        on = city.ne("").to_numpy()
        pc = side_code[on]
        q = pd.DataFrame(
            {
                "n": n_cand[pc],
                "world": world[pc],
                "key": key[pc],
                "city": city[on],
                "iso": iso[on],
                "row": rown[on].astype(int),
            },
            index=city.index[on],
        )
        m = q[q["n"].eq(0)]
        why = [
            Message("msg.not_in_gazetteer_for", {"country": iso})
            if iso
            else Message("msg.choose_place" if world > 0 else "msg.not_in_gazetteer")
            for iso, world in zip(m["iso"].tolist(), m["world"].tolist())
        ]
        miss.append(
            pd.DataFrame(
                {
                    "row": m["row"],
                    "column": ccol,
                    "name": m["city"],
                    "country": m["iso"],
                    "why": pd.Series(why, index=m.index, dtype=object),
                }
            )
        )
        a = q[q["n"].gt(1)]
        ncol = ccol.replace("city", "name")  # donor_city -> donor_name (partnerships have none: "")
        actor = t.loc[a.index, ncol].astype(str) if ncol in t else pd.Series("", index=a.index)
        triples = list(zip(a["city"].tolist(), a["iso"].tolist(), actor.tolist()))
        asked_pairs = dict.fromkeys((placement.split_qualifier(c)[0], i) for c, i, _ in triples)
        places.prefetch_candidates([c for c, _ in asked_pairs], [i for _, i in asked_pairs])
        picks = {k: _rule_pick(*k) for k in set(triples)}  # the place choice rule, once per distinct triple
        amb.append(
            pd.DataFrame(
                {
                    "name": a["city"],
                    "country": a["iso"],
                    "n_candidates": a["n"],
                    "row": a["row"],
                    "key": a["key"],
                    "rule_pick": pd.Series([picks[k] for k in triples], index=a.index, dtype=object),
                }
            )
        )
        w = q[q["iso"].eq("") & q["world"].gt(0)]
        amb.append(
            pd.DataFrame(
                {
                    "name": w["city"],
                    "country": "",
                    "n_candidates": w["world"],
                    "row": w["row"],
                    "key": w["key"],
                    "rule_pick": pd.Series(None, index=w.index, dtype=object),
                }
            )
        )
    return _questions(amb, miss)


def _by_name(world: np.ndarray, pairs: pd.DataFrame, asked: np.ndarray) -> np.ndarray:
    """World-wide counts found for a name given without country, for every asked pair of that name."""
    out = np.zeros(len(pairs), np.int64)
    count = pd.Series(world[asked], index=pairs["city"][asked]).groupby(level=0).max()
    out[asked] = pairs["city"][asked].map(count).fillna(0).astype(int).to_numpy()
    return out


def _questions(amb: list, miss: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    amb_cols, miss_cols = (
        ["name", "country", "n_candidates", "row", "key", "rule_pick"],
        ["row", "column", "name", "country", "why"],
    )
    amb = [a for a in amb if len(a)]
    miss = [m for m in miss if len(m)]
    amb_df = pd.concat(amb, ignore_index=True)[amb_cols] if amb else pd.DataFrame(columns=amb_cols)
    miss_df = pd.concat(miss, ignore_index=True)[miss_cols] if miss else pd.DataFrame(columns=miss_cols)
    if len(miss_df):
        miss_df = miss_df.astype(
            {"row": int, "column": object, "name": object, "country": object, "why": object}
        )
    if len(amb_df):
        # One question per key: "Benito Juárez" and "Benito Juarez" in one country are the same name to the gazetteer.
        # Whole-column group operations, no Python call per key (a million rows ask thousands of questions).
        by = amb_df.groupby("key", sort=False)
        pick = pd.to_numeric(amb_df["rule_pick"], errors="coerce")
        first = by.first()  # NaN-skipping, as "first" was; a key with a missing pick is cleared below
        one_pick = pick.groupby(amb_df["key"], sort=False).agg(["count", "size", "nunique", "first"])
        rows = amb_df[["key", "row"]].drop_duplicates().sort_values(["key", "row"])
        k, r = rows["key"].to_numpy(dtype=object), rows["row"].to_numpy()
        cut = np.flatnonzero(k[1:] != k[:-1]) + 1  # sorted by key: each key's rows are one run
        rows = pd.Series([a.tolist() for a in np.split(r, cut)], index=k[np.r_[0, cut]] if len(k) else k)
        keys = by.size().index
        # The place choice rule's pick, where every row of the name gets the same one (else none: ambiguous).
        same = (one_pick["count"].eq(one_pick["size"]) & one_pick["nunique"].eq(1)).reindex(keys)
        amb_df = pd.DataFrame(
            {
                "key": keys,
                "name": first["name"].reindex(keys).to_numpy(),
                "country": first["country"].reindex(keys).to_numpy(),
                "n_candidates": first["n_candidates"].reindex(keys).to_numpy(),
                "rows": rows.reindex(keys).to_numpy(),
                "rule_pick": pd.Series(
                    [int(x) if ok else None for x, ok in zip(one_pick["first"].reindex(keys), same)],
                    dtype=object,
                ),
            }
        )
        amb_df = amb_df.sort_values(["n_candidates", "name"], ascending=[False, True]).reset_index(drop=True)
    else:
        amb_df = pd.DataFrame(columns=["key", "name", "country", "n_candidates", "rows", "rule_pick"])
    return amb_df, miss_df


def template(kind: str, bundle) -> tuple[bytes, bytes]:
    """(template CSV with one real example row from the bundled data, data dictionary CSV) for the import page."""
    from .export import neutralise
    from .schema import FLOW_EXTRA_FIELDS, INTERCHANGE_FIELDS

    if kind == "flows":
        cols = [f.name for f in INTERCHANGE_FIELDS] + ["status"]
        example = bundle.flows[bundle.flows["record_id"] == "WD-0001"]
        fields = [f for f in (*INTERCHANGE_FIELDS, *FLOW_EXTRA_FIELDS) if f.name in cols]
    else:
        cols = list(columns.USER_PARTNERSHIP_FIELDS)
        example = bundle.partnerships.head(1)
        fields = [f for f in PARTNERSHIPS.fields if f.name in cols]
    example = (
        example.reindex(columns=cols)
        .astype(object)
        .where(example.reindex(columns=cols).notna(), "")
        .astype(str)
    )
    dd = pd.DataFrame(
        [
            {
                "field": f.name,
                "required": f.required,
                "type": f.type,
                "allowed values": ", ".join(f.enum or ()),
                "unit": f.unit or "",
                "description": f.description,
            }
            for f in fields
        ]
    )
    return neutralise(example).to_csv(index=False).encode("utf-8"), dd.to_csv(index=False).encode("utf-8")


@functools.lru_cache(maxsize=4096)
def _rule_pick(city: str, iso3: str, actor_name: str) -> int | None:
    """GeoNames id the place choice rule gives a row's name (placement.choose), or None where it stays ambiguous."""
    ch = placement.decided(city, iso3, f"{actor_name} {city}")
    return int(ch.row["geonameid"]) if ch.kind == "place" else None


@functools.lru_cache(maxsize=4096)
def choices_for(name: str, iso3: str) -> pd.DataFrame:
    """The gazetteer places a user can choose between for one ambiguous name (cached: read-only)."""
    from . import places

    c = places.candidates(name, iso3 or None)
    if c.empty and iso3 == "FRA":
        c = places.candidates(name, "REU")
    return c[["geonameid", "name", "country_iso3", "population", "lat", "lon"]].reset_index(drop=True)


def build_flows(
    rows: pd.DataFrame,
    countries: pd.DataFrame,
    fx: pd.DataFrame,
    choices: dict[str, int] | None = None,
    dataset: str = "imported",
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Accepted interchange rows -> (enriched flows, placed actors, sources), exactly as the bundled data is built."""
    f = rows.reset_index(drop=True)  # copy-on-write: changing f leaves the caller's rows as they are
    for c in FLOWS.columns:
        if c not in f:
            f[c] = ""
    f["slice"] = "user"
    f["is_aggregate"] = f["is_aggregate"].astype(str).str.lower().isin(["true", "1", "yes"])
    f["source_id"] = per_value(f["source_url"], _sid, str)
    if choices:
        choices = _country_from_choices(f, choices)
    actors, donor_at, recipient_at = placement.actor_table(f)
    actors = placement.place_actors(actors, countries, choices)
    ids = actors["actor_id"].astype(str)  # taken as Arrow text: no million Python strings to convert
    f["donor_actor_id"] = ids.iloc[donor_at].set_axis(f.index)
    f["recipient_actor_id"] = ids.iloc[recipient_at].set_axis(f.index)
    actors.update(_own_coordinates(f, actors))
    sources = _sources(f[["source_url", "source_publisher", "source_date"]])
    from .load import typed

    typed_flows = [
        typed(f, FLOWS).drop(
            columns=["donor_latitude", "donor_longitude", "recipient_latitude", "recipient_longitude"],
            errors="ignore",
        )
    ]
    del f  # a million rows: the text copy goes before enrichment makes the wide one
    # Handed over (popped, so no name here still holds it): enrichment widens it in place instead of copying it.
    flows = enrich(typed_flows.pop(), actors, countries, fx, copy=False)
    flows["dataset"] = dataset
    return flows, actors, sources


def _country_from_choices(f: pd.DataFrame, choices: dict[str, int]) -> dict[str, int]:
    """A place the user picked for a name given without country also gives the row its country."""
    from . import places

    choices = {k: int(v) for k, v in choices.items()}
    g = places.gazetteer().drop_duplicates("geonameid").set_index("geonameid")["cc"].astype(str)
    iso2to3 = {v: k for k, v in places.iso3_to_iso2().items()}
    for side in ("donor", "recipient"):
        blank = f[f"{side}_country_iso3"].eq("") & f[f"{side}_city"].ne("")
        found = {}  # city -> (iso3, geonameid), once per distinct name
        for city in f.loc[blank, f"{side}_city"].unique():
            gid = choices.get(placement.choice_key(city, ""))
            if gid is not None and gid in g.index:
                found[city] = iso2to3.get(g[gid], "")
                choices[placement.choice_key(city, found[city])] = gid
        if found:
            picked = blank & f[f"{side}_city"].isin(list(found))
            f.loc[picked, f"{side}_country_iso3"] = f.loc[picked, f"{side}_city"].map(found)
    return choices


def _own_coordinates(f: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    """Coordinates the user gives in the file win over the gazetteer (noted on the actor)."""
    out = actors.set_index("actor_id")[["latitude", "longitude", "placement", "place_note"]].copy()
    for side in ("donor", "recipient"):
        la, lo = f.get(f"{side}_latitude"), f.get(f"{side}_longitude")
        if la is None or lo is None:
            continue
        lat, lon = pd.to_numeric(la, errors="coerce"), pd.to_numeric(lo, errors="coerce")
        ok = lat.between(-90, 90) & lon.between(-180, 180)
        for aid_, y, x, lvl in zip(
            f.loc[ok, f"{side}_actor_id"], lat[ok], lon[ok], f.loc[ok, f"{side}_level"]
        ):
            out.loc[aid_, ["latitude", "longitude", "placement", "place_note"]] = [
                y,
                x,
                "city" if lvl == "city" else "at_named_city",
                "coordinates given in the imported file",
            ]
    return _align(out, actors)


def _align(out: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    o = out.reindex(actors["actor_id"])
    o.index = actors.index
    return o


def build_partnerships(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    from . import places
    from .load import typed

    p = rows.reset_index(drop=True).copy()
    for c in PARTNERSHIPS.columns:
        if c not in p:
            p[c] = ""
    for s in ("a", "b"):
        given = (
            pd.to_numeric(p[f"latitude_{s}"], errors="coerce").notna()
            & pd.to_numeric(p[f"longitude_{s}"], errors="coerce").notna()
        )
        r = places.resolve(p[f"city_{s}"], p[f"country_{s}_iso3"].where(p[f"country_{s}_iso3"] != ""))
        p[f"latitude_{s}"] = np.where(
            given, p[f"latitude_{s}"], r["latitude"].astype("float64").astype(str).replace("nan", "")
        )
        p[f"longitude_{s}"] = np.where(
            given, p[f"longitude_{s}"], r["longitude"].astype("float64").astype(str).replace("nan", "")
        )
    p["source_id"] = p["source_url"].map(_sid)
    return typed(p[PARTNERSHIPS.columns], PARTNERSHIPS), _sources(
        p[["source_url"]].assign(source_publisher="", source_date="")
    )


def _sid(url: str) -> str:
    import hashlib

    return "S-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]


def _sources(s: pd.DataFrame) -> pd.DataFrame:
    s = s.set_axis(["url", "publisher", "date"], axis=1).fillna("")
    counts = s["url"].value_counts()
    src = s.drop_duplicates("url").copy()
    src["source_id"] = src["url"].map(_sid)
    src["reliability"] = "user_supplied"
    src["records"] = src["url"].map(counts).astype("Int64")
    return src[["source_id", "url", "publisher", "date", "reliability", "records"]].reset_index(drop=True)
