"""City Solidarity Flows - entry point: `streamlit run dashboard.py`."""

import streamlit as st

import coop_ui
from coop_data.i18n import t

st.set_page_config(page_title="City Solidarity Flows", page_icon="static/favicon.png", layout="wide")

lang = coop_ui.lang()
PAGES = [
    st.Page("app_pages/home.py", title=t("nav.home", lang), icon=":material/home:", default=True),
    st.Page("app_pages/map.py", title=t("nav.map", lang), icon=":material/map:", url_path="map"),
    st.Page(
        "app_pages/sankey.py", title=t("nav.sankey", lang), icon=":material/account_tree:", url_path="sankey"
    ),
    st.Page(
        "app_pages/timeline.py",
        title=t("nav.timeline", lang),
        icon=":material/timeline:",
        url_path="timeline",
    ),
    st.Page(
        "app_pages/partnerships.py",
        title=t("nav.partnerships", lang),
        icon=":material/handshake:",
        url_path="partnerships",
    ),
    st.Page("app_pages/funds.py", title=t("nav.funds", lang), icon=":material/savings:", url_path="funds"),
    st.Page(
        "app_pages/explorer.py",
        title=t("nav.explorer", lang),
        icon=":material/table_view:",
        url_path="explorer",
    ),
    st.Page("app_pages/story.py", title=t("nav.story", lang), icon=":material/slideshow:", url_path="story"),
    st.Page(
        "app_pages/import.py", title=t("nav.import", lang), icon=":material/upload_file:", url_path="import"
    ),
    st.Page(
        "app_pages/methods.py", title=t("nav.methods", lang), icon=":material/menu_book:", url_path="methods"
    ),
]
page = st.navigation(PAGES)
st.session_state["_url_in"] = (
    st.query_params.to_dict()
)  # the link as opened: pages read their own controls from it
st.session_state["_flt"], st.session_state["_view"] = coop_ui.resolve_view()
try:
    page.run()
except coop_ui.PageDone:
    pass
finally:  # after the page, so its chart reaches the browser first; also after an error, so the filters stay reachable
    coop_ui.draw_sidebar()
