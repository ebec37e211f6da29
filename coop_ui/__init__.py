"""Streamlit glue shared by every page (`import coop_ui as ui`), split by concern:

- `state`: the session-state contract (every key the UI keeps) and the view's language and data scope;
- `data`: the data behind a view, cached and shared;
- `view`: view state and the URL (filters, view controls, permalinks, the name of the data in view);
- `sidebar`: the filter sidebar;
- `charts`: the chart block with its source line, image exports and downloads;
- `tables`: tables as pages show them;
- `text`: UI strings, numbers and Markdown escaping in the language of this view.

Logic lives in `coop_data`; this package only draws widgets and moves state between the URL, the widgets and the
session. The names below are what pages use as `ui.X`.
"""

from coop_ui.charts import (
    chart,
    downloads,
    empty_notice,
    geo_chart,
    map_note_more,
    presentation_keys,
    source_line,
    with_url_highlight,
)
from coop_ui.data import (
    base_bundle,
    bundle,
    clear_dataset_caches,
    flows_for_scheme,
    open_bundle,
    options,
    per_view,
    store,
)
from coop_ui.sidebar import MONTHS, draw_sidebar
from coop_ui.state import STORY_EDIT, SYNC_KEY, lang, scope
from coop_ui.tables import (
    categories_in_language,
    dates_in_language,
    headers,
    partnerships_table,
    table,
    wrapped,
)
from coop_ui.text import T, cite_markdown, compact, md_escape, num
from coop_ui.view import (
    MORE,
    STORY_PARAMS,
    VIEW_PARAMS,
    PageDone,
    absolute_link,
    app_root,
    control,
    current,
    dataset_label,
    open_dataset,
    permalink,
    resolve_view,
    set_view,
    stop,
)

__all__ = [
    "MONTHS",
    "MORE",
    "STORY_EDIT",
    "STORY_PARAMS",
    "SYNC_KEY",
    "VIEW_PARAMS",
    "PageDone",
    "T",
    "absolute_link",
    "app_root",
    "base_bundle",
    "bundle",
    "categories_in_language",
    "chart",
    "cite_markdown",
    "clear_dataset_caches",
    "compact",
    "control",
    "current",
    "dataset_label",
    "dates_in_language",
    "downloads",
    "draw_sidebar",
    "empty_notice",
    "flows_for_scheme",
    "geo_chart",
    "map_note_more",
    "headers",
    "lang",
    "md_escape",
    "num",
    "open_bundle",
    "open_dataset",
    "options",
    "partnerships_table",
    "per_view",
    "permalink",
    "presentation_keys",
    "resolve_view",
    "scope",
    "set_view",
    "source_line",
    "stop",
    "store",
    "table",
    "with_url_highlight",
    "wrapped",
]
