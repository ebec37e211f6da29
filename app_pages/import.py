"""Import: upload a CSV/XLSX of flows or partnerships, map columns, read the check report,
choose between same-named places, then store it privately and open it everywhere by link."""

import hashlib
import secrets

import pandas as pd
import streamlit as st

import coop_ui as ui
from coop_data import columns, datasets, export, i18n, importer, interchange, pipeline
from coop_data.messages import render, render_frame
from coop_data.vocab import AID_KINDS, LEVELS

# Streamlit refuses larger files itself, in English; up to this size the reader does, with the limits in the
# viewer's language (interchange.MAX_BYTES; the CLI has its own, interchange.CLI_LIMITS). 256 MB: a million flows
# in the interchange layout (about 205 MB) still reach the app's own refusal, which states the limits; not higher,
# because the server holds an upload in memory before anyone can refuse it.
UPLOAD_CEILING_MB = 256
WRAPPED_ROWS = (
    200  # a check report up to this long is a static table whose messages wrap; a longer one scrolls
)
# None in a column's choices: "(not imported)"; in a value for every row: "(as in the file)" (labels in the locale).

ui.current()
T, num = ui.T, ui.num
LG = ui.lang()
st.title(T("nav.import"))
LIMITS = T(
    "imp.limits",
    mb=interchange.MAX_BYTES // 2**20,
    rows=num(interchange.MAX_ROWS),
    cols=interchange.MAX_COLUMNS,
)
st.caption(LIMITS + " " + T("imp.privacy"))


@st.cache_data(show_spinner=False, max_entries=4)
def _read(name: str, data: bytes):
    return pipeline.read(name, data)


@st.cache_data(show_spinner=False, max_entries=8)
def _prepare(name: str, data: bytes, kind: str, mapping: tuple, options: tuple):
    raw = _read(name, data)
    opt = importer.Options(decimal=options[0], day_first=options[1], constants=dict(options[2]))
    return pipeline.check(raw, kind, dict(mapping), opt)


def _owner() -> str:
    """This browser session, as the owner of the mappings it remembers (no one else is offered them)."""
    return st.session_state.setdefault("imp_owner", "app:" + secrets.token_urlsafe(16))


def _my_keys() -> dict:
    return st.session_state.setdefault("my_datasets", {})


def _place_pickers(amb: pd.DataFrame, current: dict, prefix: str) -> dict[str, int]:
    """One selectbox per ambiguous name: candidates with country and population; the current choice preselected."""
    names = dict(zip(ui.base_bundle().countries["iso3"], ui.base_bundle().countries["name"]))
    out: dict[str, int] = {}
    for r in amb.head(60).itertuples():
        cands = importer.choices_for(r.name, r.country)
        labels = [
            T(
                "imp.candidate",
                name=c.name,
                country=i18n.country_name(c.country_iso3, LG, names.get(c.country_iso3, c.country_iso3)),
                pop=num(int(c.population)),
                lat=f"{c.lat:.2f}",
                lon=f"{c.lon:.2f}",
            )
            for c in cands.itertuples()
        ]
        # Preselected: the user's earlier choice, else the place choice rule's pick; where the rule finds the
        # name ambiguous (or no country is given) "leave unplaced" comes first and is the default.
        rule = getattr(r, "rule_pick", None)
        rule = int(rule) if rule is not None and not pd.isna(rule) else None
        leave = not r.country or rule is None
        opts_p = ([T("imp.leave")] if leave else []) + labels
        ids = ([None] if leave else []) + [int(g) for g in cands["geonameid"]]
        default = ids.index(rule) if rule in ids else 0
        pre = ids.index(int(current[r.key])) if r.key in current and int(current[r.key]) in ids else default
        where = (
            T("imp.in_country", country=i18n.country_name(r.country, LG, names.get(r.country, r.country)))
            if r.country
            else T("imp.no_country")
        )
        rows = T("imp.at_rows", n=len(r.rows), rows=render(importer.row_list(r.rows), LG))
        pick = st.selectbox(
            f"{r.name}{where} — {rows}",
            opts_p,
            index=pre,
            key=f"{prefix}_{r.key}",
        )
        if pick != T("imp.leave") and (pick != opts_p[default] or r.key in current):
            out[r.key] = ids[opts_p.index(pick)]
    if len(amb) > 60:
        st.text(T("imp.more_ambiguous", n=num(len(amb) - 60)))
    return out


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)
def _stored(ds_id: str):
    """The stored dataset and its place questions (cleared when the owner edits or deletes it)."""
    ds = ui.store().load(ds_id)
    return ds, (datasets.place_questions(ds)[0] if ds is not None else None)


def _forget() -> None:
    """The owner changed or deleted the dataset: drop every cached copy and view of it."""
    _stored.clear()
    ui.clear_dataset_caches()


def _owner_action(label: str, button_key: str, done_flag: str, action) -> None:
    """A button for what only the key holder may do: on success every cached copy goes and the page reruns with done_flag set."""
    if st.button(label, key=button_key):
        if action():
            _forget()
            st.session_state[done_flag] = True
            st.rerun()
        else:
            st.error(T("imp.wrong_key"))


def dataset_panel(ds_id: str) -> None:
    """The dataset in the URL: what was imported, what was set aside, links, delete."""
    ds, amb = _stored(ds_id)
    if ds is None:
        return
    st.subheader(T("imp.ds_head"))
    new_key = st.session_state.pop("_new_key", None)
    if new_key and _my_keys().get(ds_id) == new_key:
        st.success(T("imp.key_once"))
        st.code(new_key, language=None)
    st.text(
        T(
            "imp.ds_line",
            name=ds.name,
            kind=T(f"imp.kind_{ds.kind}"),
            when=ds.created[:16].replace("T", " "),
            file=ds.filename or "–",
        )
    )
    c = ds.counts
    m = st.columns(4)
    m[0].metric(T("imp.m_imported"), num(c.get("imported", len(ds.rows))))
    m[1].metric(
        T("imp.m_set_aside"), num(c.get("set_aside", len(ds.set_aside))), help=T("imp.set_aside_help")
    )
    m[2].metric(T("imp.m_unplaced"), num(c.get("unplaced", 0)))
    m[3].metric(T("imp.m_choices"), num(len(ds.choices)))
    link = ui.absolute_link()
    st.markdown(T("imp.share"))
    st.code(link or f"?dataset={ds_id}", language=None)
    if ds.kind == "flows":
        st.page_link(
            "app_pages/map.py",
            label=T("imp.open_map"),
            icon=":material/map:",
            query_params={"dataset": ds_id},
        )
    else:
        st.page_link(
            "app_pages/partnerships.py",
            label=T("imp.open_partnerships"),
            icon=":material/handshake:",
            query_params={"dataset": ds_id},
        )
    if len(ds.set_aside):
        st.download_button(
            T("imp.dl_set_aside"),
            export.neutralise(render_frame(ds.set_aside, LG)).to_csv(index=False).encode("utf-8"),
            file_name="set-aside-rows.csv",
            mime="text/csv",
            key="dl-set-aside",
        )
    with st.expander(T("imp.how_read")):
        for n in ds.notes:
            st.text("• " + render(n, LG))
        ui.table(
            pd.DataFrame(
                [
                    {T("imp.your_column"): k, T("imp.imported_as"): v or T("imp.not_imported")}
                    for k, v in ds.mapping.items()
                ]
            ),
            hide_index=True,
        )
    owner_key = _my_keys().get(ds_id, "")
    if len(amb):
        with st.expander(T("imp.choices_head", n=num(len(amb))), expanded=bool(owner_key)):
            st.caption(T("imp.choices_help"))
            new_choices = _place_pickers(amb, ds.choices, f"fix_{ds_id}")
            k = owner_key or st.text_input(T("imp.key_to_save"), type="password", key="fix-key")
            _owner_action(
                T("imp.save_choices"),
                "fix-btn",
                "_fixed",
                lambda: ui.store().update_choices(ds_id, k, new_choices),
            )
            if st.session_state.pop("_fixed", False):
                st.success(T("imp.choices_saved"))
    with st.expander(T("imp.delete_head")):
        key = st.text_input(
            T("imp.delete_key"),
            value=_my_keys().get(ds_id, ""),
            type="password",
            key="del-key",
            help=T("imp.delete_key_help"),
        )

        def delete() -> bool:
            if not ui.store().delete(ds_id, key):
                return False
            _my_keys().pop(ds_id, None)
            ui.set_view({})
            return True

        _owner_action(T("imp.delete_btn"), "del-btn", "_deleted", delete)


if st.session_state.pop("_deleted", False):
    st.success(T("imp.deleted"))
ds_id, _ = ui.scope()
if ds_id:
    dataset_panel(ds_id)
    st.divider()

st.subheader(T("imp.s1"))
kind_default = st.session_state.get("imp_kind_detected", "flows")
c1, c2, c3 = st.columns([2, 1, 1])
kind = c1.radio(
    T("imp.lists"),
    list(columns.KINDS),
    horizontal=True,
    key="imp_kind",
    format_func=lambda k: T(f"imp.lists_{k}"),
)
tmpl, dd = importer.template(kind, ui.base_bundle())
c2.download_button(
    T("imp.template"), tmpl, file_name=f"template-{kind}.csv", mime="text/csv", help=T("imp.template_help")
)
c3.download_button(T("imp.dictionary"), dd, file_name=f"data-dictionary-{kind}.csv", mime="text/csv")
up = st.file_uploader(
    T("imp.file"),
    type=["csv", "tsv", "txt", "xlsx"],
    key="imp_file",
    max_upload_size=UPLOAD_CEILING_MB,
    help=LIMITS,
)
if up is None:
    ui.stop()
data = up.getvalue()
try:
    raw = _read(up.name, data)
except interchange.InputError as err:
    over = err.message.key in ("msg.too_big", "msg.too_many_rows", "msg.too_many_cols", "msg.sheet_cols")
    st.error(f"{up.name}: {err.message.text(LG)}" + (f". {LIMITS}" if over else ""))  # restates every limit
    ui.stop()
headers = list(raw.data.columns)
if raw.data.empty:
    st.error(f"{up.name}: {T('imp.no_rows')}")
    ui.stop()
how = ", ".join(
    f"{T('imp.detail_' + k) if 'imp.detail_' + k in i18n.CATALOG else k.replace('_', ' ')}: {v}"
    for k, v in raw.details.items()
)
st.text(T("imp.read", rows=num(len(raw.data)), cols=len(headers), how=how))

st.subheader(T("imp.s2"))
file_tag = hashlib.sha1(data).hexdigest()[:8]
prop = pipeline.propose_mapping(raw, kind, ui.store(), _owner())
use_remembered = bool(prop.remembered) and prop.remembered != prop.suggested
if use_remembered:
    use_remembered = st.toggle(T("imp.use_remembered"), key=f"imp_remembered_{file_tag}_{kind}")
suggested = prop.remembered if use_remembered else prop.suggested
st.caption(T("imp.remembered" if use_remembered else "imp.suggested") + " " + T("imp.change"))
targets = columns.target_fields(kind)
opts = [None] + targets
mapping = {}
grid = st.columns(3)
for j, h in enumerate(headers):
    sample = ", ".join(v[:30] for v in raw.data[h].astype(str).head(3) if v)
    default = suggested.get(h)
    mapping[h] = grid[j % 3].selectbox(
        h[:60] or T("imp.column_n", n=j + 1),
        opts,
        index=opts.index(default) if default in opts else 0,
        format_func=lambda o: T("imp.not_imported") if o is None else o,
        key=f"imp_map_{file_tag}_{kind}_{int(use_remembered)}_{j}",
        help=f"{T('imp.examples')} {sample}"[:300],
    )

st.subheader(T("imp.s3"))
o1, o2 = st.columns(2)
decimal = o1.radio(
    T("imp.numbers"),
    ["auto", ".", ","],
    horizontal=True,
    key="imp_decimal",
    format_func={"auto": T("imp.numbers_auto"), ".": "1,234.5", ",": "1.234,5"}.get,
)
day_first = o2.radio(
    T("imp.dates"),
    [True, False],
    horizontal=True,
    key="imp_dayfirst",
    format_func={True: T("imp.dmy"), False: T("imp.mdy")}.get,
)
constants: dict[str, str] = {}
if kind == "flows":
    mapped = {v for v in mapping.values() if v}
    missing = [
        f for f in ("source_url", "donor_level", "recipient_level", "aid_kind", "currency") if f not in mapped
    ]
    if missing:
        st.caption(T("imp.constants"))
        cc = st.columns(len(missing))
        for col, f in zip(cc, missing):
            if f in ("donor_level", "recipient_level"):
                v = col.selectbox(
                    T(f"stage.{f}"),
                    [None, *LEVELS],
                    key=f"imp_const_{f}",
                    format_func=lambda x: T("imp.per_row") if x is None else i18n.category("level", x, LG),
                )
                v = v or ""
            elif f == "aid_kind":
                v = col.selectbox(
                    T("sb.aid_kind"),
                    [None, *AID_KINDS],
                    key=f"imp_const_{f}",
                    format_func=lambda x: T("imp.per_row") if x is None else i18n.category("aid_kind", x, LG),
                )
                v = v or ""
            else:
                v = col.text_input(
                    T(f"imp.const_{f}"),
                    key=f"imp_const_{f}",
                    max_chars=500,
                    placeholder="https://…" if f == "source_url" else "EUR",
                )
            if v.strip():
                constants[f] = v.strip()
else:
    mapped = {v for v in mapping.values() if v}
    if "source_url" not in mapped:
        v = st.text_input(
            T("imp.const_source_url"), key="imp_const_p_source_url", max_chars=500, placeholder="https://…"
        )
        if v.strip():
            constants["source_url"] = v.strip()

try:
    bar = st.progress(pipeline.STEPS["check"], text=T("imp.step_check", rows=num(len(raw.data))))
    with st.spinner(T("imp.checking")):
        prep = _prepare(
            up.name,
            data,
            kind,
            tuple(mapping.items()),
            (decimal, day_first, tuple(sorted(constants.items()))),
        )
    bar.empty()
except Exception as err:  # a bug of ours must not show a traceback; the console keeps the details
    import logging

    logging.getLogger(__name__).exception("import check failed")
    st.error(T("imp.bug", error=type(err).__name__))
    ui.stop()

st.subheader(T("imp.s4"))
st.caption(T("msg.row_numbers"))
cnt = prep.counts()
m = st.columns(5)
m[0].metric(T("imp.m_rows"), num(cnt["rows"]))
m[1].metric(T("imp.m_will"), num(cnt["imported"]))
m[2].metric(T("imp.m_set_aside"), num(cnt["set_aside"]), help=T("imp.set_aside_help"))
m[3].metric(T("imp.m_choose"), num(cnt["ambiguous"]))
m[4].metric(T("imp.m_unplaced"), num(cnt["unplaced"]))
if cnt["blank_rows_skipped"]:
    st.text(T("msg.blank_rows", n=num(cnt["blank_rows_skipped"])))
for n in prep.notes:
    st.text("• " + n.text(LG))


def _report_table(df: pd.DataFrame) -> None:
    """A report table read in full, its long messages wrapped (one that is too long to read so scrolls instead)."""
    if len(df) <= WRAPPED_ROWS:
        ui.wrapped(df, height=None if len(df) <= 12 else 480)
    else:
        ui.table(df, hide_index=True, height=min(400, 40 + 35 * len(df)))


probs = render_frame(prep.problem_table(), LG)
if len(probs):
    _report_table(probs)
    st.download_button(
        T("imp.dl_report"),
        export.neutralise(probs).to_csv(index=False).encode("utf-8"),
        file_name="check-report.csv",
        mime="text/csv",
        key="dl-report",
    )
else:
    st.success(T("imp.no_problems"))

choices: dict[str, int] = {}
st.subheader(T("imp.s5"))
if len(prep.ambiguous):
    st.caption(T("imp.places_help"))
    choices = _place_pickers(prep.ambiguous, {}, f"imp_place_{file_tag}")
else:
    st.text(T("imp.no_choice"))
not_found, no_country = importer.unplaced_groups(prep.unplaced)
for group, help_key in ((no_country, "imp.no_country_help"), (not_found, "imp.unplaced_help")):
    if len(group):  # each list under the heading its reasons agree with
        st.caption(T(help_key))
        _report_table(render_frame(group, LG))

st.subheader(T("imp.s6"))
name = st.text_input(T("imp.name"), value=up.name[:80], max_chars=80, key="imp_name")
refused = pipeline.refusal(prep)
# A file stored in this session is not stored again by a second press of the same button: the page says where it is
# and asks for a deliberate second copy.
stored_here = st.session_state.setdefault("_stored_files", {})
digest = hashlib.sha256(data).hexdigest()
again = digest in stored_here
if again:
    st.info(T("imp.already_stored", id=stored_here[digest]))
if refused is not None:
    st.error(refused.text(LG))
elif st.button(
    (T("imp.go_again") + " — " if again else "")
    + T("imp.go", n=num(cnt["imported"]))
    + (" " + T("imp.go_aside", n=num(cnt["set_aside"])) if cnt["set_aside"] else ""),
    type="secondary" if again else "primary",
    key="imp_go",
):
    bar = st.progress(0.0)

    def progress(step: str, rows: int) -> None:
        bar.progress(pipeline.STEPS[step], text=T(f"imp.step_{step}", rows=num(rows)))

    new_id, key = pipeline.save(
        prep, data, up.name, ui.store(), owner=_owner(), choices=choices, name=name, progress=progress
    )
    _my_keys()[new_id] = key
    stored_here[digest] = new_id
    st.session_state["_new_key"] = key
    ui.open_dataset(new_id)
    st.rerun()
