"""Partnerships: stated twinning pairs, flows inside a stated relationship, reciprocity and case studies."""

import pandas as pd
import streamlit as st

import coop_ui as ui
from coop_data import aggregate, alttext
from coop_data.figures.partnerships import partnership_map

T, num = ui.T, ui.num
flt, view = ui.current()
b = ui.bundle()
lg = ui.lang()
p = b.partnerships
st.title(T("nav.partnerships"))
st.caption(T("pa.intro"))
fig, n_drawn = partnership_map(
    p, T("funds.chart_source", n=num(p["source_url"].nunique()), data=ui.dataset_label()), lg
)
ui.chart(
    ui.with_url_highlight(fig),
    "partnership-map",
    geo=True,
    alt=alttext.partnerships_summary(p, n_drawn, lang=lg),
)
ui.partnerships_table(p)

st.subheader(T("pa.rel_head"))
rel = view["relationship_stated"].fillna("").str.strip() != ""
st.markdown(T("pa.rel_text", rel=num(int(rel.sum())), n=num(len(view)), adhoc=num(int((~rel).sum()))))

st.subheader(T("pa.recip_head"))
r = aggregate.reciprocity_pairs(view)
if r.empty:
    st.info(T("pa.recip_none"))
else:
    st.caption(T("pa.recip_note"))
    ui.table(
        ui.dates_in_language(
            r[
                [
                    "first_giver",
                    "first_receiver",
                    "date_label_1",
                    "aid_kind_1",
                    "quantity_1",
                    "quantity_unit_1",
                    "record_id_1",
                    "date_label_2",
                    "aid_kind_2",
                    "quantity_2",
                    "quantity_unit_2",
                    "record_id_2",
                    "order_certain",
                    "source_url_1",
                    "source_url_2",
                ]
            ]
        )
        .pipe(ui.categories_in_language)
        .rename(
            columns={
                "first_giver": "A",
                "first_receiver": "B",
                "date_label_1": T("pa.ab_date"),
                "date_label_2": T("pa.ba_date"),
                "order_certain": T("pa.order_certain"),
                **{
                    f"{c}_{i}": T(f"pa.{d}_{k}")
                    for i, d in ((1, "ab"), (2, "ba"))
                    for c, k in (
                        ("aid_kind", "aid"),
                        ("quantity", "qty"),
                        ("quantity_unit", "unit"),
                        ("record_id", "record"),
                    )
                },
            }
        ),
        hide_index=True,
        column_config={
            "source_url_1": st.column_config.LinkColumn(T("pa.ab_source")),
            "source_url_2": st.column_config.LinkColumn(T("pa.ba_source")),
        },
    )

st.subheader(T("pa.cases_head"))
facts = ui.base_bundle().facts
for subj in ("Milan - Quelimane", "Montreuil - Cercle de Yélimané (Mali)", "Cercle de Yélimané", "Quelimane"):
    for row in facts[facts["subject"] == subj].itertuples():
        if pd.isna(row.value):
            val = ""
        elif row.unit == "year":  # a year is a date, not a quantity: "1985", never "1,985 year"
            val = f" — **{int(row.value)}**"
        else:
            val = " — **" + ui.md_escape(alttext.qualified(row.value, row.qualifier, row.unit, lg)) + "**"
        year = int(row.year) if not pd.isna(row.year) else "n/a"
        st.markdown(
            f"- *{ui.md_escape(row.subject)}*: {ui.md_escape(row.fact)}{val} [{row.fact_id}; {T('pa.year')} {year}]"
        )
st.caption(T("pa.cases_source"))
