"""The session-state contract: every st.session_state key the shared UI (coop_ui) reads or writes, declared here
and nowhere else, with who writes it. The other coop_ui modules and the entry script use these names, never the
strings, so a key cannot be written under two spellings or from a file that does not own it.

Keys a page keeps for itself live in that page and are listed at the end, so this file is the one place to
see everything a session carries.
"""

from __future__ import annotations

import streamlit as st

from coop_data import filters, i18n

# --- The view, written by view.resolve_view once per run, before the page runs -------------------------------------
SYNC_KEY = "_url_params"  # the URL parameters of this session's view: put back on a page switch (Streamlit drops them);
# also written by view.open_dataset / view.control / the sidebar's reset, and by the story and import pages (ui.SYNC_KEY)
BUNDLE = "_bundle"  # the Bundle of this view (bundled data, an imported dataset, or both)
SCOPE = "_scope"  # (dataset id, scope) of this view; ('', 'bundled') without an imported dataset
FLT = "_flt"  # the active filters.Filter
VIEW = "_view"  # the filtered flows
SIDEBAR = "_sidebar"  # (filter, rows in view, options, dataset id, dataset name): resolve_view hands it to the sidebar
MORE_WAS = "_more_was"  # whether "More filters" was on last run (switched on, its widgets start from the URL)
STORY_EDIT = (
    "_story_edit"  # (story id, edit key) moved from the URL to the session; app_pages/story.py pops it
)
# (and writes it when a key is typed in)

# --- View controls (filters.CONTROLS), written by view.control and read after the page by view.forget_other_controls -
CONTROLS_READ = "_controls_read"  # controls the page read on this run
CONTROLS_SEEN = "_controls_seen"  # controls read on any run of this session

# --- Widget keys: Streamlit writes them when the reader changes a widget; the view writes them from the URL ----------
W_LANG = "w_lang"  # interface language (sidebar)
W_DATA = "w_data"  # which data an imported dataset's view shows (datasets.SCOPES)
W_MORE = "w_more"  # the "More filters" toggle


def filter_widget(d: filters.Dimension) -> str:
    """A filter dimension's sidebar widget, e.g. w_network."""
    return f"w_{d.key}"


def control_widget(c: filters.ViewControl) -> str:
    """A view control's widget, e.g. v_rollup."""
    return f"v_{c.key}"


def control_seen(c: filters.ViewControl) -> str:
    """The URL text a view control's widget was last set from (the URL wins when it changes)."""
    return f"_seen_{c.key}"


# Chart block widgets (charts.chart / charts.downloads) are keyed from the page's chart key: "<key>-size",
# "<key>-img-<fmt>", "<key>-<fmt>", "<key>-numbers".
#
# Keys pages keep for themselves (written and read only by that page):
#   app_pages/story.py: my_stories, _deck, _just_saved, draft_loaded, edit_draft, story_draft, edit-<uid>-<field>;
#   app_pages/import.py: its widgets (imp_*), my_datasets, _new_key, _fixed, _deleted and per-upload done flags.


def lang() -> str:
    """Interface language of this view (URL `lang`, kept across pages)."""
    return i18n.lang_of(
        st.session_state.get(W_LANG)
        or st.query_params.get("lang")
        or st.session_state.get(SYNC_KEY, {}).get("lang")
    )


def scope() -> tuple[str, str]:
    """(dataset id, scope) of the current view; ('', 'bundled') without an imported dataset."""
    return st.session_state.get(SCOPE, ("", "bundled"))
