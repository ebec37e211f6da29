"""Messages as data: a catalog key and its parameters, put into words in the viewer's language when shown.

The library returns these instead of English sentences, so a stored report or an error reads in any language
without matching text back to a template.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import i18n


@dataclass(frozen=True)
class Message:
    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str = i18n.DEFAULT) -> str:
        return i18n.t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.text()

    def as_dict(self) -> dict:
        return {"key": self.key, "params": dict(self.params)}
