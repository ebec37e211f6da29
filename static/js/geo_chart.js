// Geo charts drawn with plotly.js's geo-only bundle (1.4 MB, served from /app/static/js/) instead of
// Streamlit's plotly chunk (the full 4.7 MB bundle): a cold load of the map page parses 0.7 s less.
// Mounted by coop_ui.geo_chart as a Streamlit components.v2 component; data = {spec, config, bundle, select}.
// With select, a click on a place or country is sent back as the state value "selection" ({points: [{customdata, location}]}).
// On a narrow container (a phone) the map takes the full width and the legend and colour bar go below it.
const NARROW = 640;

function fitToWidth(layout, data, width) {
  if (!width || width >= NARROW || layout.sliders || layout.updatemenus) return layout; // animated maps keep theirs
  const legendRows = data.filter((t) => t.showlegend !== false && t.name).length;
  const below = 34 + 22 * Math.ceil(legendRows / 2) + (data.some((t) => t.type === "choropleth") ? 64 : 0);
  const top = (layout.margin && layout.margin.t) || 60;
  const bottom = (layout.margin && layout.margin.b) || 20;
  const mapH = Math.max(200, Math.round(width * 0.62));
  const height = top + mapH + below + bottom;
  const split = (below + 10) / (mapH + below);
  const out = {
    ...layout,
    height,
    margin: { ...(layout.margin || {}), l: 4, r: 4 },
    geo: { ...(layout.geo || {}), domain: { x: [0, 1], y: [split, 1] } },
    legend: {
      ...(layout.legend || {}),
      orientation: "h",
      x: 0,
      xanchor: "left",
      y: split - 0.01,
      yanchor: "top",
      title: { ...((layout.legend || {}).title || {}), side: "top" }, // entries get the whole width to wrap in
    },
  };
  for (const t of data) {
    if (t.type === "choropleth" && t.colorbar) {
      t.colorbar = {
        ...t.colorbar,
        orientation: "h",
        x: 0,
        xanchor: "left",
        y: 0,
        yanchor: "bottom",
        len: 0.95,
        thickness: 12,
        tickangle: 0,
        tickfont: { size: 10 },
        title: { ...(t.colorbar.title || {}), text: String((t.colorbar.title || {}).text || "").replace(/<br>/g, " "), side: "top" },
      };
    }
  }
  return out;
}

// The figure names its largest places, chosen without overlap for a laptop-sized map; on a smaller map some
// would overlap: keep them in order (largest first) and hide any that hits one already kept.
function hideCollidingLabels(el) {
  const kept = [];
  for (const t of el.querySelectorAll("g.trace.scattergeo text")) {
    t.style.display = "";
    const r = t.getBoundingClientRect();
    if (!r.width) continue;
    if (kept.some((k) => r.left < k.right && k.left < r.right && r.top < k.bottom && k.top < r.bottom)) {
      t.style.display = "none";
    } else kept.push(r);
  }
}

// Places: the marker on top under the pointer is the one that answers. plotly.js's own "closest" rule favours
// the smallest marker within a few pixels, so on a world map a small neighbour drawn under a large place (Bonn
// under Cologne) took its hover and click. Here the topmost drawn marker containing the pointer wins; elsewhere
// plotly's hover (arcs, countries) works as before.
function placeUnder(el, x, y) {
  const fd = el._fullData || [];
  const geo = fd.filter((t) => t.type === "scattergeo");
  const trace = geo.find((t) => Array.isArray(t.customdata) && Array.isArray(t.customdata[0]) && t.customdata[0].length === 4);
  if (!trace) return null;
  const g = el.querySelectorAll("g.trace.scattergeo")[geo.indexOf(trace)];
  if (!g) return null;
  const pts = g.querySelectorAll("path.point");
  for (let j = pts.length - 1; j >= 0; j--) {
    const r = pts[j].getBoundingClientRect();
    if (!r.width) continue;
    const rad = r.width / 2; // the drawn circle, stroke included
    if ((x - r.x - r.width / 2) ** 2 + (y - r.y - r.height / 2) ** 2 <= rad * rad) {
      const k = fd.indexOf(trace);
      const i = el.calcdata[k].indexOf(pts[j].__data__);
      if (i >= 0) return { curveNumber: k, pointNumber: i, customdata: trace.customdata[i] };
    }
  }
  return null;
}

function bindPlaces(el) {
  if (el._coopPlaces) return;
  el._coopPlaces = true;
  el.addEventListener(
    "mousemove",
    (ev) => {
      if (el._dragging) return;
      const hit = placeUnder(el, ev.clientX, ev.clientY);
      if (!hit) return;
      ev.stopPropagation(); // plotly's own hover would pick by its rule
      window.Plotly.Fx.hover(el, [{ curveNumber: hit.curveNumber, pointNumber: hit.pointNumber }], "geo");
    },
    true,
  );
  el.addEventListener(
    "click",
    (ev) => {
      const hit = el._coop && el._coop.select ? placeUnder(el, ev.clientX, ev.clientY) : null;
      if (!hit) return;
      ev.stopPropagation();
      el._coop.setStateValue("selection", { points: [{ customdata: hit.customdata, location: null }] });
    },
    true,
  );
}

export default function ({ parentElement, data, setStateValue }) {
  let el = parentElement.querySelector("div.coop-geo-chart");
  if (!el) {
    el = document.createElement("div");
    el.className = "coop-geo-chart";
    el.style.width = "100%";
    parentElement.appendChild(el);
  }
  const draw = () => {
    const fig = JSON.parse(data.spec);
    const width = el.clientWidth || parentElement.clientWidth;
    const layout = fitToWidth(fig.layout, fig.data, width);
    window.Plotly.react(el, { data: fig.data, layout, frames: fig.frames || [], config: data.config }).then(() => {
      hideCollidingLabels(el);
      el._coop = { select: data.select, setStateValue };
      bindPlaces(el);
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
