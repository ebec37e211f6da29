"""City Solidarity Flows - entry point: `streamlit run dashboard.py`."""
import streamlit as st

import coop_ui

st.set_page_config(page_title="City Solidarity Flows", page_icon="🤝", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/flow_map.py", title="Flow map", icon="🗺️", url_path="map"),
    st.Page("pages/sankey.py", title="Sankey", icon="🔀", url_path="sankey"),
    st.Page("pages/timeline.py", title="Timeline", icon="📈", url_path="timeline"),
    st.Page("pages/partnerships.py", title="Partnerships", icon="🤝", url_path="partnerships"),
    st.Page("pages/funds.py", title="Network funds", icon="💶", url_path="funds"),
    st.Page("pages/explorer.py", title="Explorer", icon="🔎", url_path="explorer"),
    st.Page("pages/methods.py", title="Methods & sources", icon="📚", url_path="methods"),
]
page = st.navigation(PAGES)
st.session_state["_flt"], st.session_state["_view"] = coop_ui.sidebar()
page.run()
