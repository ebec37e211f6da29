// Geo charts drawn with plotly.js's geo-only bundle (1.4 MB, served from /app/static/js/) instead of
// Streamlit's plotly chunk (the full 4.7 MB bundle): a cold load of the map page parses 0.7 s less.
// Mounted by coop_ui.geo_chart as a Streamlit components.v2 component; data = {spec, config, bundle, select}.
// With select, a click on a place or country is sent back as the state value "selection" ({points: [{customdata, location}]}).
// On a narrow container (a phone) the map takes the full width and the legend and colour bar go below it.
const NARROW = 640;

// Plain text (the figure's meta) -> lines of at most `chars` characters, escaped for plotly's HTML subset.
function wrapText(text, chars) {
  const esc = (w) => w.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const lines = [];
  let cur = "";
  for (const w of String(text || "").split(/\s+/).filter(Boolean)) {
    if (cur && (cur + " " + w).length > chars) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? cur + " " + w : w;
  }
  if (cur) lines.push(cur);
  return lines.map(esc);
}

// On a narrow screen the title, subtitle and source line are wrapped again to the width (they were wrapped for a
// laptop column and ran off the right edge of a phone), and the margins grow to hold them.
function rewrapTexts(layout, width) {
  const meta = layout.meta || {};
  if (meta.title === undefined) return layout;
  const per = (px, em = 0.58) => Math.max(12, Math.floor((width - 16) / (px * em)));
  const title = wrapText(meta.title, per(20, 0.66)); // bold, and plotly draws the title larger than the body
  const sub = wrapText(meta.subtitle, per(12));
  const src = wrapText(meta.source, per(11));
  const annotations = (layout.annotations || []).map((a) => (a.name === "source" ? { ...a, text: src.join("<br>") } : a));
  // the subtitle as plotly's own: inside the title's text its lines took the title's line height (26 px for 12 px type)
  const t = 34 + 25 * title.length + 16 * sub.length;
  return {
    ...layout,
    title: {
      ...(layout.title || {}),
      text: `<b>${title.join("<br>")}</b>`,
      subtitle: { text: sub.join("<br>"), font: { size: 12, color: "#555" } },
      y: 1,
      yref: "container",
      yanchor: "top",
      pad: { t: 30 }, // anchored by its first line: room for its glyphs
    },
    annotations,
    margin: { ...(layout.margin || {}), t, b: 12 + 15 * src.length },
  };
}

// The Natural Earth projection plotly draws (d3-geo's formula, as coop_data.figures.flowmap.natural_earth).
function naturalEarth(lon, lat) {
  const l = (lon * Math.PI) / 180, f = (lat * Math.PI) / 180, p2 = f * f, p4 = p2 * p2;
  return [
    l * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4))),
    f * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4))),
  ];
}

// Height / width of the map's extent as drawn: the frame is given that shape, so the map fills it (a fixed 0.62 left
// empty bands above and below the world).
function extentAspect(geo) {
  const lon = (geo.lonaxis && geo.lonaxis.range) || [-180, 180];
  const lat = (geo.lataxis && geo.lataxis.range) || [-58, 85];
  const mid = (lon[0] + lon[1]) / 2;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i <= 8; i++) {
    for (let j = 0; j <= 8; j++) {
      const [x, y] = naturalEarth(lon[0] + ((lon[1] - lon[0]) * i) / 8 - mid, lat[0] + ((lat[1] - lat[0]) * j) / 8);
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  return (y1 - y0) / (x1 - x0);
}

// On a phone the map takes the width and the height its extent needs; below it, a compact key: the legend's
// entries in small type, the colour bar a thin line under its title. They had taken two thirds of the
// plot area. `fit` ({aspect, below}) is what the first drawing measured (settle): the second fits exactly.
function fitToWidth(layout, data, width, fit) {
  if (!width || width >= NARROW || layout.sliders || layout.updatemenus) return layout; // animated maps keep theirs
  layout = rewrapTexts(layout, width);
  for (const t of data) if (t.meta && t.meta.phone_legend === false) t.showlegend = false;
  const entries = data.filter((t) => t.showlegend !== false && t.name);
  const inner = width - 8;
  // plotly packs a horizontal legend in columns as wide as its widest entry (10 px type: about 5 px a character)
  const widest = 40 + 5 * Math.max(0, ...entries.map((t) => String(t.name).length));
  const rows = Math.ceil(entries.length / Math.max(1, Math.floor(inner / widest)));
  const bar = data.some((t) => t.type === "choropleth") ? 44 : 0;
  const below = fit ? fit.below : 22 + 16 * rows + bar;
  const top = (layout.margin && layout.margin.t) || 60;
  const bottom = (layout.margin && layout.margin.b) || 20;
  const aspect = fit ? fit.aspect : extentAspect(layout.geo || {});
  const mapH = Math.round(Math.min(inner * 0.9, Math.max(120, inner * aspect)));
  const height = top + mapH + below + bottom;
  const split = below / (mapH + below);
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
      y: split - 0.005,
      yanchor: "top",
      itemwidth: 30,
      font: { ...((layout.legend || {}).font || {}), size: 10 },
      title: { ...((layout.legend || {}).title || {}), side: "left", font: { size: 11 } }, // beside the first row
    },
  };
  for (const t of data) {
    if (t.type === "choropleth" && t.colorbar) {
      const title = String((t.colorbar.title || {}).text || "").replace(/<br>/g, " ");
      t.colorbar = {
        ...t.colorbar,
        orientation: "h",
        x: 0,
        xanchor: "left",
        y: 0,
        yanchor: "bottom",
        ypad: 0,
        xpad: 0,
        len: 0.98,
        thickness: 8,
        tickangle: 0,
        tickfont: { size: 9 },
        title: { ...(t.colorbar.title || {}), text: title, side: "top", font: { size: 10 } },
      };
    }
  }
  return out;
}

// After the first drawing on a phone: the map's drawn shape (plotly fits the extent's outline, whose edges bulge)
// and the key's drawn height, so the second drawing leaves no empty band. Null when it already fits.
function settle(el, width) {
  const fl = el._fullLayout;
  const sp = fl && fl.geo && fl.geo._subplot;
  if (!sp || !sp.bgRect || !width || width >= NARROW || fl.sliders.length) return null;
  const f = sp.bgRect.node().getBoundingClientRect();
  const box = (sel) => {
    const n = el.querySelector(sel);
    return n ? n.getBoundingClientRect() : null;
  };
  const legend = box("g.legend"), bar = box("g.colorbar");
  const key = [legend, bar].filter(Boolean);
  if (!f.width || !key.length) return null;
  const below = Math.ceil(key.reduce((h, r) => h + r.height, 0)) + 14; // stacked, whatever the first drawing overlapped
  const ok = Math.abs(f.width - fl._size.w) < 2 && Math.abs(below - fl._size.h * fl.geo.domain.y[0]) < 4;
  return ok ? null : { aspect: f.height / f.width, below };
}

// The figure names its largest places, chosen without overlap for a laptop-sized map; on a smaller map some
// would overlap: keep them in order (largest first) and hide any that hits one already kept.
// A label that would run past the map's frame turns to the other side of its place ("Guangzhou" ran off a phone's
// right edge); one that still does not fit is hidden like a colliding one.
function hideCollidingLabels(el) {
  const kept = [];
  const sp = el._fullLayout && el._fullLayout.geo && el._fullLayout.geo._subplot;
  const f = sp && sp.bgRect ? sp.bgRect.node().getBoundingClientRect() : null;
  const outside = (r) => f && (r.left < f.left + 2 || r.right > f.right - 2 || r.top < f.top || r.bottom > f.bottom);
  for (const t of el.querySelectorAll("g.trace.scattergeo text")) {
    t.style.display = "";
    if (t.dataset.anchor) t.setAttribute("text-anchor", t.dataset.anchor);
    let r = t.getBoundingClientRect();
    if (!r.width) continue;
    const anchor = t.getAttribute("text-anchor");
    const turn = f && anchor === "start" && r.right > f.right - 2 ? "end" : f && anchor === "end" && r.left < f.left + 2 ? "start" : null;
    if (turn) {
      t.dataset.anchor = anchor;
      t.setAttribute("text-anchor", turn);
      r = t.getBoundingClientRect();
    }
    if (outside(r) || kept.some((k) => r.left < k.right && k.left < r.right && r.top < k.bottom && k.top < r.bottom)) {      t.style.display = "none";
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

// A reader's zoom or pan of a map whose figure asks for it (layout.meta.url_view, the flow map): the visible extent
// goes into the URL as view=lon0,lon1,lat0,lat1 and a rerun draws the same extent on the server, so the PNG/SVG
// export, the permalink and the citation show what the screen shows. A view of (nearly) the whole world clears it.
function visibleExtent(el) {
  const fl = el._fullLayout;
  const sp = fl && fl.geo && fl.geo._subplot;
  if (!sp || !sp.projection || !sp.projection.invert) return null;
  const s = fl._size, d = fl.geo.domain;
  const x0 = s.l + s.w * d.x[0], x1 = s.l + s.w * d.x[1];
  const y0 = s.t + s.h * (1 - d.y[1]), y1 = s.t + s.h * (1 - d.y[0]);
  const c = -sp.projection.rotate()[0]; // the longitude at the centre
  const lons = [], lats = [];
  for (let i = 0; i <= 16; i++) {
    for (let j = 0; j <= 16; j++) {
      const p = [x0 + ((x1 - x0) * i) / 16, y0 + ((y1 - y0) * j) / 16];
      const q = sp.projection.invert(p);
      if (!q || !isFinite(q[0]) || !isFinite(q[1])) continue;
      const back = sp.projection(q); // a point off the globe inverts to somewhere else
      if (!back || Math.hypot(back[0] - p[0], back[1] - p[1]) > 1) continue;
      lons.push(((q[0] - c + 540) % 360) - 180);
      lats.push(q[1]);
    }
  }
  if (lons.length < 4) return null;
  const lo = Math.min(...lons) + c, hi = Math.max(...lons) + c;
  if (hi - lo > 300) return "";
  const west = ((lo + 540) % 360) - 180;
  const r = (v) => String(Math.round(v * 100) / 100);
  return [west, west + (hi - lo), Math.max(-89, Math.min(...lats)), Math.min(89, Math.max(...lats))].map(r).join(",");
}

function bindView(el) {
  el.removeAllListeners("plotly_relayout");
  const meta = el.layout && el.layout.meta;
  if (!meta || !meta.url_view) return;
  el.on("plotly_relayout", (e) => {
    if (!Object.keys(e || {}).some((k) => k.startsWith("geo"))) return;
    clearTimeout(el._coopViewTimer);
    el._coopViewTimer = setTimeout(() => {
      const text = visibleExtent(el);
      if (text === null) return;
      const url = new URL(window.location.href);
      if ((url.searchParams.get(meta.url_view) || "") === text) return;
      if (text) url.searchParams.set(meta.url_view, text);
      else url.searchParams.delete(meta.url_view);
      window.history.replaceState(window.history.state, "", url); // the next run reads the URL
      el._coopSent = text;
      el._coop.setStateValue("view", text);
    }, 400);
  });
}

// The run that follows a zoom draws the zoomed extent for the export and the permalink; the screen already shows it,
// so the reader's own zoom stays as it is (redrawn from the fitted ranges the map jumped, and a hover was lost).
function keepReadersView(el, layout) {
  const key = layout.meta && layout.meta.url_view;
  const g = el.layout && el.layout.geo;
  if (!key || !el._coopSent || !g) return;
  if ((new URL(window.location.href).searchParams.get(key) || "") !== el._coopSent) return;
  layout.geo = { ...layout.geo, projection: g.projection, center: g.center, lonaxis: g.lonaxis, lataxis: g.lataxis };
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
    keepReadersView(el, fig.layout);
    const width = el.clientWidth || parentElement.clientWidth;
    const layout = fitToWidth(fig.layout, fig.data, width);
    const plot = (lay) => window.Plotly.react(el, { data: fig.data, layout: lay, frames: fig.frames || [], config: data.config });
    plot(layout).then(() => {
      const fit = settle(el, width);
      return fit ? plot(fitToWidth(fig.layout, fig.data, width, fit)) : null;
    }).then(() => {
      hideCollidingLabels(el);
      el._coop = { select: data.select, setStateValue };
      bindPlaces(el);
      bindView(el);
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
