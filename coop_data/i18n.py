"""Interface languages: English, French, Spanish.

`t(key, lang)` looks a string up in one catalog. A key missing in a language
falls back to English at run time and is logged once; with COOP_I18N_STRICT=1
(the tests) it raises, so a gap is seen in tests rather than shipped silently.
Data values (place names, summaries) are never translated.
"""
from __future__ import annotations

import functools
import logging
import os

from . import dates

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

CATALOG.update({
    # the active filter in words (Filter.describe)
    "flt.dated": {"en": "dated {a} to {b} (undated flows left out)", "fr": "datés de {a} à {b} (flux non datés exclus)",
                  "es": "fechados de {a} a {b} (flujos sin fecha excluidos)"},
    "flt.start": {"en": "the start", "fr": "le début", "es": "el inicio"},
    "flt.end": {"en": "the end", "fr": "la fin", "es": "el final"},
    "flt.or": {"en": " or ", "fr": " ou ", "es": " o "},
    "flt.direction": {"en": "direction {v}", "fr": "sens {v}", "es": "dirección {v}"},
    "flt.donor_in": {"en": "donor in {v}", "fr": "donateur : {v}", "es": "donante: {v}"},
    "flt.recipient_in": {"en": "recipient in {v}", "fr": "bénéficiaire : {v}", "es": "receptor: {v}"},
    "flt.donor_region": {"en": "donor region {v}", "fr": "région du donateur {v}", "es": "región del donante {v}"},
    "flt.recipient_region": {"en": "recipient region {v}", "fr": "région du bénéficiaire {v}", "es": "región del receptor {v}"},
    "flt.aid": {"en": "aid: {v}", "fr": "aide : {v}", "es": "ayuda: {v}"},
    "flt.status": {"en": "status: {v}", "fr": "statut : {v}", "es": "estado: {v}"},
    "flt.level": {"en": "actor level: {v}", "fr": "niveau d'acteur : {v}", "es": "nivel del actor: {v}"},
    "flt.through": {"en": "through {v}", "fr": "via {v}", "es": "a través de {v}"},
    "flt.city": {"en": "city or actor matching '{v}'", "fr": "ville ou acteur contenant « {v} »", "es": "ciudad o actor que contiene «{v}»"},
    "flt.all": {"en": "All flows", "fr": "Tous les flux", "es": "Todos los flujos"},
    "flt.flows": {"en": "Flows {v}", "fr": "Flux {v}", "es": "Flujos {v}"},
    "flt.scheme": {"en": "North/South by {v}", "fr": "Nord/Sud selon {v}", "es": "Norte/Sur según {v}"},
    "scheme.income": {"en": "World Bank income groups (high income = North)",
                      "fr": "les groupes de revenu de la Banque mondiale (revenu élevé = Nord)",
                      "es": "los grupos de ingreso del Banco Mundial (ingreso alto = Norte)"},
    "scheme.economy": {"en": "Developed / developing (Natural Earth ECONOMY)", "fr": "pays développés / en développement (Natural Earth ECONOMY)",
                       "es": "países desarrollados / en desarrollo (Natural Earth ECONOMY)"},
    # measures
    "measure.flows": {"en": "Number of flows", "fr": "Nombre de flux", "es": "Número de flujos"},
    "measure.eur": {"en": "Money delivered", "fr": "Montants versés", "es": "Dinero entregado"},
    "measure.masks": {"en": "Masks delivered", "fr": "Masques livrés", "es": "Mascarillas entregadas"},
    "measure.patients": {"en": "Patients treated", "fr": "Patients soignés", "es": "Pacientes tratados"},
    "unit.flows": {"en": "flows", "fr": "flux", "es": "flujos"},
    "unit.EUR": {"en": "EUR", "fr": "EUR", "es": "EUR"},
    "unit.masks": {"en": "masks", "fr": "masques", "es": "mascarillas"},
    "unit.patients": {"en": "patients", "fr": "patients", "es": "pacientes"},
    "chart.measure": {"en": "Measure: {label} ({unit}).", "fr": "Mesure : {label} ({unit}).", "es": "Medida: {label} ({unit})."},
    "chart.source": {"en": "Sources: {n} pages cited by {m} records. Data: {data}.",
                     "fr": "Sources : {n} pages citées par {m} enregistrements. Données : {data}.",
                     "es": "Fuentes: {n} páginas citadas por {m} registros. Datos: {data}."},
    # decks and handouts
    "deck.intro": {"en": "{n} scenes, built from the data on {date}. Every number is computed from the records.",
                   "fr": "{n} scènes, construites à partir des données le {date}. Chaque chiffre est calculé à partir des enregistrements.",
                   "es": "{n} escenas, construidas a partir de los datos el {date}. Cada cifra se calcula a partir de los registros."},
    "deck.footer": {"en": "Scene {i} of {n}. Cite this view: {cite}", "fr": "Scène {i} sur {n}. Citer cette vue : {cite}",
                    "es": "Escena {i} de {n}. Citar esta vista: {cite}"},
    "deck.alt": {"en": "Text alternative:", "fr": "Description textuelle :", "es": "Alternativa textual:"},
    "deck.cite": {"en": "Cite this view:", "fr": "Citer cette vue :", "es": "Citar esta vista:"},
    "story.shipped_title": {"en": "City Solidarity Flows: the shipped story", "fr": "City Solidarity Flows : le récit fourni",
                            "es": "City Solidarity Flows: el relato incluido"},
})

CATALOG.update({
    "word.and": {"en": " and ", "fr": " et ", "es": " y "},
    "qual.about": {"en": "about", "fr": "environ", "es": "unos"},
    "qual.almost": {"en": "almost", "fr": "près de", "es": "casi"},
    "qual.more_than": {"en": "more than", "fr": "plus de", "es": "más de"},
    "qual.up_to": {"en": "up to", "fr": "jusqu'à", "es": "hasta"},
    "s1.title": {"en": "January–February 2020: the world helps Chinese cities", "fr": "Janvier–février 2020 : le monde aide les villes chinoises",
                 "es": "Enero–febrero de 2020: el mundo ayuda a las ciudades chinas"},
    "s1.caption": {"en": "{flows} flows dated up to February 2020 went to mainland China from partners in {countries} countries; {masks} masks were reported delivered.",
                   "fr": "{flows} flux datés jusqu'à février 2020 sont allés vers la Chine continentale depuis des partenaires de {countries} pays ; {masks} masques ont été déclarés livrés.",
                   "es": "{flows} flujos fechados hasta febrero de 2020 llegaron a China continental desde socios de {countries} países; se declararon entregadas {masks} mascarillas."},
    "s2.title": {"en": "From March 2020: Chinese cities return the help", "fr": "À partir de mars 2020 : les villes chinoises rendent l'aide",
                 "es": "Desde marzo de 2020: las ciudades chinas devuelven la ayuda"},
    "s2.caption": {"en": "{flows} flows from mainland Chinese cities and provinces reached {countries} countries from March 2020; {masks} masks delivered — {times} times the masks of the first wave.",
                   "fr": "{flows} flux partis de villes et provinces de Chine continentale ont atteint {countries} pays à partir de mars 2020 ; {masks} masques livrés — {times} fois les masques de la première vague.",
                   "es": "{flows} flujos desde ciudades y provincias de China continental llegaron a {countries} países desde marzo de 2020; {masks} mascarillas entregadas: {times} veces las de la primera ola."},
    "s3.title": {"en": "The reversal, month by month", "fr": "Le renversement, mois par mois", "es": "El vuelco, mes a mes"},
    "s3.caption": {"en": "Help towards China peaked in {m1} ({n1} flows); help from China peaked in {m2} ({n2} flows). Flows dated only by year are not placed in a month.",
                   "fr": "L'aide vers la Chine a culminé en {m1} ({n1} flux) ; l'aide venue de Chine a culminé en {m2} ({n2} flux). Les flux datés seulement par l'année ne sont placés dans aucun mois.",
                   "es": "La ayuda hacia China alcanzó su máximo en {m1} ({n1} flujos); la ayuda desde China, en {m2} ({n2} flujos). Los flujos fechados solo por año no se sitúan en ningún mes."},
    "s4.title": {"en": "North–North: hospitals take in patients", "fr": "Nord–Nord : des hôpitaux accueillent des patients",
                 "es": "Norte–Norte: hospitales acogen a pacientes"},
    "s4.caption": {"en": "{patients} patients from {origins} were treated in {n} reported transfers, {k} of them by hospitals and regions in {country}.",
                   "fr": "{patients} patients venus de {origins} ont été soignés lors de {n} transferts signalés, dont {k} par des hôpitaux et des régions ({country}).",
                   "es": "{patients} pacientes de {origins} fueron atendidos en {n} traslados registrados, {k} de ellos por hospitales y regiones de {country}."},
    "s5.title": {"en": "Reciprocity: help that went both ways", "fr": "Réciprocité : une aide dans les deux sens", "es": "Reciprocidad: ayuda en ambos sentidos"},
    "s5.caption": {"en": "{pairs} pairs of places helped each other in both directions. For example, {a} sent {b} {gift1} ({d1}), and {b} sent {gift2} back ({d2}).",
                   "fr": "{pairs} paires de lieux se sont aidées dans les deux sens. Par exemple, {a} a envoyé à {b} {gift1} ({d1}), et {b} a renvoyé {gift2} ({d2}).",
                   "es": "{pairs} pares de lugares se ayudaron en ambos sentidos. Por ejemplo, {a} envió a {b} {gift1} ({d1}) y {b} devolvió {gift2} ({d2})."},
    "s6.title": {"en": "City networks pool emergency money", "fr": "Les réseaux de villes mettent en commun des fonds d'urgence",
                 "es": "Las redes de ciudades reúnen fondos de emergencia"},
    "s6.caption": {"en": "{n} city networks and associations ran COVID-19 emergency funds with a stated amount: EUR {eur} across their current versions{note}. Earlier versions of a fund are not added twice.",
                   "fr": "{n} réseaux de villes et associations ont géré des fonds d'urgence COVID-19 au montant déclaré : {eur} EUR pour leurs versions actuelles{note}. Les versions antérieures d'un fonds ne sont pas comptées deux fois.",
                   "es": "{n} redes de ciudades y asociaciones gestionaron fondos de emergencia COVID-19 con un importe declarado: {eur} EUR en sus versiones actuales{note}. Las versiones anteriores de un fondo no se suman dos veces."},
    "s6.note": {"en": ", of which {items} are stated approximately", "fr": ", dont {items} sont des montants approximatifs",
                "es": ", de los cuales {items} son importes aproximados"},
})

MONTHS_LONG = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
}

MONTHS = {
    "en": dates.MONTHS,
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


def month_long(ts, lang: str = DEFAULT) -> str:
    """'March 2020', 'mars 2020', 'marzo de 2020'."""
    import pandas as pd

    d = pd.Timestamp(ts)
    m = MONTHS_LONG[lang_of(lang)][d.month - 1]
    return f"{m} de {d.year}" if lang == "es" else f"{m} {d.year}"


def country_name(iso3: str, lang: str = DEFAULT, default: str = "") -> str:
    """A country's name in the interface language (ISO 3166 names from pycountry's translations); English otherwise."""
    if lang == DEFAULT:
        return default or iso3
    return _country_names(lang).get(iso3, default or iso3)


@functools.lru_cache(maxsize=4)
def _country_names(lang: str) -> dict[str, str]:
    import gettext

    import pycountry

    try:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext
    except OSError:
        return {}
    return {c.alpha_3: tr(getattr(c, "common_name", c.name)) for c in pycountry.countries}
