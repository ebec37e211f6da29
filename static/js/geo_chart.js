// Geo charts drawn with plotly.js's geo-only bundle (1.4 MB, served from /app/static/js/) instead of
// Streamlit's plotly chunk (the full 4.7 MB bundle): a cold load of the map page parses 0.7 s less.
// Mounted by coop_ui.geo_chart as a Streamlit components.v2 component; data = {spec, config, bundle, select}.
// With select, a click on a place or country is sent back as the state value "selection" ({points: [{customdata, location}]}).
export default function ({ parentElement, data, setStateValue }) {
  let el = parentElement.querySelector("div.coop-geo-chart");
  if (!el) {
    el = document.createElement("div");
    el.className = "coop-geo-chart";
    parentElement.appendChild(el);
  }
  const draw = () => {
    const fig = JSON.parse(data.spec);
    window.Plotly.react(el, { data: fig.data, layout: fig.layout, frames: fig.frames || [], config: data.config }).then(() => {
      // Plotly.react may replot from scratch and drop listeners: bind again after every draw.
      el.removeAllListeners("plotly_click");
      el.removeAllListeners("plotly_doubleclick");
      if (!data.select) return;
      el.on("plotly_click", (e) => {
        const points = e.points.map((p) => ({ customdata: p.customdata ?? null, location: p.location ?? null }));
        setStateValue("selection", { points });
      });
      el.on("plotly_doubleclick", () => setStateValue("selection", { points: [] }));
    });
  };
  if (window.Plotly) {
    draw();
    return;
  }
  let script = document.getElementById("coop-plotly-geo");
  if (!script) {
    script = document.createElement("script");
    script.id = "coop-plotly-geo";
    script.src = data.bundle;
    document.head.appendChild(script);
  }
  script.addEventListener("load", draw, { once: true });
}
