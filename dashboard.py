"""City Solidarity Flows - entry point: `streamlit run dashboard.py`."""
import streamlit as st

import coop_ui

st.set_page_config(page_title="City Solidarity Flows", page_icon="static/favicon.png", layout="wide")

PAGES = [
    st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("app_pages/map.py", title="Flow map", icon=":material/map:", url_path="map"),
    st.Page("app_pages/sankey.py", title="Sankey", icon=":material/account_tree:", url_path="sankey"),
    st.Page("app_pages/timeline.py", title="Timeline", icon=":material/timeline:", url_path="timeline"),
    st.Page("app_pages/partnerships.py", title="Partnerships", icon=":material/handshake:", url_path="partnerships"),
    st.Page("app_pages/funds.py", title="Network funds", icon=":material/savings:", url_path="funds"),
    st.Page("app_pages/explorer.py", title="Explorer", icon=":material/table_view:", url_path="explorer"),
    st.Page("app_pages/story.py", title="Story", icon=":material/slideshow:", url_path="story"),
    st.Page("app_pages/import.py", title="Import your data", icon=":material/upload_file:", url_path="import"),
    st.Page("app_pages/methods.py", title="Methods & sources", icon=":material/menu_book:", url_path="methods"),
]
page = st.navigation(PAGES)
st.session_state["_flt"], st.session_state["_view"] = coop_ui.sidebar()
page.run()
