"""Explorer: the filtered records, sortable and searchable, with source links and downloads of exactly this view."""

import streamlit as st

import coop_ui as ui
from coop_data import doubts

T, num = ui.T, ui.num
flt, view = ui.current()
b = ui.bundle()
st.title(T("nav.explorer"))
st.markdown(
    T(
        "explorer.head",
        n=num(len(view)),
        filter=ui.md_escape(flt.describe(b.countries, ui.lang())),
        data=ui.md_escape(ui.dataset_label()),
    )
)
if view.empty:
    ui.empty_notice(flt)
    ui.stop()
cols = [
    "record_id",
    "date_label",
    "research_note",
    "donor_name",
    "donor_city",
    "donor_country",
    "recipient_name",
    "recipient_city",
    "recipient_country",
    "direction",
    "aid_kind",
    "items",
    "quantity",
    "quantity_unit",
    "amount",
    "currency",
    "amount_qualifier",
    "amount_eur",
    "status",
    "flags",
    "is_aggregate",
    "parent_id",
    "counted",
    "rest_of_programme",
    "counted_quantity",
    "counted_eur",
    "relationship_stated",
    "summary",
    "source_publisher",
    "source_url",
]
SHOWN = 10_000  # rows sent to the browser; downloads hold every row of the view
if len(view) > SHOWN:
    st.caption(T("explorer.capped", shown=num(SHOWN), n=num(len(view))))
rows = view[[c for c in cols if c in view]].head(SHOWN)  # an imported dataset has no `flags`
ui.table(
    doubts.with_doubts(ui.dates_in_language(rows), view.head(SHOWN), b.sources, ui.lang()),
    hide_index=True,
    height=520,
    column_config={
        "source_url": st.column_config.LinkColumn(T("col.source")),
        "amount_eur": st.column_config.NumberColumn("EUR", format="%,.0f"),
        "counted_eur": st.column_config.NumberColumn(format="%,.0f"),
        "counted_quantity": st.column_config.NumberColumn(format="%,.0f"),
        "quantity": st.column_config.NumberColumn(format="%,.0f"),
        "date_label": T("col.date"),
        "flags": T("field.flags"),
        "stability": T("field.stability"),
    },
)
st.caption(T("explorer.help"))
ui.downloads(view, flt, "explorer")
