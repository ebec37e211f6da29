"""Story mode: play the shipped story (or a saved one) scene by scene, present it full-screen,
download it as a deck or handout, build your own from the views you filter, and edit a saved one with its key."""

import dataclasses
import hashlib
import secrets
import time

import streamlit as st

import coop_ui as ui
from coop_data import filters, pages, story, vocab
from coop_data.figures import highlight
from coop_data.figures.render import FORMATS
from coop_data.figures.render import warm as warm_renderer

flt, _ = ui.current()
b = ui.base_bundle()
params = {k: st.query_params[k] for k in st.query_params.keys()}
story_id = params.get("story", "shipped")


LANG = ui.lang()
T = ui.T
keys = st.session_state.setdefault("my_stories", {})  # story id -> edit key, for this browser session only


@st.cache_resource(show_spinner=False)
def _shipped(lang: str):
    return story.shipped(ui.base_bundle(), lang)


@st.cache_resource(show_spinner=False, max_entries=64)
def _figure(sc_key: str, lang: str, _scene):
    return story.scene_figure(_scene, ui.base_bundle(), lang=lang)


@st.cache_resource(show_spinner=False, max_entries=64)
def _present_figure(sc_key: str, lang: str, _scene):
    """The chart for a 1920x1080 projector: as high as the screen leaves under the title and caption (a map's ranges
    then widen to the screen's shape, story.projector_figure), chart text of at least 16 px."""
    fig = story.projector_figure(
        _figure(sc_key, lang, _scene)[0], 16, 1800, story.present_height(_scene), drop_title=True
    )
    fig.layout.width = None  # the page's width
    return fig


# An edit link's key (coop_ui moved it from the URL to the session): checked once, then kept for this session.
pending = st.session_state.pop(ui.STORY_EDIT, None)
if pending and pending[0] == story_id and story_id != "shipped":
    if ui.store().story_key_ok(story_id, pending[1]):
        keys[story_id] = pending[1].strip()
        st.session_state.pop("draft_loaded", None)
        st.success(T("story.unlocked"))
    else:
        st.warning(T("story.bad_key"))

if story_id == "shipped":
    scenes, title = _shipped(LANG), T("story.shipped_title")
else:
    saved = ui.store().load_story(story_id)
    if saved is None:
        st.warning(T("story.not_found"))
        story_id, scenes, title = "shipped", _shipped(LANG), T("story.shipped_title")
    else:
        scenes, title = story.from_body(saved), saved["title"]
can_edit = story_id != "shipped" and story_id in keys

try:
    asked = int(params.get("scene", "1"))
except ValueError:
    asked = 0
n = min(max(asked, 1), max(len(scenes), 1))
if scenes and asked != n:
    st.warning(T("story.bad_scene", v=str(params.get("scene"))[:20], total=len(scenes)), icon="⚠️")
present = params.get("present") == "1"
base = ui.app_root()

just = st.session_state.pop("_just_saved", None)  # the edit key, shown once right after the story is created
if just and just[0] == story_id:
    st.success(T("story.edit_key_once"))
    st.caption(T("story.edit_link"))
    st.code(f"{base or ''}/story?story={just[0]}&edit={just[1]}", language=None)
    st.caption(T("story.share_link"))
    st.code(story.permalink(base, just[0], 1, LANG), language=None)


def _go(k: int) -> None:
    st.query_params["scene"] = str(k)
    st.query_params["story"] = story_id


if present:
    # Our own CSS (no user text): hide the app's chrome and enlarge type for a projector; the chart follows the
    # caption directly and fills the rest of a 1920x1080 screen (the buttons go under it: the clicker drives).
    st.markdown(
        "<style>[data-testid='stSidebar'],[data-testid='stHeader'],[data-testid='stSidebarCollapsedControl']{display:none}"
        ".block-container{max-width:100%;padding-top:1rem;padding-left:3rem;padding-right:3rem}"
        "h1{font-size:3rem!important;padding-top:0!important}"
        "[data-testid='stMarkdownContainer'] p{font-size:1.5rem}</style>",
        unsafe_allow_html=True,
    )


def _controls() -> None:
    c1, c2, c3, c4 = st.columns([1, 1, 2, 2])
    c1.button(T("story.previous"), on_click=_go, args=(n - 1,), disabled=n <= 1, key="story-prev")
    c2.button(
        T("story.next"),
        on_click=_go,
        args=(n + 1,),
        disabled=n >= len(scenes),
        key="story-next",
        type="primary",
    )
    c3.button(
        T("story.exit") if present else T("story.present"),
        key="story-present",
        on_click=lambda: st.query_params.__setitem__("present", "0" if present else "1"),
        help=T("story.present_help"),
    )
    c4.page_link(
        pages.by_slug(story.PAGE_OF_CHART[sc.chart]).file,
        label=T("story.open_view"),
        icon=":material/open_in_new:",
        query_params={
            **sc.params,
            **({"highlight": sc.highlight} if sc.highlight else {}),
            **({"lang": LANG} if LANG != "en" else {}),
            **({"dataset": ui.scope()[0]} if ui.scope()[0] else {}),
        },
    )
    st.caption(T("story.keys"))


def _deck() -> None:
    """The deck is built on a button press with progress per scene, kept for this story and language, then offered;
    a scene whose chart failed is named."""
    sig = hashlib.sha256(repr((story_id, LANG, title, scenes)).encode()).hexdigest()[:16]
    built = st.session_state.get("_deck")
    if built and built[0] != sig:
        built = None
    if st.button(T("story.build_deck"), key="story-build-deck", help=T("story.dl_help")):
        errors: list = []
        t0 = time.perf_counter()
        with st.status(T("story.building", n=len(scenes)), expanded=True) as box:
            bar = st.progress(0.0)

            def progress(done: int, total: int, name: str) -> None:
                bar.progress(done / total)
                st.write(T("story.built_scene", i=done, n=total, title=name))

            data = story.to_pptx(scenes, b, title, base, story_id, LANG, progress=progress, errors=errors)
            secs = f"{time.perf_counter() - t0:.0f}"
            box.update(
                label=T("story.deck_partial", k=len(errors), n=len(scenes))
                if errors
                else T("story.deck_ready", n=len(scenes), s=secs),
                state="error" if errors else "complete",
                expanded=bool(errors),
            )
        built = (sig, data, [(e.number, e.title, str(e.error)[:300]) for e in errors])
        st.session_state["_deck"] = built
    if built:
        for num, name, err in built[2]:
            st.error(T("story.deck_scene_failed", n=num, title=ui.md_escape(name), error=ui.md_escape(err)))
        st.download_button(
            T("story.deck_download"),
            data=built[1],
            file_name=f"story-{LANG}.pptx",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            key="story-dl-pptx",
            type="primary",
        )


if not scenes:
    st.info(T("story.empty"))
else:
    pressed = ui.presentation_keys()
    target = {"next": n + 1, "previous": n - 1, "first": 1, "last": len(scenes)}.get(pressed or "", n)
    if min(max(target, 1), len(scenes)) != n:
        _go(min(max(target, 1), len(scenes)))
        st.rerun()
    sc = scenes[n - 1]
    st.caption(
        f"{'' if story_id == 'shipped' else T('story.saved') + ' '}{ui.md_escape(title)} — {T('story.scene', n=n, total=len(scenes))}"
    )
    st.title(ui.md_escape(sc.title) or T("story.scene_n", n=n))
    st.markdown("#### " + ui.md_escape(sc.caption))
    if not present:
        _controls()
    fig, view, alt = _figure(f"{story_id}:{n}:{sc!r}", LANG, sc)
    if present:  # chart text of at least 16 px, the chart as high as the screen leaves under the caption
        fig = _present_figure(f"{story_id}:{n}:{sc!r}", LANG, sc)
    # Presenting, the screen is the chart's: its text alternative follows the scene controls, below the screen.
    ui.chart(
        fig, f"story-{n}", geo=sc.chart in ("map", "animated", "partnerships"), alt=alt, alt_shown=not present
    )
    if present:
        _controls()
        st.caption(T("alt.prefix") + " " + ui.md_escape(alt))
    missing = highlight.unmatched(b, sc.highlight) if sc.chart in ("map", "animated", "partnerships") else []
    if missing:
        st.caption(T("hl.missing", names=ui.md_escape(", ".join(missing))))
    st.caption(T("story.permalink"))
    st.code(story.permalink(base, story_id, n, LANG), language=None)

    if (
        base and not present
    ):  # start the image renderer now, so building the deck does not wait for it (not while
        # presenting: its Chromium starting would slow the scene changes the room is waiting for)
        warm_renderer()
    _deck()
    d2, d3 = st.columns(2)
    for col, fmt, mime, label in (
        (d2, "html", FORMATS["html"], T("story.handout_html")),
        (d3, "pdf", "application/pdf", T("story.handout_pdf")),
    ):
        col.download_button(
            label,
            data=lambda fmt=fmt: story.WRITERS[fmt](scenes, b, title, base, story_id, LANG),
            file_name=f"story-{LANG}.{fmt}",
            mime=mime,
            key=f"story-dl-{fmt}",
            help=T("story.dl_help"),
        )


# --- building and editing --------------------------------------------------------------------------


def _filter_editor(s: dict, uid: str) -> None:
    """Date range, direction and city of one scene's filter, and a button taking the whole sidebar filter."""
    f = filters.parse(s.get("params", {}), b.countries)[0]
    months = ["any", *ui.MONTHS]
    g1, g2, g3, g4 = st.columns(4)
    anyf = lambda m: T("sb.any") if m == "any" else m  # noqa: E731
    opts = (
        months if f.date_from in months or not f.date_from else [f.date_from, *months]
    )  # a full date kept as it is
    frm = g1.selectbox(
        T("story.f_from"),
        opts,
        index=opts.index(f.date_from or "any"),
        format_func=anyf,
        key=f"edit-{uid}-from",
    )
    opts = (
        months if f.date_to in months or not f.date_to else [f.date_to, *months]
    )  # a full date kept as it is
    to = g2.selectbox(
        T("story.f_to"), opts, index=opts.index(f.date_to or "any"), format_func=anyf, key=f"edit-{uid}-to"
    )
    dirs = g3.multiselect(
        T("story.f_direction"),
        list(vocab.DIRECTIONS),
        default=[d for d in f.direction if d in vocab.DIRECTIONS],
        format_func=lambda d: T(f"dir.{d}"),
        key=f"edit-{uid}-direction",
    )
    city = g4.text_input(T("story.f_city"), value=f.city, max_chars=200, key=f"edit-{uid}-city")
    new = dataclasses.replace(
        f,
        date_from="" if frm == "any" else frm,
        date_to="" if to == "any" else to,
        direction=tuple(dirs),
        city=city.strip(),
    )
    s["params"] = new.to_params()
    c1, c2 = st.columns([3, 2])
    c1.caption(T("story.f_filter") + " " + ui.md_escape(new.describe(b.countries, LANG)))
    if c2.button(T("story.use_sidebar"), key=f"edit-{uid}-sidebar", help=T("story.use_sidebar_help")):
        s["params"] = flt.to_params()
        for k in ("from", "to", "direction", "city"):
            st.session_state.pop(f"edit-{uid}-{k}", None)
        st.rerun()


def _scene_editor(draft: list[dict]) -> None:
    """Every field of every scene (title, caption, chart, measure, highlight, filter), reorder and remove."""
    for i, s in enumerate(draft):
        uid = s.setdefault("_uid", secrets.token_hex(4))  # widget keys follow the scene, not its position
        r = st.columns([6, 1, 1, 1])
        with r[0].expander(
            f"{i + 1}. {s['title'] or T('story.untitled')} — {T('chartkind.' + s['chart'])}"
            + (f" ◎ {s['highlight']}" if s.get("highlight") else ""),
            key=f"scene-{uid}",  # stays open while its fields are edited, whatever appears above it
        ):
            s["title"] = st.text_input(
                T("story.f_title"), value=s["title"], max_chars=200, key=f"edit-{uid}-title"
            )
            s["caption"] = st.text_area(
                T("story.f_caption"), value=s["caption"], max_chars=1000, key=f"edit-{uid}-caption"
            )
            e1, e2, e3 = st.columns(3)
            s["chart"] = e1.selectbox(
                T("story.f_chart"),
                list(story.CHARTS),
                index=list(story.CHARTS).index(s["chart"]) if s["chart"] in story.CHARTS else 0,
                format_func=lambda c: T(f"chartkind.{c}"),
                key=f"edit-{uid}-chart",
            )
            ms = list(vocab.MEASURES)
            s["measure"] = e2.selectbox(
                T("sankey.measure"),
                ms,
                index=ms.index(s.get("measure", "flows")) if s.get("measure") in ms else 0,
                format_func=lambda m: f"{T('measure.' + m)} ({T('unit.' + vocab.MEASURES[m])})",
                key=f"edit-{uid}-measure",
            )
            s["highlight"] = e3.text_input(
                T("story.f_highlight"),
                value=s.get("highlight", ""),
                max_chars=200,
                key=f"edit-{uid}-highlight",
                help=T("story.f_highlight_help"),
            ).strip()
            _filter_editor(s, uid)
        if r[1].button("↑", key=f"up-{i}", disabled=i == 0, help=T("story.up")):
            draft[i - 1], draft[i] = draft[i], draft[i - 1]
            st.rerun()
        if r[2].button("↓", key=f"down-{i}", disabled=i == len(draft) - 1, help=T("story.down")):
            draft[i + 1], draft[i] = draft[i], draft[i + 1]
            st.rerun()
        if r[3].button("✕", key=f"del-{i}", help=T("story.remove")):
            draft.pop(i)
            st.rerun()


def _add_form(draft: list[dict]) -> None:
    with st.form("add-scene", clear_on_submit=True):
        s_title = st.text_input(T("story.f_title"), max_chars=200)
        cap = st.text_area(T("story.f_caption"), max_chars=1000)
        f1, f2, f3 = st.columns(3)
        chart = f1.selectbox(
            T("story.f_chart"), list(story.CHARTS), key="add-chart", format_func=lambda c: T(f"chartkind.{c}")
        )
        measure = f2.selectbox(
            T("sankey.measure"),
            list(vocab.MEASURES),
            key="add-measure",
            format_func=lambda m: f"{T('measure.' + m)} ({T('unit.' + vocab.MEASURES[m])})",
        )
        hl = f3.text_input(T("story.f_highlight"), max_chars=200, help=T("story.f_highlight_help"))
        st.caption(T("story.f_filter") + " " + ui.md_escape(flt.describe(b.countries, LANG)))
        if st.form_submit_button(T("story.add")):
            draft.append(
                {
                    "title": s_title,
                    "caption": cap,
                    "chart": chart,
                    "params": flt.to_params(),
                    "measure": measure,
                    "highlight": hl.strip(),
                }
            )


st.divider()
if can_edit:
    with st.expander(T("story.edit_title"), expanded=True, key="story-editor"):
        st.caption(T("story.edit_help"))
        if st.session_state.get("draft_loaded") != story_id:
            st.session_state["edit_draft"] = [dataclasses.asdict(s) for s in scenes]
            st.session_state["draft_loaded"] = story_id
        draft = st.session_state["edit_draft"]
        _add_form(draft)
        _scene_editor(draft)
        name = st.text_input(T("story.s_title"), value=title, max_chars=120, key=f"story-title-{story_id}")
        if st.button(T("story.save_changes"), key="story-save", type="primary"):
            body = story.to_body(story.from_body({"scenes": draft}))
            if ui.store().save_story(name or T("story.untitled_story"), body, story_id, keys[story_id]):
                st.session_state.pop("draft_loaded", None)
                st.session_state.pop("_deck", None)
                st.toast(T("story.changes_saved"))
                st.rerun()
            else:
                keys.pop(story_id, None)
                st.error(T("story.save_failed"))
        sure = st.checkbox(T("story.delete_confirm"), key="story-delete-sure")
        if st.button(T("story.delete_story"), key="story-delete", disabled=not sure):
            if ui.store().delete_story(story_id, keys.pop(story_id)):
                st.session_state.pop("draft_loaded", None)
                ui.set_view({"story": "shipped", "scene": "1"})
                st.toast(T("story.deleted"))
                st.rerun()
            st.error(T("story.save_failed"))
else:
    if story_id != "shipped":  # read-only without the key; the key opens the editor
        st.info(T("story.read_only"))
        k1, k2 = st.columns([3, 1])
        typed = k1.text_input(T("story.key_field"), type="password", max_chars=100, key="story-key")
        if k2.button(T("story.unlock"), key="story-unlock") and typed:
            st.session_state[ui.STORY_EDIT] = (story_id, typed)
            st.rerun()
    with st.expander(T("story.build"), expanded=False):
        st.caption(T("story.build_help"))
        draft = st.session_state.setdefault("story_draft", [])
        _add_form(draft)
        _scene_editor(draft)
        name = st.text_input(T("story.s_title"), value="", max_chars=120, key="story-title")
        if draft and st.button(T("story.save"), key="story-save", type="primary"):
            body = story.to_body(story.from_body({"scenes": draft}))
            res = ui.store().save_story(name or T("story.untitled_story"), body)
            if res:
                keys[res[0]] = res[1]
                st.session_state["story_draft"] = []
                st.session_state["_just_saved"] = res
                ui.set_view({"story": res[0], "scene": "1"})
                st.rerun()
