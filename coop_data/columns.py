"""Map a user's column headers to the interchange fields.

Suggestions come from header words in English, French, Spanish and German
("from city", "ville donatrice", "ciudad receptora", "amount (EUR)") so a
newsroom spreadsheet maps without typing; the user can change any of them.
A currency written in the amount header ("amount (EUR)") is kept as the
currency of rows that give none.
"""

from __future__ import annotations

import hashlib
import re

from . import places
from .schema import FLOW_EXTRA_FIELDS, INTERCHANGE_FIELDS, PARTNERSHIPS

KINDS = ("flows", "partnerships")
USER_PARTNERSHIP_FIELDS = (
    "city_a",
    "country_a_iso3",
    "city_b",
    "country_b_iso3",
    "relationship",
    "since_year",
    "themes",
    "latitude_a",
    "longitude_a",
    "latitude_b",
    "longitude_b",
    "source_url",
)


def target_fields(kind: str) -> list[str]:
    if kind == "partnerships":
        return ["partnership_id", *USER_PARTNERSHIP_FIELDS]
    return [f.name for f in INTERCHANGE_FIELDS] + [
        f.name
        for f in FLOW_EXTRA_FIELDS
        if f.name
        in ("status", "donor_latitude", "donor_longitude", "recipient_latitude", "recipient_longitude")
    ]


def field_description(kind: str, name: str) -> str:
    fields = {f.name: f for f in (*INTERCHANGE_FIELDS, *FLOW_EXTRA_FIELDS, *PARTNERSHIPS.fields)}
    return fields[name].description if name in fields else ""


_DONOR = {
    "from",
    "donor",
    "donors",
    "donating",
    "giver",
    "giving",
    "sender",
    "sending",
    "origin",
    "source city",
    "donateur",
    "donatrice",
    "donneuse",
    "donneur",
    "donante",
    "donador",
    "origen",
    "origine",
    "spender",
    "geber",
    "provenance",
    "desde",
    "expediteur",
}
_RECIP = {
    "to",
    "recipient",
    "recipients",
    "receiving",
    "receiver",
    "beneficiary",
    "destination",
    "beneficiaire",
    "destinataire",
    "receptora",
    "receptor",
    "beneficiaria",
    "beneficiario",
    "destino",
    "empfanger",
    "empfaenger",
    "hacia",
    "vers",
    "recipiendaire",
}
_ATTR = {
    "city": {
        "city",
        "ville",
        "ciudad",
        "town",
        "municipality",
        "commune",
        "municipio",
        "stadt",
        "gemeinde",
        "localite",
        "localidad",
        "place",
        "lieu",
    },
    "country_iso3": {"country", "pays", "pais", "land", "iso", "iso3", "nation", "staat"},
    "level": {"level", "type", "kind", "category", "niveau", "tipo", "art", "categorie", "categoria"},
    "latitude": {"lat", "latitude", "latitud", "breite"},
    "longitude": {"lon", "lng", "long", "longitude", "longitud", "lange"},
    "name": {
        "name",
        "actor",
        "organisation",
        "organization",
        "org",
        "nom",
        "entity",
        "entite",
        "entidad",
        "akteur",
        "institution",
    },
}
_EXACT = {
    "record_id": {
        "id",
        "record id",
        "ref",
        "reference",
        "no",
        "n",
        "nr",
        "numero",
        "identifiant",
        "identificador",
    },
    "date": {
        "date",
        "fecha",
        "datum",
        "when",
        "day",
        "jour",
        "dia",
        "year",
        "annee",
        "ano",
        "jahr",
        "date of donation",
        "date de don",
        "fecha de donacion",
    },
    "date_precision": {"date precision", "precision"},
    "aid_kind": {
        "aid kind",
        "kind of aid",
        "type of aid",
        "aid type",
        "aid",
        "what",
        "type d aide",
        "nature de l aide",
        "tipo de ayuda",
        "ayuda",
        "aide",
        "hilfe",
        "art der hilfe",
        "category of aid",
        "donation type",
    },
    "items": {
        "items",
        "description",
        "goods",
        "articles",
        "objets",
        "materiel",
        "material",
        "materiales",
        "what was given",
        "contenu",
        "contenido",
    },
    "quantity": {
        "quantity",
        "qty",
        "number",
        "quantite",
        "cantidad",
        "menge",
        "anzahl",
        "count",
        "nombre d unites",
        "units given",
    },
    "quantity_unit": {"unit", "units", "unite", "unidad", "einheit", "quantity unit", "unit of quantity"},
    "amount": {
        "amount",
        "montant",
        "monto",
        "importe",
        "value",
        "valeur",
        "valor",
        "betrag",
        "sum",
        "somme",
        "suma",
        "money",
        "amount given",
    },
    "currency": {"currency", "devise", "monnaie", "moneda", "divisa", "wahrung", "waehrung", "cur", "ccy"},
    "amount_qualifier": {"amount qualifier", "qualifier", "precision of amount"},
    "channel_network": {
        "network",
        "channel",
        "via",
        "reseau",
        "red",
        "netzwerk",
        "through",
        "channel network",
        "fund",
        "fonds",
        "fondo",
    },
    "relationship_stated": {
        "relationship",
        "relation",
        "twinning",
        "jumelage",
        "hermanamiento",
        "partnership",
        "partenariat",
        "relationship stated",
    },
    "summary": {
        "summary",
        "notes",
        "note",
        "resume",
        "resumen",
        "comment",
        "comments",
        "commentaire",
        "comentario",
        "remarks",
        "details",
    },
    "source_url": {
        "source",
        "source url",
        "url",
        "link",
        "lien",
        "enlace",
        "fuente",
        "quelle",
        "sources",
        "source link",
        "web",
    },
    "source_publisher": {
        "publisher",
        "media",
        "outlet",
        "editeur",
        "medio",
        "source publisher",
        "newspaper",
        "journal",
        "periodico",
    },
    "source_date": {
        "source date",
        "publication date",
        "date published",
        "date de publication",
        "fecha de publicacion",
        "published",
    },
    "status": {"status", "statut", "estado", "etat", "state of delivery"},
}
_PARTNER_A = {"a", "1", "first", "city a", "ville a", "ciudad a"}
_PARTNER_B = {"b", "2", "second", "partner", "partenaire", "socio", "city b", "ville b", "ciudad b"}
_CURRENCY_IN_HEADER = re.compile(
    r"[\(\[]\s*([A-Za-z]{3}|€|£)\s*[\)\]]|\b(eur|usd|cny|gbp|chf|krw|jpy)\b|(€|£)", re.I
)
_SYMBOLS = {"€": "EUR", "£": "GBP"}


def header_key(headers: list[str]) -> str:
    """Identifies a header layout, so a mapping can be remembered for the next file like it."""
    return hashlib.sha256("\x1f".join(places.norm(h) for h in headers).encode("utf-8")).hexdigest()[:32]


def currency_in_header(header: str) -> str:
    m = _CURRENCY_IN_HEADER.search(header)
    if not m:
        return ""
    code = next(g for g in m.groups() if g)
    return _SYMBOLS.get(code, code.upper())


def _words(header: str) -> str:
    h = re.sub(r"[\(\[].*?[\)\]]", " ", header)
    return places.norm(h.replace("_", " ")).replace("iso 3", "iso3")


def _suggest_flow(header: str) -> str | None:
    h = _words(header)
    if not h:
        return None
    if h.replace(" ", "_") in target_fields("flows"):
        return h.replace(" ", "_")
    for field, words in _EXACT.items():
        if h in words:
            return field
    tokens = h.split()
    if tokens[0] == "source" and len(tokens) > 1:
        return (
            "source_date"
            if "date" in tokens
            else "source_publisher"
            if "publisher" in tokens
            else "source_url"
        )
    side = None
    joined = " " + h + " "
    if any(f" {w} " in joined for w in _DONOR) or h.startswith("donat") or h.startswith("donor"):
        side = "donor"
    if any(f" {w} " in joined for w in _RECIP) or h.startswith("recip") or h.startswith("benef"):
        side = "recipient" if side is None else side
    if side:
        rest = [
            t
            for t in tokens
            if t not in _DONOR
            and t not in _RECIP
            and t not in ("of", "the", "de", "du", "la", "le", "del", "d")
        ]
        for attr, words in _ATTR.items():
            if any(t in words for t in rest):
                return f"{side}_{attr}"
        return f"{side}_name"
    for field, words in _EXACT.items():
        if any(t in words for t in tokens) and field in (
            "amount",
            "quantity",
            "currency",
            "aid_kind",
            "date",
            "status",
        ):
            return field
    return None


def _suggest_partnership(header: str) -> str | None:
    h = _words(header)
    if h.replace(" ", "_") in target_fields("partnerships"):
        return h.replace(" ", "_")
    tokens = h.split()
    if h in _EXACT["source_url"]:
        return "source_url"
    if h in _EXACT["relationship_stated"] or "relationship" in tokens or "type" in tokens:
        return "relationship"
    if {"since", "year", "founded", "depuis", "desde", "annee", "ano"} & set(tokens):
        return "since_year"
    if {"themes", "theme", "topics", "themas", "temas"} & set(tokens):
        return "themes"
    t = set(tokens)
    side = (
        "a"
        if t & {"a", "1"}
        else "b"
        if t & {"b", "2"}
        else "b"
        if t & _PARTNER_B
        else "a"
        if t & _PARTNER_A
        else None
    )
    if side:
        if set(tokens) & _ATTR["country_iso3"]:
            return f"country_{side}_iso3"
        if set(tokens) & _ATTR["latitude"]:
            return f"latitude_{side}"
        if set(tokens) & _ATTR["longitude"]:
            return f"longitude_{side}"
        return f"city_{side}"
    return None


def suggest(headers: list[str], kind: str = "flows") -> dict[str, str | None]:
    """header -> interchange field (None = not imported); each field is used at most once."""
    fn = _suggest_partnership if kind == "partnerships" else _suggest_flow
    out: dict[str, str | None] = {}
    used: set[str] = set()
    for h in headers:
        f = fn(str(h))
        if f in used:
            f = None
        out[h] = f
        if f:
            used.add(f)
    return out


def detect_kind(headers: list[str]) -> str:
    f = sum(v is not None for v in suggest(headers, "flows").values())
    p = sum(v is not None for v in suggest(headers, "partnerships").values())
    return "partnerships" if p > f else "flows"
