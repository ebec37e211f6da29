"""Import: upload a CSV/XLSX of flows or partnerships, map columns, read the check report,
choose between same-named places, then store it privately and open it everywhere by link."""
import hashlib

import pandas as pd
import streamlit as st

import coop_ui as ui
from coop_data import columns, datasets, export, importer, interchange
from coop_data.schema import AID_KINDS, LEVELS

NOT_IMPORTED = "(not imported)"
PER_ROW = "(as in the file)"
LEAVE = "(leave unplaced)"

ui.current()
st.title("Import your data")
st.caption(interchange.LIMITS + " Nothing is stored until you press Import. A stored dataset is private: it has an unguessable id, "
           "no page lists datasets, and only people you give its link can open it. Only whoever holds its delete key can delete it.")


@st.cache_data(show_spinner=False, max_entries=4)
def _read(name: str, data: bytes):
    return interchange.read_upload(name, data)


@st.cache_data(show_spinner="Checking rows and places…", max_entries=8)
def _prepare(name: str, data: bytes, kind: str, mapping: tuple, options: tuple):
    raw = _read(name, data)
    opt = importer.Options(decimal=options[0], day_first=options[1], constants=dict(options[2]))
    return importer.prepare(raw, kind, dict(mapping), opt)


def _my_keys() -> dict:
    return st.session_state.setdefault("my_datasets", {})


def _place_pickers(amb: pd.DataFrame, current: dict, prefix: str) -> dict[str, int]:
    """One selectbox per ambiguous name: candidates with country and population; the current choice preselected."""
    names = dict(zip(ui.base_bundle().countries["iso3"], ui.base_bundle().countries["name"]))
    out: dict[str, int] = {}
    for r in amb.head(60).itertuples():
        cands = importer.choices_for(r.name, r.country)
        labels = [f"{c.name}, {names.get(c.country_iso3, c.country_iso3)} — population {int(c.population):,} ({c.lat:.2f}, {c.lon:.2f})"
                  for c in cands.itertuples()]
        opts_p = ([] if r.country else [LEAVE]) + labels
        ids = ([None] if not r.country else []) + [int(g) for g in cands["geonameid"]]
        pre = ids.index(int(current[r.key])) if r.key in current and int(current[r.key]) in ids else 0
        where = f" in {names.get(r.country, r.country)}" if r.country else " (no country given)"
        pick = st.selectbox(f"{r.name}{where} — rows {', '.join(map(str, r.rows[:8]))}", opts_p, index=pre, key=f"{prefix}_{r.key}")
        if pick != LEAVE and (pick != opts_p[0] or r.key in current):
            out[r.key] = ids[opts_p.index(pick)]
    if len(amb) > 60:
        st.text(f"{len(amb) - 60} more ambiguous names take the default rule (most populous in their country; unplaced without a country).")
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


def dataset_panel(ds_id: str) -> None:
    """The dataset in the URL: what was imported, what was set aside, links, delete."""
    ds, amb = _stored(ds_id)
    if ds is None:
        return
    st.subheader("Dataset in this view")
    new_key = st.session_state.pop("_new_key", None)
    if new_key and _my_keys().get(ds_id) == new_key:
        st.success("Imported. Keep this delete key: it is shown once and is the only way to delete the dataset.")
        st.code(new_key, language=None)
    st.text(f"{ds.name} — {ds.kind}, imported {ds.created[:16].replace('T', ' ')} UTC from {ds.filename or 'a file'}")
    c = ds.counts
    m = st.columns(4)
    m[0].metric("Rows imported", f"{c.get('imported', len(ds.rows)):,}")
    m[1].metric("Set aside", f"{c.get('set_aside', len(ds.set_aside)):,}", help="Rows with a problem, kept for correction with their row number and problems")
    m[2].metric("Unplaced names", f"{c.get('unplaced', 0):,}")
    m[3].metric("Place choices saved", f"{len(ds.choices):,}")
    link = ui.absolute_link()
    st.markdown("Share this view (anyone with the link can see this dataset; nobody else can):")
    st.code(link or f"?dataset={ds_id}", language=None)
    if ds.kind == "flows":
        st.page_link("app_pages/map.py", label="Open its flow map", icon=":material/map:", query_params={"dataset": ds_id})
    else:
        st.page_link("app_pages/partnerships.py", label="Open its partnerships", icon=":material/handshake:", query_params={"dataset": ds_id})
    if len(ds.set_aside):
        st.download_button("Rows set aside, with their problems (CSV)", export.neutralise(ds.set_aside).to_csv(index=False).encode("utf-8"),
                           file_name="set-aside-rows.csv", mime="text/csv", key="dl-set-aside")
    with st.expander("How the file was read"):
        for n in ds.notes:
            st.text("• " + n)
        st.dataframe(pd.DataFrame([{"your column": k, "imported as": v or NOT_IMPORTED} for k, v in ds.mapping.items()]), hide_index=True)
    owner_key = _my_keys().get(ds_id, "")
    if len(amb):
        with st.expander(f"Place choices: {len(amb)} names with several candidates", expanded=bool(owner_key)):
            st.caption("Change where a name is placed; every page and export follows. Only the owner (with the delete key) can save.")
            new_choices = _place_pickers(amb, ds.choices, f"fix_{ds_id}")
            k = owner_key or st.text_input("Delete key (to save changes)", type="password", key="fix-key")
            if st.button("Save place choices", key="fix-btn"):
                if ui.store().update_choices(ds_id, k, new_choices):
                    _forget()
                    st.session_state["_fixed"] = True
                    st.rerun()
                else:
                    st.error("That is not this dataset's delete key.")
            if st.session_state.pop("_fixed", False):
                st.success("Place choices saved.")
    with st.expander("Delete this dataset"):
        key = st.text_input("Delete key", value=_my_keys().get(ds_id, ""), type="password", key="del-key",
                            help="Given once when the dataset was imported")
        if st.button("Delete permanently", key="del-btn", type="secondary"):
            if ui.store().delete(ds_id, key):
                _forget()
                _my_keys().pop(ds_id, None)
                st.session_state[ui.SYNC_KEY] = {}
                st.query_params.clear()
                st.session_state["_deleted"] = True
                st.rerun()
            else:
                st.error("That is not this dataset's delete key.")


if st.session_state.pop("_deleted", False):
    st.success("The dataset was deleted. Links to it now open the bundled data.")
ds_id, _ = ui.scope()
if ds_id:
    dataset_panel(ds_id)
    st.divider()

st.subheader("1. Your file")
kind_default = st.session_state.get("imp_kind_detected", "flows")
c1, c2, c3 = st.columns([2, 1, 1])
kind = c1.radio("The file lists", list(columns.KINDS), horizontal=True, key="imp_kind",
                format_func={"flows": "Flows (who gave what to whom)", "partnerships": "Partnerships (twinned cities)"}.get)
tmpl, dd = importer.template(kind, ui.base_bundle())
c2.download_button("Template (CSV)", tmpl, file_name=f"template-{kind}.csv", mime="text/csv", help="Column names and one real example row from the bundled data")
c3.download_button("Data dictionary (CSV)", dd, file_name=f"data-dictionary-{kind}.csv", mime="text/csv")
up = st.file_uploader("CSV or XLSX file", type=["csv", "tsv", "txt", "xlsx"], key="imp_file")
if up is None:
    st.stop()
data = up.getvalue()
try:
    raw = _read(up.name, data)
except interchange.InputError as err:
    st.error(f"{up.name}: {err}")
    st.stop()
headers = list(raw.data.columns)
if raw.data.empty:
    st.error(f"{up.name}: the file has a header but no rows.")
    st.stop()
how = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in raw.details.items())
st.text(f"Read {len(raw.data):,} rows × {len(headers)} columns ({how}).")

st.subheader("2. Columns")
hk = columns.header_key(headers)
file_tag = hashlib.sha1(data).hexdigest()[:8]
remembered = ui.store().recall_mapping(hk, kind)
suggested = remembered or columns.suggest(headers, kind)
st.caption(("Mapping remembered from your last file with these headers. " if remembered else "Suggested from your column names. ")
           + "Change any column; each field can be used once.")
targets = columns.target_fields(kind)
opts = [NOT_IMPORTED] + targets
mapping = {}
grid = st.columns(3)
for j, h in enumerate(headers):
    sample = ", ".join(v[:30] for v in raw.data[h].astype(str).head(3) if v)
    default = suggested.get(h)
    mapping[h] = grid[j % 3].selectbox(h[:60] or f"column {j + 1}", opts, index=opts.index(default) if default in opts else 0,
                                       key=f"imp_map_{file_tag}_{kind}_{j}", help=f"Examples: {sample}"[:300])
mapping = {h: (None if v == NOT_IMPORTED else v) for h, v in mapping.items()}

st.subheader("3. Reading options")
o1, o2 = st.columns(2)
decimal = o1.radio("Numbers", ["auto", ".", ","], horizontal=True, key="imp_decimal",
                   format_func={"auto": "auto (comma for ;-separated files)", ".": "1,234.5", ",": "1.234,5"}.get)
day_first = o2.radio("Dates like 03/04/2020", [True, False], horizontal=True, key="imp_dayfirst",
                     format_func={True: "day/month (3 April)", False: "month/day (4 March)"}.get)
constants: dict[str, str] = {}
if kind == "flows":
    mapped = {v for v in mapping.values() if v}
    missing = [f for f in ("source_url", "donor_level", "recipient_level", "aid_kind", "currency") if f not in mapped]
    if missing:
        st.caption("Your file has no column for these fields; give one value for every row if you can (left empty, the rules in the report apply):")
        cc = st.columns(len(missing))
        for col, f in zip(cc, missing):
            if f in ("donor_level", "recipient_level"):
                v = col.selectbox(f.replace("_", " "), [PER_ROW, *LEVELS], key=f"imp_const_{f}")
                v = "" if v == PER_ROW else v
            elif f == "aid_kind":
                v = col.selectbox("aid kind", [PER_ROW, *AID_KINDS], key=f"imp_const_{f}")
                v = "" if v == PER_ROW else v
            else:
                v = col.text_input(f.replace("_", " "), key=f"imp_const_{f}", max_chars=500,
                                   placeholder="https://…" if f == "source_url" else "EUR")
            if v.strip():
                constants[f] = v.strip()
else:
    mapped = {v for v in mapping.values() if v}
    if "source_url" not in mapped:
        v = st.text_input("source url for every row", key="imp_const_p_source_url", max_chars=500, placeholder="https://…")
        if v.strip():
            constants["source_url"] = v.strip()

try:
    prep = _prepare(up.name, data, kind, tuple(mapping.items()), (decimal, day_first, tuple(sorted(constants.items()))))
except Exception as err:  # a bug of ours must not show a traceback; the console keeps the details
    import logging

    logging.getLogger(__name__).exception("import check failed")
    st.error(f"This file could not be checked ({type(err).__name__}). Nothing was stored. Please report it with the file's header row.")
    st.stop()

st.subheader("4. Check report")
cnt = prep.counts()
m = st.columns(5)
m[0].metric("Rows", f"{cnt['rows']:,}")
m[1].metric("Will be imported", f"{cnt['imported']:,}")
m[2].metric("Set aside", f"{cnt['set_aside']:,}", help="Rows with a problem: kept with their problems for you to correct, never dropped")
m[3].metric("Names to choose", f"{cnt['ambiguous']:,}")
m[4].metric("Unplaced names", f"{cnt['unplaced']:,}")
if cnt["blank_rows_skipped"]:
    st.text(f"{cnt['blank_rows_skipped']} completely empty rows were skipped.")
for n in prep.notes:
    st.text("• " + n)
probs = prep.problem_table()
if len(probs):
    st.dataframe(probs, hide_index=True, height=min(400, 40 + 35 * len(probs)))
    st.download_button("Check report (CSV)", export.neutralise(probs).to_csv(index=False).encode("utf-8"), file_name="check-report.csv",
                       mime="text/csv", key="dl-report")
else:
    st.success("No problems found.")

choices: dict[str, int] = {}
st.subheader("5. Places")
if len(prep.ambiguous):
    st.caption("These names match several places in the offline gazetteer. The most populous is preselected for names with a country; "
               "names without a country stay unplaced until you choose. Your choices are saved with the dataset.")
    choices = _place_pickers(prep.ambiguous, {}, f"imp_place_{file_tag}")
else:
    st.text("No name needs a choice.")
if len(prep.unplaced):
    st.caption("Not found in the offline gazetteer: imported and counted, but not drawn on the map.")
    st.dataframe(prep.unplaced, hide_index=True, height=min(300, 40 + 35 * len(prep.unplaced)))

st.subheader("6. Import")
name = st.text_input("Dataset name (shown in captions and citations)", value=up.name[:80], max_chars=80, key="imp_name")
if not prep.report.header_ok:
    st.error("A required field has no column and no value for every row (see the report): nothing can be imported yet.")
elif cnt["imported"] == 0:
    st.error("No row can be imported yet: correct the problems in the report.")
elif st.button(f"Import {cnt['imported']:,} rows" + (f" (set aside {cnt['set_aside']:,})" if cnt["set_aside"] else ""), type="primary", key="imp_go"):
    ds = datasets.to_dataset(prep, choices, name, up.name, data)
    new_id, key = ui.store().save(ds)
    ui.store().remember_mapping(hk, kind, prep.mapping)
    _my_keys()[new_id] = key
    st.session_state["_new_key"] = key
    params = {"dataset": new_id}
    st.session_state[ui.SYNC_KEY] = params
    st.query_params.from_dict(params)
    st.rerun()
