"""Explorer: the filtered records, sortable and searchable, with source links and downloads of exactly this view."""

import streamlit as st

import coop_ui as ui
from coop_data import doubts, export

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
# The export's columns in its order, as a reader scans them: the research note (inferred or likely years) next to the
# date, country names for codes, the data's doubts beside the status, no map coordinates or conversion details (the
# downloads keep every column).
ON_SCREEN = {
    "date_label": ("date_label", "research_note"),
    "research_note": (),
    "donor_country_iso3": ("donor_country",),
    "recipient_country_iso3": ("recipient_country",),
    "status": ("status", "flags"),
}
OFF_SCREEN = {"date", "date_precision", "donor_level", "recipient_level", "amount_usd", "fx_year", "fx_note"}
OFF_SCREEN |= {"status_basis", "overlaps_details", "fund_id", "channel_network", "source_date"}
cols = [
    shown
    for c in export.EXPORT_COLUMNS
    if c not in OFF_SCREEN and not c.endswith(("_lat", "_lon", "_placement"))
    for shown in ON_SCREEN.get(c, (c,))
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
