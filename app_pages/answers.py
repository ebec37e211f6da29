"""Answers: a place search, rankings, less-connected places, reciprocity, the two North/South schemes, networks.

The questions policy staff bring, each answered from the filtered flows by coop_data.answers; this page only draws.
"""

import pandas as pd
import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext, classify, export, filters, i18n, vocab
from coop_data import answers as A
from coop_data.figures import flow_map
from coop_data.figures.common import measure_words

T, num = ui.T, ui.num
flt, view = ui.current()
b = ui.bundle()
lg = ui.lang()
where = flt.describe(b.countries, lg)
NAMES = dict(zip(b.countries["iso3"], b.countries["name"]))
st.title(T("nav.answers"))
st.caption(T("ans.intro"))


def L(key: str) -> str:
    """A label in this run's language, for widgets' format_func (called later, also outside this run)."""
    return i18n.t(key, lg)


def cname(iso3: str) -> str:
    return i18n.country_name(iso3, lg, NAMES.get(iso3, iso3)) if iso3 else "—"


def numbers_download(df: pd.DataFrame, key: str) -> None:
    """The numbers of one table as CSV (field names as in the data, like every download)."""
    st.download_button(
        T("ans.table_csv"),
        data=lambda: export.neutralise(df).to_csv(index=False).encode("utf-8"),
        file_name=f"{key}-numbers.csv",
        mime="text/csv",
        key=f"{key}-numbers",
    )


DECIMALS = {"per_million": 3, "region_median": 3}  # help per million inhabitants: small numbers
YEARS = ("since_year", "year")


def written(df: pd.DataFrame) -> pd.DataFrame:
    """Numbers as the viewer's language writes them ("53 000" in French; a year without separator); downloads keep
    the data's numbers."""

    def as_text(x, d):
        if pd.isna(x):
            return None  # shown as "—"
        return num(x, d if d is not None else (0 if float(x).is_integer() else 2))

    out = {c: df[c].map(lambda x: None if pd.isna(x) else str(int(x))) for c in YEARS if c in df}
    for c in df.columns:
        if c not in out and pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]):
            d = DECIMALS.get(c)
            out[c] = df[c].map(lambda x, d=d: as_text(x, d))
    return df.assign(**out)


def shown(df: pd.DataFrame, **config) -> None:
    """A table with its headers in the language (ans.col_<field>, else the data dictionary's), its numbers written as
    the language writes them and links as links."""
    labels = {c: T(f"ans.col_{c}") for c in df.columns if f"ans.col_{c}" in i18n.CATALOG}
    cfg = ui.headers(df, **config)
    for c, label in labels.items():
        given = cfg.get(c)
        cfg[c] = {**(given if isinstance(given, dict) else {}), "label": label}
    links = {"source_url_1": T("pa.ab_source"), "source_url_2": T("pa.ba_source")}  # the two legs of a pair
    for c in df.columns:
        if str(c).startswith("source_url"):
            cfg[c] = st.column_config.LinkColumn(links.get(c, T("col.source")))
    ui.table(ui.categories_in_language(ui.dates_in_language(written(df))), hide_index=True, column_config=cfg)


def caveat() -> None:
    st.info(T("ans.caveat"))
    st.page_link("app_pages/import.py", label=T("ans.add_missing"), icon=":material/upload_file:")


# ---- a place's panel, first: it opens where the reader is looking -------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=16, ttl=3600)
def place_choices(dataset_id: str, scope: str, _b) -> list[tuple[str, str]]:
    """Every place of the data, once per dataset view (a scan of every flow otherwise on every rerun)."""
    return A.place_options(_b.flows, _b.partnerships)


# The chosen place, question and entity live in the URL (filters.CONTROLS["answers"]): a reload or a shared link
# opens the same answer.
CTL = filters.CONTROLS["answers"]
PLACES = A.place_params(place_choices(*ui.scope(), b))
asked = st.query_params.get(CTL["place"].key, "")
if asked:
    found = A.find_place(asked, PLACES)
    if found is None:
        st.warning(T("ans.place_missing", v=asked[:100]), icon="⚠️")
    elif found != asked:  # "wuhan" -> "Wuhan": the link's spelling, made exact
        st.query_params[CTL["place"].key] = found
chosen = ui.control(
    CTL["place"],
    st.selectbox,
    T("ans.search"),
    ["", *PLACES],
    format_func=lambda k: f"{PLACES[k][0]} ({cname(PLACES[k][1])})" if k else L("ans.search_ph"),
)
place = PLACES.get(chosen)
if place:
    panel = A.place_panel(view, b.partnerships, *place)
    st.subheader(ui.md_escape(f"{place[0]} ({cname(place[1])})"))
    st.markdown(
        T(
            "ans.panel",
            out=num(len(panel["out"])),
            into=num(len(panel["into"])),
            parts=num(len(panel["partnerships"])),
            sources=num(len(panel["sources"])),
        )
    )
    st.caption(T("ans.panel_filter", filter=ui.md_escape(where)))
    shared = A.shared_marker(view, *place)
    if shared:  # the map's marker counts every actor drawn at this point (Wuhan and Hubei: 5 out, not 4)
        st.caption(
            T(
                "ans.panel_marker",
                place=ui.md_escape(place[0]),
                others=ui.md_escape("; ".join(shared["others"])),
                out=num(shared["out"]),
                into=num(shared["in"]),
            )
        )
    cols = ["date_label", "donor_label", "recipient_label", "aid_kind", "quantity", "quantity_unit"]
    cols += ["amount", "currency", "status", "source_url"]
    mine = pd.concat([panel["out"], panel["into"]])[cols]
    if len(mine):
        shown(mine)
        numbers_download(mine, "answers-place")
    if len(panel["partnerships"]):
        shown(
            panel["partnerships"][["city_a", "country_a_iso3", "city_b", "country_b_iso3", "relationship"]]
            .assign(since_year=panel["partnerships"]["since_year"])
            .assign(source_url=panel["partnerships"]["source_url"]),
        )
    if len(panel["sources"]):
        shown(panel["sources"])

# ---- which question -----------------------------------------------------------------------------------------------
section = ui.control(
    CTL["question"], st.radio, T("ans.question"), horizontal=True, format_func=lambda s: L(f"ans.q_{s}")
)


def rank_label(col: str) -> str:
    return L(f"ans.col_{col}")


if section == "rank":
    st.subheader(T("ans.q_rank"))
    c1, c2, c3 = st.columns([2, 3, 1])
    entity = ui.control(
        CTL["entity"], c1.radio, T("ans.entity"), horizontal=True, format_func=lambda e: L(f"ans.e_{e}")
    )
    # a measure the entity does not have falls back to its first ("flows" for networks)
    choices = list(A.NETWORK_MEASURES if entity == "network" else A.PLACE_MEASURES)
    by = ui.control(CTL["rank_by"], c2.selectbox, T("ans.rank_by"), choices, format_func=rank_label)
    n_top = int(
        ui.control(CTL["rank_top"], c3.number_input, T("ans.top_n"), min_value=5, max_value=50, step=5)
    )
    rank = ui.per_view(A.ranking, entity, b.funds)
    rows = A.top(rank, by, n_top)
    label = rank_label(by)
    if rows.empty:
        ui.empty_notice(flt)
    else:
        first = rows.iloc[0]
        st.markdown(
            T(
                "ans.rank_answer",
                measure=label,
                name=ui.md_escape(A.entity_labels(rows.head(1), lg, NAMES)[0]),
                value=num(first[by]),
            )
        )
        sub = f"{where} {T('ans.rank_sub', measure=label)}"
        if not by.startswith(("flows", "partners", "helped", "places", "donors")):
            sub += " " + T("map.delivered_only")
        fig = A.ranking_chart(
            rows,
            by,
            label,
            T("ans.rank_title", n=num(len(rows)), entity=T(f"ans.e_{entity}"), measure=label),
            sub,
            ui.source_line(view),
            lg,
            NAMES,
        )
        ui.chart(fig, "answers-rank", alt=A.ranking_alt(rows, by, label, T(f"ans.e_{entity}"), lg, NAMES))
    full = rank.sort_values(by, ascending=False)
    if entity == "country":
        full = full.assign(country=full["iso3"].map(cname))[["country", *full.columns]]
    shown(full)
    st.caption(T("ans.rank_note"))
    ui.downloads(view, flt, "answers-rank", table=full)

elif section == "gaps":
    st.subheader(T("ans.q_gaps"))
    caveat()
    pw = ui.per_view(A.partnered_without_flow, b.partnerships)
    cw = ui.per_view(A.countries_partnered_without_flow, b.partnerships)
    # A filter on the recipient's country or region asks about those places only: the others received nothing
    # *in this view* by construction, and listing them would read as a gap.
    region = dict(zip(b.countries["iso3"], b.countries["region"]))

    def asked(df: pd.DataFrame) -> pd.DataFrame:
        keep = pd.Series(True, index=df.index)
        if flt.recipient_country:
            keep &= df["iso3"].isin(flt.recipient_country)
        if flt.recipient_region:
            keep &= df["iso3"].map(region).fillna("unknown").isin(flt.recipient_region)
        return df[keep]

    pw, cw = asked(pw), asked(cw)
    countries = sorted(set(pw["iso3"]) - {""}, key=cname)
    pick = st.selectbox(
        T("ans.gap_country"),
        ["", *countries],
        key="ans_gap_country",
        format_func=lambda c: L("ans.all_countries") if not c else cname(c),
    )
    if pick:
        pw = pw[pw["iso3"] == pick]

    st.markdown("#### " + T("ans.gap_places_head"))
    st.caption(f"{where} {T('ans.gap_places_note', n=num(len(pw)))}")
    shown(pw.assign(country=pw["iso3"].map(cname))[["place", "country", *pw.columns[2:]]])
    st.caption(T("funds.chart_source", n=num(pw["source_url"].nunique()), data=ui.dataset_label()))
    numbers_download(pw, "answers-gap-places")

    st.markdown("#### " + T("ans.gap_countries_head"))
    st.caption(f"{where} {T('ans.gap_countries_note', n=num(len(cw)))} {T('ans.gap_members')}")
    shown(cw.assign(country=cw["iso3"].map(cname))[["country", *cw.columns]])
    ids = {i for v in cw["partnership_ids"] for i in v.split("; ")}
    cw_urls = b.partnerships.loc[b.partnerships["partnership_id"].isin(ids), "source_url"].nunique()
    st.caption(T("funds.chart_source", n=num(cw_urls), data=ui.dataset_label()))
    numbers_download(cw, "answers-gap-countries")

    st.markdown("#### " + T("ans.single_head"))
    sp = asked(ui.per_view(A.single_partner))
    if pick:
        sp = sp[sp["iso3"] == pick]
    st.caption(f"{where} {T('ans.single_note', n=num(len(sp)))}")
    shown(sp.assign(country=sp["iso3"].map(cname))[["place", "country", "partner", "flows_received"]])
    st.caption(ui.source_line(view))
    numbers_download(sp, "answers-single")

    st.markdown("#### " + T("ans.pm_head"))
    measure = st.selectbox(
        T("map.measure"),
        list(vocab.MEASURES),
        key="ans_pm_measure",
        format_func=lambda m: f"{L('measure.' + m)} ({L('unit.' + vocab.MEASURES[m])})",
    )
    pm = ui.per_view(A.help_per_million, b.countries, measure)
    pop_line = T("ans.pop_source", version=A.gazetteer_population()[1])
    low = pm[pm["far_below"]]
    st.caption(
        f"{where} {T('ans.pm_note', n=num(len(low)), share=num(A.FAR_BELOW * 100), unit=T('unit.' + vocab.MEASURES[measure]))}"
    )
    table = pm.assign(
        country=pm["iso3"].map(cname), region=pm["region"].map(lambda r: i18n.category("region", r, lg))
    )
    shown(
        table[table["far_below"]][
            ["country", "region", "received", "population", "per_million", "region_median"]
        ],
    )
    st.caption(f"{ui.source_line(view)} {pop_line}")
    numbers_download(pm, "answers-per-million")
    ui.downloads(view, flt, "answers-gaps")

elif section == "recip":
    st.subheader(T("ans.q_recip"))
    pairs = ui.per_view(aggregate.reciprocity_pairs)
    if pairs.empty:
        st.info(T("pa.recip_none"))
    else:
        with_ratio = pairs[pairs["return_ratio"].notna()]
        st.markdown(
            T(
                "ans.recip_answer",
                places=num(aggregate.place_pairs(pairs)),
                n=num(len(pairs)),
                k=num(len(with_ratio)),
            )
        )
        st.caption(f"{where} {T('ans.recip_note')} {T('ans.ratio_note')}")
        table = pairs.assign(
            ratio=[A.ratio_text(r, lg) for r in pairs.itertuples()],
            order=pairs["order_certain"].map(lambda c: T("ans.order_sure") if c else T("ans.order_unsure")),
        )
        cols = ["first_giver", "first_receiver", "ratio", "order"]
        for i in (1, 2):
            cols += [
                f"date_label_{i}",
                f"aid_kind_{i}",
                f"quantity_{i}",
                f"quantity_unit_{i}",
                f"amount_eur_{i}",
            ]
        cols += ["record_id_1", "record_id_2", "source_url_1", "source_url_2"]
        shown(table[cols])
        st.caption(ui.source_line(A.reciprocity_flows(view, pairs)))
        numbers_download(
            pairs.drop(columns=["date_start_1", "date_start_2", "date_end_1", "date_end_2"]), "answers-recip"
        )
        legs = A.reciprocity_flows(view, pairs)
        sub = f"{where} {measure_words(T('measure.flows').lower(), T('unit.flows'), lg)} {T('ans.recip_map_note')}"
        fig, _ = flow_map(
            legs,
            "flows",
            T("ans.recip_map_title", n=num(len(pairs))),
            sub,
            ui.source_line(legs),
            choropleth=None,
            height=520,
            lang=lg,
        )
        ui.chart(fig, "answers-recip-map", geo=True, alt=alttext.flows_summary(legs, "flows", lang=lg))
    ui.downloads(view, flt, "answers-recip")

elif section == "schemes":
    st.subheader(T("ans.q_schemes"))
    ds_id, sc = ui.scope()
    by_scheme = {
        s: (ui.flows_for_scheme(s, ds_id, sc) if ds_id else ui.flows_for_scheme(s)).loc[view.index]
        for s in classify.SCHEMES
    }
    counts = A.scheme_counts(by_scheme)
    changes = A.scheme_changes(by_scheme, b.countries, lg)
    st.markdown(T("ans.schemes_answer", n=num(len(changes)), total=num(len(A.flows_only(view)))))
    sub = f"{where} {measure_words(T('measure.flows').lower(), T('unit.flows'), lg)}"
    fig = A.scheme_chart(counts, T("ans.schemes_title"), sub, ui.source_line(view), lg)
    ui.chart(fig, "answers-schemes", alt=A.scheme_alt(counts, changes, lg))
    shown(
        counts.assign(direction=counts["direction"].map(lambda d: T(f"dir.{d}"))).rename(
            columns={s: T(f"scheme.{s}") for s in classify.SCHEMES}
        )
    )
    st.caption(" ".join(T(f"ans.scheme_src_{s}") for s in classify.SCHEMES))
    st.markdown("#### " + T("ans.changes_head"))
    if changes.empty:
        st.info(T("ans.no_changes"))
    else:
        dirs = {
            c: changes[c].map(lambda d: T(f"dir.{d}")) for c in changes.columns if c.startswith("direction_")
        }
        shown(changes.assign(**dirs))
        numbers_download(changes, "answers-scheme-changes")
    ui.downloads(view, flt, "answers-schemes", table=counts)

else:
    st.subheader(T("ans.q_networks"))
    d = A.network_directory(b.flows, b.funds, view)
    none = d[d["flows_in_data"] == 0]
    st.markdown(T("ans.networks_answer", n=num(len(d)), none=num(len(none))))
    st.caption(f"{where} {T('ans.networks_note')}")
    shown(
        d.assign(
            kind=d["kind"].map(lambda k: T(f"ans.kind_{k}")),
            note=d["flows_in_data"].map(lambda n: T("ans.no_flow") if n == 0 else ""),
        )[["name", "note", "flows_in_data", "flows_in_view", "kind", "value"]]
    )
    st.caption(T("funds.chart_source", n=num(b.funds["source_url"].nunique()), data=ui.dataset_label()))
    ui.downloads(view, flt, "answers-networks", table=d)
