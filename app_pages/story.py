"""Story mode: play the shipped story (or a saved one) scene by scene, present it full-screen,
download it as a deck or handout, and build your own from the views you filter."""

import dataclasses
import secrets

import streamlit as st

import coop_ui as ui
from coop_data import aggregate, pages, story
from coop_data.figures import highlight
from coop_data.figures.render import FORMATS

flt, _ = ui.current()
b = ui.base_bundle()
params = {k: st.query_params[k] for k in st.query_params.keys()}
story_id = params.get("story", "shipped")


LANG = ui.lang()
T = ui.T


@st.cache_resource(show_spinner=False)
def _shipped(lang: str):
    return story.shipped(ui.base_bundle(), lang)


@st.cache_resource(show_spinner=False, max_entries=64)
def _figure(sc_key: str, lang: str, _scene):
    return story.scene_figure(_scene, ui.base_bundle(), lang=lang)


if story_id == "shipped":
    scenes, title = _shipped(LANG), T("story.shipped_title")
else:
    saved = ui.store().load_story(story_id)
    if saved is None:
        st.warning(T("story.not_found"))
        story_id, scenes, title = "shipped", _shipped(LANG), T("story.shipped_title")
    else:
        scenes, title = story.from_body(saved), saved["title"]

try:
    asked = int(params.get("scene", "1"))
except ValueError:
    asked = 0
n = min(max(asked, 1), max(len(scenes), 1))
if scenes and asked != n:
    st.warning(T("story.bad_scene", v=str(params.get("scene"))[:20], total=len(scenes)), icon="⚠️")
present = params.get("present") == "1"


def _go(k: int) -> None:
    st.query_params["scene"] = str(k)
    st.query_params["story"] = story_id


if present:
    # Our own CSS (no user text): hide the app's chrome and enlarge type for a projector.
    st.markdown(
        "<style>[data-testid='stSidebar'],[data-testid='stHeader'],[data-testid='stSidebarCollapsedControl']{display:none}"
        ".block-container{max-width:100%;padding-top:1rem}h1{font-size:3rem!important}"
        "[data-testid='stMarkdownContainer'] p{font-size:1.5rem}</style>",
        unsafe_allow_html=True,
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
    c1, c2, c3, c4 = st.columns([1, 1, 2, 2])
    c1.button(
        T("story.previous"),
        on_click=_go,
        args=(n - 1,),
        disabled=n <= 1,
        key="story-prev",
    )
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
    fig, view, alt = _figure(f"{story_id}:{n}:{sc!r}", LANG, sc)
    ui.chart(fig, f"story-{n}", geo=sc.chart in ("map", "animated", "partnerships"), alt=alt)
    missing = highlight.unmatched(b, sc.highlight) if sc.chart in ("map", "animated", "partnerships") else []
    if missing:
        st.caption(T("hl.missing", names=ui.md_escape(", ".join(missing))))
    base = ui.app_root()
    st.caption(T("story.permalink"))
    st.code(story.permalink(base, story_id, n, LANG), language=None)

    d1, d2, d3 = st.columns(3)
    for col, fmt, mime, label in (
        (
            d1,
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            T("story.deck"),
        ),
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

st.divider()
with st.expander(T("story.build"), expanded=story_id != "shipped"):
    st.caption(T("story.build_help"))
    draft = st.session_state.setdefault("story_draft", [])
    keys = st.session_state.setdefault("my_stories", {})
    if story_id != "shipped" and story_id in keys and not st.session_state.get("draft_loaded") == story_id:
        st.session_state["story_draft"] = draft = [dataclasses.asdict(s) for s in scenes]
        st.session_state["draft_loaded"] = story_id
    with st.form("add-scene", clear_on_submit=True):
        s_title = st.text_input(T("story.f_title"), max_chars=200)
        cap = st.text_area(T("story.f_caption"), max_chars=1000)
        f1, f2, f3 = st.columns(3)
        chart = f1.selectbox(
            T("story.f_chart"), list(story.CHARTS), key="add-chart", format_func=lambda c: T(f"chartkind.{c}")
        )
        measure = f2.selectbox(
            T("sankey.measure"),
            list(aggregate.MEASURES),
            key="add-measure",
            format_func=lambda m: f"{T('measure.' + m)} ({T('unit.' + aggregate.MEASURES[m][1])})",
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
    for i, s in enumerate(draft):
        uid = s.setdefault(
            "_uid", secrets.token_hex(4)
        )  # widget keys follow the scene, not its position, when scenes move
        r = st.columns([6, 1, 1, 1])
        with r[0].expander(
            f"{i + 1}. {s['title'] or T('story.untitled')} — {T('chartkind.' + s['chart'])}"
            + (f" ◎ {s['highlight']}" if s.get("highlight") else "")
        ):
            s["title"] = st.text_input(
                T("story.f_title"), value=s["title"], max_chars=200, key=f"edit-{uid}-title"
            )
            s["caption"] = st.text_area(
                T("story.f_caption"), value=s["caption"], max_chars=1000, key=f"edit-{uid}-caption"
            )
            s["highlight"] = st.text_input(
                T("story.f_highlight"),
                value=s.get("highlight", ""),
                max_chars=200,
                key=f"edit-{uid}-highlight",
            ).strip()
            st.caption(
                T("story.f_filter")
                + " "
                + ui.md_escape(
                    story.from_body({"scenes": [s]})[0].filter(b.countries).describe(b.countries, LANG)
                )
            )
        if r[1].button("↑", key=f"up-{i}", disabled=i == 0, help=T("story.up")):
            draft[i - 1], draft[i] = draft[i], draft[i - 1]
            st.rerun()
        if r[2].button("↓", key=f"down-{i}", disabled=i == len(draft) - 1, help=T("story.down")):
            draft[i + 1], draft[i] = draft[i], draft[i + 1]
            st.rerun()
        if r[3].button("✕", key=f"del-{i}", help=T("story.remove")):
            draft.pop(i)
            st.rerun()
    name = st.text_input(
        T("story.s_title"), value=title if story_id != "shipped" else "", max_chars=120, key="story-title"
    )
    if draft and st.button(T("story.save"), key="story-save", type="primary"):
        body = story.to_body(story.from_body({"scenes": draft}))
        if story_id != "shipped" and story_id in keys:
            res = ui.store().save_story(name or T("story.untitled_story"), body, story_id, keys[story_id])
        else:
            res = ui.store().save_story(name or T("story.untitled_story"), body)
        if res:
            keys[res[0]] = res[1]
            st.query_params.from_dict({"story": res[0], "scene": "1"})
            st.session_state[ui.SYNC_KEY] = {"story": res[0], "scene": "1"}
            st.rerun()
