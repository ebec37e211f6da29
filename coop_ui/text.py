"""Text helpers: UI strings and numbers in the language of this view, and user text made safe for Markdown."""

from __future__ import annotations

import re

from coop_data import i18n
from coop_ui import state


def T(key: str, **kw) -> str:
    """A UI string in the language of this view."""
    return i18n.t(key, state.lang(), **kw)


def num(x: float, decimals: int = 0) -> str:
    """A number written the way the language of this view writes it."""
    return i18n.number(x, state.lang(), decimals)


def compact(x: float, unit: str = "") -> str:
    """10342761 -> 'EUR 10.3 m' / '10,3 M EUR' so headline figures fit a projector column."""
    lg = state.lang()
    for div, suf in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(x) >= div:
            s = f"{i18n.number(x / div, lg, 1)} {T('num.' + suf)}"
            break
    else:
        s = i18n.number(x, lg)
    if not unit:
        return s
    return f"{unit} {s}" if lg == "en" else f"{s} {unit}"


def md_escape(text: str) -> str:
    """User text inside Markdown captions: shown literally, never as links, images or HTML."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!<>|~$&" else ch for ch in str(text))


_SAFE_LINK = re.compile(
    r"https?://[A-Za-z0-9.\-]+(:[0-9]+)?(/[A-Za-z0-9._~%/\-]*)?(\?[A-Za-z0-9._~%=&+\-]*)?"
)


def cite_markdown(cite: str, link: str) -> str:
    """The citation line (export.citation, ending with its permalink) as Markdown: its text escaped, its permalink a
    working link. Escaped like the text, the link showed and carried backslashes (http://127\\.0\\.0\\.1…) because
    Markdown links the bare URL with them."""
    if not link or not cite.endswith(link):
        return md_escape(cite)
    shown = (
        f"<{link}>" if _SAFE_LINK.fullmatch(link) else f"`{link.replace('`', '')}`"
    )  # else shown literally, not linked
    return md_escape(cite[: -len(link)]) + shown
