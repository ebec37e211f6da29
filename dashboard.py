"""City Solidarity Flows - entry point: `streamlit run dashboard.py`."""

import streamlit as st

import coop_ui
from coop_data import pages
from coop_data.i18n import t

st.set_page_config(page_title="City Solidarity Flows", page_icon="static/favicon.png", layout="wide")

lang = coop_ui.lang()
PAGES = [
    st.Page(p.file, title=t(p.label_key, lang), icon=p.icon, url_path=p.slug or None, default=not p.slug)
    for p in pages.PAGES
]
page = st.navigation(PAGES)
coop_ui.resolve_view()  # the filter and view of this run, kept in the session (coop_ui.state)
try:
    page.run()
except coop_ui.PageDone:
    pass
finally:  # after the page, so its chart reaches the browser first; also after an error, so the filters stay reachable
    coop_ui.draw_sidebar()
