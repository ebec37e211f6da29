// Presentation keys on the story page: the keys a presentation clicker sends, and reveal.js's habits.
// → PageDown Space N: next scene; ← PageUp P: previous; Home / End: first / last; F: full screen on and off
// (Esc leaves it, as the browser does). Keys typed into a field are left alone, and so are Space and Enter on a
// focused button (the button itself acts on them). Mounted by coop_ui.presentation_keys; the page gets
// the trigger value "go" (next, previous, first, last).
export default function ({ setTriggerValue }) {
  const state = (window.__coopClicker = window.__coopClicker || {});
  state.send = setTriggerValue; // the latest render's sender
  if (state.bound) return;
  state.bound = true;
  const KEYS = {
    ArrowRight: "next", PageDown: "next", " ": "next", n: "next", N: "next",
    ArrowLeft: "previous", PageUp: "previous", p: "previous", P: "previous",
    Home: "first", End: "last",
  };
  document.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.repeat) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (t && t.tagName === "BUTTON" && (e.key === " " || e.key === "Enter")) return;
    if (e.key === "f" || e.key === "F") {
      e.preventDefault();
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(() => {});
      return;
    }
    const go = KEYS[e.key];
    if (!go) return;
    e.preventDefault();
    state.send("go", go);
  });
}
