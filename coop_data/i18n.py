"""Interface languages: English, French, Spanish.

`t(key, lang)` looks a string up in one catalog. A key missing in a language
falls back to English at run time and is logged once; with COOP_I18N_STRICT=1
(the tests) it raises, so a gap is seen in tests rather than shipped silently.
Data values (place names, summaries) are never translated.
"""
from __future__ import annotations

import logging
import os

LANGS = {"en": "English", "fr": "Français", "es": "Español"}
DEFAULT = "en"
_log = logging.getLogger(__name__)
_warned: set[tuple[str, str]] = set()

CATALOG: dict[str, dict[str, str]] = {
    # navigation
    "nav.home": {"en": "Home", "fr": "Accueil", "es": "Inicio"},
    "nav.map": {"en": "Flow map", "fr": "Carte des flux", "es": "Mapa de flujos"},
    "nav.sankey": {"en": "Sankey", "fr": "Sankey", "es": "Sankey"},
    "nav.timeline": {"en": "Timeline", "fr": "Chronologie", "es": "Cronología"},
    "nav.partnerships": {"en": "Partnerships", "fr": "Partenariats", "es": "Hermanamientos"},
    "nav.funds": {"en": "Network funds", "fr": "Fonds des réseaux", "es": "Fondos de las redes"},
    "nav.explorer": {"en": "Explorer", "fr": "Explorateur", "es": "Explorador"},
    "nav.story": {"en": "Story", "fr": "Récit", "es": "Relato"},
    "nav.import": {"en": "Import your data", "fr": "Importer vos données", "es": "Importar sus datos"},
    "nav.methods": {"en": "Methods & sources", "fr": "Méthodes et sources", "es": "Métodos y fuentes"},
    # sidebar
    "sb.language": {"en": "Language", "fr": "Langue", "es": "Idioma"},
    "sb.data": {"en": "Data", "fr": "Données", "es": "Datos"},
    "sb.show": {"en": "Show", "fr": "Afficher", "es": "Mostrar"},
    "sb.filters": {"en": "Filters", "fr": "Filtres", "es": "Filtros"},
    "sb.from": {"en": "From", "fr": "De", "es": "Desde"},
    "sb.to": {"en": "To", "fr": "À", "es": "Hasta"},
    "sb.any": {"en": "any", "fr": "toutes", "es": "cualquiera"},
    "sb.direction": {"en": "Direction", "fr": "Sens", "es": "Dirección"},
    "sb.donor_country": {"en": "Donor country", "fr": "Pays donateur", "es": "País donante"},
    "sb.recipient_country": {"en": "Recipient country", "fr": "Pays bénéficiaire", "es": "País receptor"},
    "sb.donor_region": {"en": "Donor region", "fr": "Région donatrice", "es": "Región donante"},
    "sb.recipient_region": {"en": "Recipient region", "fr": "Région bénéficiaire", "es": "Región receptora"},
    "sb.city": {"en": "City or actor contains", "fr": "Ville ou acteur contenant", "es": "Ciudad o actor que contiene"},
    "sb.more": {"en": "More filters", "fr": "Autres filtres", "es": "Más filtros"},
    "sb.aid_kind": {"en": "Aid kind", "fr": "Type d'aide", "es": "Tipo de ayuda"},
    "sb.level": {"en": "Actor level (either side)", "fr": "Niveau d'acteur (l'un ou l'autre côté)", "es": "Nivel del actor (cualquier lado)"},
    "sb.status": {"en": "Status", "fr": "Statut", "es": "Estado"},
    "sb.network": {"en": "Network or fund", "fr": "Réseau ou fonds", "es": "Red o fondo"},
    "sb.scheme": {"en": "North/South scheme", "fr": "Classement Nord/Sud", "es": "Clasificación Norte/Sur"},
    "sb.reset": {"en": "Reset filters", "fr": "Réinitialiser les filtres", "es": "Restablecer filtros"},
    "sb.match": {"en": "{n} of {total} flows match.", "fr": "{n} flux sur {total} correspondent.", "es": "{n} de {total} flujos coinciden."},
    "sb.link": {"en": "Every view is a link: copy the address bar to share exactly this view.",
                "fr": "Chaque vue est un lien : copiez la barre d'adresse pour partager exactement cette vue.",
                "es": "Cada vista es un enlace: copie la barra de direcciones para compartir exactamente esta vista."},
    # direction categories
    "dir.north_south": {"en": "North → South", "fr": "Nord → Sud", "es": "Norte → Sur"},
    "dir.north_north": {"en": "North → North", "fr": "Nord → Nord", "es": "Norte → Norte"},
    "dir.south_south": {"en": "South → South", "fr": "Sud → Sud", "es": "Sur → Sur"},
    "dir.south_north": {"en": "South → North", "fr": "Sud → Nord", "es": "Sur → Norte"},
    "dir.china_to_partner": {"en": "China → partner", "fr": "Chine → partenaire", "es": "China → socio"},
    "dir.partner_to_china": {"en": "Partner → China", "fr": "Partenaire → Chine", "es": "Socio → China"},
    "dir.network_to_south": {"en": "Network → South", "fr": "Réseau → Sud", "es": "Red → Sur"},
    "dir.network_to_north": {"en": "Network → North", "fr": "Réseau → Nord", "es": "Red → Norte"},
    "dir.unclassified": {"en": "Unclassified (country unknown)", "fr": "Non classé (pays inconnu)", "es": "Sin clasificar (país desconocido)"},
    # home headline
    "home.flows": {"en": "Flows", "fr": "Flux", "es": "Flujos"},
    "home.cities": {"en": "Cities", "fr": "Villes", "es": "Ciudades"},
    "home.countries": {"en": "Countries", "fr": "Pays", "es": "Países"},
    "home.money": {"en": "Money delivered", "fr": "Montants versés", "es": "Dinero entregado"},
    "home.masks": {"en": "Masks delivered", "fr": "Masques livrés", "es": "Mascarillas entregadas"},
    "home.patients": {"en": "Patients treated", "fr": "Patients soignés", "es": "Pacientes tratados"},
    # story controls
    "story.previous": {"en": "◀ Previous", "fr": "◀ Précédent", "es": "◀ Anterior"},
    "story.next": {"en": "Next ▶", "fr": "Suivant ▶", "es": "Siguiente ▶"},
    "story.present": {"en": "Presenter mode", "fr": "Mode présentation", "es": "Modo presentación"},
    "story.exit": {"en": "Exit presenter mode", "fr": "Quitter le mode présentation", "es": "Salir del modo presentación"},
    "story.scene": {"en": "scene {n} of {total}", "fr": "scène {n} sur {total}", "es": "escena {n} de {total}"},
    "story.deck": {"en": "Deck (PowerPoint)", "fr": "Diaporama (PowerPoint)", "es": "Presentación (PowerPoint)"},
    "story.handout_html": {"en": "Handout (HTML)", "fr": "Document (HTML)", "es": "Documento (HTML)"},
    "story.handout_pdf": {"en": "Handout (PDF)", "fr": "Document (PDF)", "es": "Documento (PDF)"},
}

MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    "es": ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."],
}


def lang_of(value) -> str:
    return value if value in LANGS else DEFAULT


def t(key: str, lang: str = DEFAULT, **kw) -> str:
    entry = CATALOG.get(key)
    if entry is None:
        raise KeyError(f"no UI string {key!r}")
    text = entry.get(lang)
    if text is None:
        if os.environ.get("COOP_I18N_STRICT") == "1":
            raise KeyError(f"UI string {key!r} has no {lang!r} translation")
        if (key, lang) not in _warned:
            _warned.add((key, lang))
            _log.warning("UI string %r has no %r translation: English shown", key, lang)
        text = entry[DEFAULT]
    return text.format(**kw) if kw else text


def number(x: float, lang: str = DEFAULT, decimals: int = 0) -> str:
    """1234567.5 -> '1,234,568' (en), '1 234 568' (fr, narrow no-break space), '1.234.568' (es)."""
    s = f"{x:,.{decimals}f}"
    if lang == "fr":
        return s.replace(",", "\u202f").replace(".", ",")
    if lang == "es":
        return s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def month(ts, lang: str = DEFAULT, day: bool = False) -> str:
    """A date at month (or day) precision in the interface language: 'Mar 2020', 'mars 2020', '12 mar. 2020'."""
    import pandas as pd

    d = pd.Timestamp(ts)
    m = f"{MONTHS[lang_of(lang)][d.month - 1]} {d.year}"
    return f"{d.day} {m}" if day else m
