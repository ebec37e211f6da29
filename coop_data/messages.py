"""Messages as data: a catalog key and its parameters, put into words in the viewer's language when shown.

The library returns these instead of English sentences, so a stored report or an error reads in any language
without matching text back to a template. A parameter may itself be a Message (a vocabulary's name, a note's
text): it is put into words in the same language. Whole numbers are written as the language writes them.
Stored reports keep the key and parameters as JSON (`to_json`); `render` shows them, and shows a report stored
before messages were data (English sentences) as it was written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from . import i18n

# The columns of report tables (check report, rows set aside, unplaced names) that hold messages.
MESSAGE_COLUMNS = ("message", "why", "problems")


@dataclass(frozen=True)
class Message:
    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str = i18n.DEFAULT) -> str:
        return i18n.t(self.key, lang, **{k: _word(v, lang) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.text()

    def as_dict(self) -> dict:
        return {"key": self.key, "params": {k: _plain(v) for k, v in self.params.items()}}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: dict) -> Message:
        return cls(d["key"], {k: _revive(v) for k, v in (d.get("params") or {}).items()})


def _word(v, lang: str):
    if isinstance(v, Message):
        return v.text(lang)
    if isinstance(v, list | tuple):  # a list of values or messages: "masks (masques), ppe (EPI)"
        return ", ".join(str(_word(x, lang)) for x in v)
    if isinstance(v, int) and not isinstance(v, bool):
        return i18n.number(v, lang)
    return v


def _plain(v):
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v.as_dict() if isinstance(v, Message) else v


def _revive(v):
    if isinstance(v, list):
        return [_revive(x) for x in v]
    return Message.from_dict(v) if isinstance(v, dict) and "key" in v else v


def field(name: str) -> Message | str:
    """A field of the interchange format in a sentence, in the viewer's language ('donor_level' -> 'donor level',
    'niveau du donateur'); a field without a word of its own is written with spaces."""
    key = f"fld.{name}"
    return Message(key) if key in i18n.CATALOG else name.replace("_", " ")


def side(name: str, plural: bool = False) -> Message:
    """'donor' / 'recipient' in a sentence, in the viewer's language ('donateur', 'bénéficiaires')."""
    return Message(f"msg.side_{name}{'s' if plural else ''}")


# The vocabulary each "what" message names, so its allowed codes can be shown with their words.
_VOCAB_FIELD = {"msg.what_aid_kind": "aid_kind", "msg.what_level": "level", "msg.what_status": "status"}


def allowed(codes, of: str | Message) -> list:
    """The allowed codes of a controlled list with their words in the viewer's language: 'masks (masques)'.
    `of` is the field (or the "what" message naming the list); a code without a word is shown alone."""
    name = _VOCAB_FIELD.get(of.key, "") if isinstance(of, Message) else of
    prefix = i18n._CATEGORY_PREFIX.get(name, name)
    return [
        Message("msg.code_word", {"code": c, "word": Message(f"{prefix}.{c}")})
        if f"{prefix}.{c}" in i18n.CATALOG
        else c
        for c in codes
    ]


def note(column: str, message: Message) -> Message:
    """A note about one field of the import, named by its words in the viewer's language, not its code:
    'donor country: 3 country values written as …' ('pays du donateur : …')."""
    return Message("msg.note", {"field": field(column), "text": message})


def in_column(column: str, message: Message) -> Message:
    """One problem of a row set aside, named by its column."""
    return Message("msg.in_column", {"column": column, "text": message})


def stored(value):
    """A report value as it is kept in the store: a message (or a list of them) as JSON, anything else as is."""
    if isinstance(value, Message):
        return value.to_json()
    if isinstance(value, list | tuple) and value and all(isinstance(v, Message) for v in value):
        return json.dumps([v.as_dict() for v in value], ensure_ascii=False)
    return value


def render(value, lang: str = i18n.DEFAULT) -> str:
    """A message, a stored one (JSON) or a list of them, in `lang`. Text that is not a stored message (a report
    stored when messages were English sentences) is shown as written."""
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, dict) and "key" in value:
        return Message.from_dict(value).text(lang)
    if isinstance(value, list | tuple):
        return "; ".join(render(v, lang) for v in value)
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        if isinstance(parsed, list | dict) and parsed and (isinstance(parsed, list) or "key" in parsed):
            return render(parsed, lang)
        return value
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def load(value) -> Message | list | str:
    """A stored report value back as Message(s); text stored before messages were data stays text."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict) and "key" in value:
        return Message.from_dict(value)
    if isinstance(value, list):
        return [load(v) for v in value]
    return value


def render_frame(df: pd.DataFrame, lang: str = i18n.DEFAULT) -> pd.DataFrame:
    """A report table with its message columns in `lang` (what a page shows and lets download)."""
    cols = [c for c in MESSAGE_COLUMNS if c in df.columns]
    return df.assign(**{c: df[c].map(lambda v: render(v, lang)) for c in cols}) if cols else df


def stored_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A report table as the store keeps it: its message columns as JSON key + parameters."""
    cols = [c for c in MESSAGE_COLUMNS if c in df.columns]
    return df.assign(**{c: df[c].map(stored) for c in cols}) if cols else df
