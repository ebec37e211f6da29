"""The app's pages, declared once: the entry script, the story's "open in the app" links and the tests read this.

Adding a page is its file in `app_pages/`, one row here and its `nav.<slug>` label in `locale/interface.toml`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    slug: str  # URL path ("" for the home page) and the label key's suffix
    icon: str  # a Material icon name, as Streamlit writes it

    @property
    def file(self) -> str:
        return f"app_pages/{self.slug or 'home'}.py"

    @property
    def label_key(self) -> str:
        return f"nav.{self.slug or 'home'}"


PAGES: tuple[Page, ...] = (
    Page("", ":material/home:"),
    Page("map", ":material/map:"),
    Page("answers", ":material/quiz:"),
    Page("sankey", ":material/account_tree:"),
    Page("timeline", ":material/timeline:"),
    Page("partnerships", ":material/handshake:"),
    Page("funds", ":material/savings:"),
    Page("explorer", ":material/table_view:"),
    Page("story", ":material/slideshow:"),
    Page("import", ":material/upload_file:"),
    Page("methods", ":material/menu_book:"),
)


def by_slug(slug: str) -> Page:
    return next(p for p in PAGES if p.slug == slug)
