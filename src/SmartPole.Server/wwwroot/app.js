// SmartPole dashboard: pole list from the REST API, live updates from the city hub, history from the store.
import { t, language, setLanguage, applyLanguage, onLanguageChange, kindLabel, kindOrder, metricLabel, metricUnit, numericMetrics } from "./i18n.js";
import { aqi, aqiLevel, AQI_COLOURS } from "./aqi.js";
import { drawLineChart } from "./chart.js";
import { AlarmFeed, severityOf, severityName } from "./feed.js";
import { CommandPanel } from "./commands.js";
import { districtOutlines, drawDistrictOutlines } from "./districts.js";

const STALE_MS = 60_000;
// Above this many poles on the map, dots share a small grid cell and the cell shows its most urgent status.
const CLUSTER_ABOVE = 1500;
const CELL_PX = 5;
const RANGES = { "1h": 3600e3, "24h": 86400e3, "7d": 7 * 86400e3 };
const HISTORY_REFRESH_MS = 30_000;
// A large city's map and KPIs are redrawn at most this often: table rows and the panel stay per frame.
const HEAVY_EVERY_MS = 250;
// Above this many poles the table holds only the rows in view (plus OVERSCAN either side).
const VIRTUAL_ABOVE = 500;
const OVERSCAN = 8;

const state = {
  city: null, poles: new Map(), snapshots: new Map(), rows: new Map(), selected: null,
  dirty: new Set(), renderQueued: false, tableStale: false, layoutStale: true, panelStale: false, feedStale: false,
  layout: null, connection: "connecting", order: [], filter: "", rowPx: 38, heavyAt: 0, heavyTimer: 0,
  // Frame times (ms) of render() and publish → drawn latencies (ms), read by the dashboard benchmark.
  stats: { frames: [], latencies: [] },
  history: { series: null, range: "1h", points: [], from: 0, to: 0, unit: "", every: "", status: "idle", request: 0 },
};

const $ = (id) => document.getElementById(id);
const locale = () => (language() === "zh" ? "zh-CN" : "en-GB");
const fmt = (v, digits = 1) => (v === undefined || v === null ? "–" : typeof v === "number" ? v.toFixed(digits) : String(v));

function metric(snapshot, kind, name) {
  if (!snapshot) return undefined;
  for (const device of snapshot.devices) {
    if (device.kind === kind && name in device.metrics) return device.metrics[name];
  }
  return undefined;
}

function sumMetric(snapshot, kind, name) {
  if (!snapshot) return undefined;
  let total, seen = false;
  for (const device of snapshot.devices) {
    if (device.kind === kind && name in device.metrics) { total = (total ?? 0) + Number(device.metrics[name]); seen = true; }
  }
  return seen ? total : undefined;
}

// A pole is lit when any of its lamps is on (a double-arm pole may run one arm only).
function anyLampOn(snapshot) {
  for (const device of snapshot?.devices ?? []) if (device.kind === "lighting" && device.metrics.on === true) return true;
  return false;
}

const isOffline = (s) => s.status === 2 || s.status === "offline" || s.status === "Offline";
const isFresh = (s) => s && s.lastSeen && !isOffline(s) && Date.now() - Date.parse(s.lastSeen) < STALE_MS;

// Map status of a pole, most urgent highest: 0 no data, 1 light off, 2 light on, 3 alarm, 4 offline or silent.
function statusOf(id) {
  const s = state.snapshots.get(id);
  if (!s) return 0;
  if (!isFresh(s)) return 4;
  if (s.alarms?.some(isSerious)) return 3;
  return anyLampOn(s) ? 2 : 1;
}
// Major and critical alarms colour the map; minor and info ones show in the pole panel only.
const isSerious = (alarm) => severityOf(alarm) >= 2;
const STATUS_VARS = ["--none", "--off", "--on", "--alarm", "--stale"];

const feed = new AlarmFeed({
  list: $("feed"), count: $("feed-count"), onSelect: (id) => select(id), locale,
  onChange: () => { state.feedStale = true; queueRender(); },
});
const commands = new CommandPanel({ root: $("panel-commands"), log: $("command-log"), locale, onChange: () => { state.feedStale = true; queueRender(); } });

// ---------- data ----------

async function loadCities() {
  const cities = await (await fetch("api/cities")).json();
  state.cities = cities;
  fillCities();
  const wanted = new URLSearchParams(location.search).get("city");
  return wanted && cities.some((c) => c.id === wanted) ? wanted : cities[0]?.id ?? wanted;
}

function fillCities() {
  const select = $("city");
  const current = select.value;
  select.replaceChildren(...(state.cities ?? []).map((c) => {
    const option = document.createElement("option");
    option.value = c.id;
    option.textContent = language() === "zh" ? c.nameZh : c.nameEn;
    return option;
  }));
  if (current) select.value = current;
}

async function loadPoles(city) {
  const response = await fetch(`api/cities/${encodeURIComponent(city)}/poles`);
  if (!response.ok) return;
  for (const p of await response.json()) state.poles.set(p.id, p);
  state.tableStale = true;
  state.layoutStale = true;
  queueRender();
}

// Pushes only record state; the page renders at most once per animation frame, however many arrive.
function applySnapshots(snapshots) {
  for (const s of snapshots) {
    if (s.city !== state.city) continue;
    state.snapshots.set(s.pole, s);
    if (!state.poles.has(s.pole)) {
      state.poles.set(s.pole, { id: s.pole, name: s.pole, latitude: null, longitude: null });
      state.tableStale = true;
      state.layoutStale = true;
    }
    if (s.pole === state.selected) state.panelStale = true;
    state.dirty.add(s.pole);
  }
  queueRender();
}

function queueRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  requestAnimationFrame(render);
}

function render() {
  const started = performance.now();
  state.renderQueued = false;
  if (state.tableStale) { state.tableStale = false; sortTable(); }
  renderRows();
  const now = Date.now();
  for (const id of state.dirty) {
    const tr = state.rows.get(id);
    const s = state.snapshots.get(id);
    if (s?.lastSeen && state.stats.latencies.length < 100_000) state.stats.latencies.push(now - Date.parse(s.lastSeen));
    if (!tr) continue;
    fillRow(tr, s);
    // The Web Animations API restarts the highlight without forcing a synchronous layout.
    tr.animate([{ backgroundColor: "#24476b" }, { backgroundColor: "transparent" }], { duration: 800, easing: "ease-out" });
  }
  state.dirty.clear();
  if (state.panelStale) { state.panelStale = false; renderPanel(); }
  if (state.feedStale) { state.feedStale = false; feed.render(); commands.render(); }
  renderHeavy();
  if (state.stats.frames.length < 100_000) state.stats.frames.push(performance.now() - started);
}

// Map and KPIs walk every pole: with thousands they are drawn a few times a second, not per push.
function renderHeavy() {
  const wait = state.poles.size > CLUSTER_ABOVE ? state.heavyAt + HEAVY_EVERY_MS - performance.now() : 0;
  if (wait > 0) {
    if (!state.heavyTimer) state.heavyTimer = setTimeout(() => { state.heavyTimer = 0; queueRender(); }, wait);
    return;
  }
  state.heavyAt = performance.now();
  updateKpis();
  drawMap();
}

// ---------- table ----------

// Only the rows in view exist in the page (plus a few either side); spacers keep the scroll height.
function sortTable() {
  const filter = state.filter;
  state.order = [...state.poles.keys()]
    .filter((id) => !filter || id.toLowerCase().includes(filter) || String(state.poles.get(id).name).toLowerCase().includes(filter))
    .sort();
  state.viewKey = "";
  $("pole-count").textContent = String(state.poles.size);
  $("kpi-poles").textContent = String(state.poles.size);
}

function renderRows() {
  const wrap = $("table-wrap");
  const head = wrap.querySelector("thead").offsetHeight;
  const all = state.order.length <= VIRTUAL_ABOVE;
  const first = all ? 0 : Math.max(0, Math.floor(Math.max(0, wrap.scrollTop - head) / state.rowPx) - OVERSCAN);
  const last = all ? state.order.length : Math.min(state.order.length, first + Math.ceil(wrap.clientHeight / state.rowPx) + 2 * OVERSCAN);
  const key = `${first}:${last}:${state.order.length}`;
  if (key === state.viewKey) return;
  state.viewKey = key;
  const rows = new Map();
  const visible = [];
  for (let i = first; i < last; i++) {
    const id = state.order[i];
    const tr = state.rows.get(id) ?? buildRow(id);
    rows.set(id, tr);
    visible.push(tr);
  }
  state.rows = rows;
  const spacer = (height) => { const tr = document.createElement("tr"); tr.className = "spacer"; const td = document.createElement("td"); td.colSpan = 7; td.style.height = `${height}px`; tr.append(td); return tr; };
  const none = [];
  if (state.order.length === 0 && state.poles.size > 0) { none.push(spacer(0)); none[0].firstChild.textContent = t("table.none"); none[0].firstChild.className = "muted"; }
  document.querySelector("#poles tbody").replaceChildren(spacer(first * state.rowPx), ...visible, spacer((state.order.length - last) * state.rowPx), ...none);
  // Rows are as tall as the font makes them: measure once so the spacers match.
  if (visible.length && !state.rowMeasured) { state.rowMeasured = true; const h = visible[0].getBoundingClientRect().height; if (h > 10 && Math.abs(h - state.rowPx) > 0.5) { state.rowPx = h; state.viewKey = ""; queueRender(); } }
}

function buildRow(id) {
  const pole = state.poles.get(id);
  const tr = document.createElement("tr");
  tr.dataset.pole = id;
  tr.innerHTML = `<td><div class="pole-name"></div><div class="pole-id"></div></td>
    <td data-metric="lighting.on"></td><td data-metric="lighting.powerW"></td><td data-metric="environment.pm25"></td>
    <td data-metric="environment.noiseDb"></td><td data-metric="smallcell.ues"></td><td data-metric="lastSeen"></td>`;
  tr.querySelector(".pole-name").textContent = pole.name;
  tr.querySelector(".pole-id").textContent = id;
  if (id === state.selected) tr.classList.add("selected");
  fillRow(tr, state.snapshots.get(id));
  return tr;
}

function fillRow(tr, snapshot) {
  const on = metric(snapshot, "lighting", "on");
  const lamp = tr.querySelector('[data-metric="lighting.on"]');
  const dim = metric(snapshot, "lighting", "dimPct");
  lamp.textContent = on === undefined ? "–" : !on ? t("lamp.off") : dim === undefined ? t("lamp.on") : `${t("lamp.on")} ${fmt(dim, 0)}%`;
  lamp.className = on ? "lamp-on" : "lamp-off";
  tr.querySelector('[data-metric="lighting.powerW"]').textContent = fmt(sumMetric(snapshot, "lighting", "powerW"));
  tr.querySelector('[data-metric="environment.pm25"]').textContent = fmt(metric(snapshot, "environment", "pm25"));
  tr.querySelector('[data-metric="environment.noiseDb"]').textContent = fmt(metric(snapshot, "environment", "noiseDb"));
  tr.querySelector('[data-metric="smallcell.ues"]').textContent = fmt(metric(snapshot, "smallcell", "ues"), 0);
  tr.querySelector('[data-metric="lastSeen"]').textContent = snapshot?.lastSeen ? new Date(snapshot.lastSeen).toLocaleTimeString(locale()) : "–";
}

// One listener for all rows rather than one per row.
document.querySelector("#poles tbody").addEventListener("click", (e) => {
  const tr = e.target.closest("tr[data-pole]");
  if (tr) select(tr.dataset.pole);
});
$("table-wrap").addEventListener("scroll", queueRender, { passive: true });
$("pole-filter").addEventListener("input", (e) => {
  state.filter = e.target.value.trim().toLowerCase();
  state.tableStale = true;
  $("table-wrap").scrollTop = 0;
  queueRender();
});

// Brings a pole's row into view (the table only holds the rows in view).
function scrollToRow(id) {
  let index = state.order.indexOf(id);
  if (index < 0 && state.filter) { state.filter = ""; $("pole-filter").value = ""; sortTable(); index = state.order.indexOf(id); }
  if (index < 0) return;
  const wrap = $("table-wrap"), head = wrap.querySelector("thead").offsetHeight;
  const top = head + index * state.rowPx;
  if (top < wrap.scrollTop + head || top + state.rowPx > wrap.scrollTop + wrap.clientHeight) wrap.scrollTop = Math.max(0, top - wrap.clientHeight / 2);
}

// ---------- KPIs ----------

function updateKpis() {
  let online = 0, lights = 0, power = 0, ues = 0, pm25Sum = 0, pm25Count = 0, pm10Sum = 0, pm10Count = 0;
  for (const s of state.snapshots.values()) {
    if (!isFresh(s)) continue;
    online++;
    if (anyLampOn(s)) lights++;
    power += sumMetric(s, "lighting", "powerW") ?? 0;
    ues += sumMetric(s, "smallcell", "ues") ?? 0;
    const pm25 = metric(s, "environment", "pm25"), pm10 = metric(s, "environment", "pm10");
    if (typeof pm25 === "number") { pm25Sum += pm25; pm25Count++; }
    if (typeof pm10 === "number") { pm10Sum += pm10; pm10Count++; }
  }
  $("kpi-online").textContent = `${online}`;
  $("kpi-lights").textContent = `${lights}`;
  $("kpi-power").textContent = power >= 1000 ? `${(power / 1000).toFixed(1)} kW` : `${power.toFixed(0)} W`;
  $("kpi-ues").textContent = `${ues}`;
  const value = aqi(pm25Count ? pm25Sum / pm25Count : undefined, pm10Count ? pm10Sum / pm10Count : undefined);
  $("kpi-aqi").textContent = value === undefined ? "–" : String(value);
  const level = value === undefined ? 0 : aqiLevel(value);
  $("kpi-aqi-level").textContent = level ? t(`aqi.${level}`) : "";
  $("kpi-aqi-tile").style.setProperty("--aqi", AQI_COLOURS[level] || "transparent");
}

// ---------- map ----------

// Projection and screen positions are computed once per resize or pole-set change, not per frame.
function layoutMap(width, height) {
  const placed = [...state.poles.values()].filter((p) => p.latitude !== null && p.longitude !== null);
  const missing = state.poles.size - placed.length;
  const notes = [];
  if (missing > 0) notes.push(t("map.noCoords", { n: missing }));
  if (placed.length > CLUSTER_ABOVE) notes.push(t("map.clustered", { n: placed.length }));
  $("map-note").textContent = notes.length ? `(${notes.join(" · ")})` : "";
  const ids = placed.map((p) => p.id), xs = new Float32Array(placed.length), ys = new Float32Array(placed.length);
  if (placed.length) {
    let minLat = Infinity, maxLat = -Infinity, minLon = Infinity, maxLon = -Infinity;
    for (const p of placed) {
      minLat = Math.min(minLat, p.latitude); maxLat = Math.max(maxLat, p.latitude);
      minLon = Math.min(minLon, p.longitude); maxLon = Math.max(maxLon, p.longitude);
    }
    // Equirectangular projection, corrected for latitude so streets keep their shape.
    const kx = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    const spanX = Math.max((maxLon - minLon) * kx, 1e-6), spanY = Math.max(maxLat - minLat, 1e-6);
    const pad = 24, scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
    const ox = (width - spanX * scale) / 2, oy = (height - spanY * scale) / 2;
    placed.forEach((p, i) => { xs[i] = ox + (p.longitude - minLon) * kx * scale; ys[i] = height - oy - (p.latitude - minLat) * scale; });
  }
  return { width, height, ids, xs, ys, districts: districtOutlines(placed, xs, ys) };
}

function drawMap() {
  const canvas = $("map");
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
    state.layoutStale = true;
  }
  if (state.layoutStale || !state.layout) { state.layoutStale = false; state.layout = layoutMap(width, height); }
  const { ids, xs, ys } = state.layout;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const styles = getComputedStyle(document.documentElement);
  const colours = STATUS_VARS.map((v) => styles.getPropertyValue(v));
  drawDistrictOutlines(ctx, state.layout.districts, styles.getPropertyValue("--line"), styles.getPropertyValue("--muted"));

  // One path per status colour: a handful of fill calls per frame whatever the number of poles.
  const paths = colours.map(() => new Path2D());
  if (ids.length > CLUSTER_ABOVE) {
    const cols = Math.ceil(width / CELL_PX) + 1, rows = Math.ceil(height / CELL_PX) + 1;
    const cells = new Int8Array(cols * rows).fill(-1);
    for (let i = 0; i < ids.length; i++) {
      const cell = Math.floor(ys[i] / CELL_PX) * cols + Math.floor(xs[i] / CELL_PX);
      cells[cell] = Math.max(cells[cell], statusOf(ids[i]));
    }
    for (let cell = 0; cell < cells.length; cell++) {
      if (cells[cell] >= 0) paths[cells[cell]].rect((cell % cols) * CELL_PX, Math.floor(cell / cols) * CELL_PX, CELL_PX - 1, CELL_PX - 1);
    }
  } else {
    const radius = ids.length > 400 ? 2.4 : 3.4;
    for (let i = 0; i < ids.length; i++) {
      const path = paths[statusOf(ids[i])];
      path.moveTo(xs[i] + radius, ys[i]);
      path.arc(xs[i], ys[i], radius, 0, Math.PI * 2);
    }
  }
  paths.forEach((path, status) => { ctx.fillStyle = colours[status]; ctx.fill(path); });

  const selected = state.selected === null ? -1 : ids.indexOf(state.selected);
  if (selected >= 0) {
    ctx.strokeStyle = styles.getPropertyValue("--accent");
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(xs[selected], ys[selected], 8, 0, Math.PI * 2);
    ctx.stroke();
  }
}

$("map").addEventListener("click", (e) => {
  if (!state.layout) return;
  const rect = e.target.getBoundingClientRect();
  const px = e.clientX - rect.left, py = e.clientY - rect.top;
  const { ids, xs, ys } = state.layout;
  let best = -1, bestD = 12 * 12;
  for (let i = 0; i < ids.length; i++) {
    const d = (xs[i] - px) ** 2 + (ys[i] - py) ** 2;
    if (d < bestD) { best = i; bestD = d; }
  }
  if (best >= 0) select(ids[best]);
});
new ResizeObserver(() => { state.layoutStale = true; queueRender(); if (state.selected) drawHistory(); }).observe($("map"));

// ---------- pole panel ----------

function select(id) {
  const changed = state.selected !== id;
  state.rows.get(state.selected)?.classList.remove("selected");
  state.selected = id;
  state.rows.get(id)?.classList.add("selected");
  scrollToRow(id);
  $("pole-panel").hidden = false;
  document.querySelector(".grid").classList.add("with-panel");
  renderPanel();
  if (changed) { state.history.series = null; fillSeries(); loadHistory(); }
  queueRender();
}

function closePanel() {
  state.rows.get(state.selected)?.classList.remove("selected");
  state.selected = null;
  $("pole-panel").hidden = true;
  document.querySelector(".grid").classList.remove("with-panel");
  queueRender();
}

function renderPanel() {
  const id = state.selected;
  if (!id) return;
  const pole = state.poles.get(id) ?? { name: id };
  const s = state.snapshots.get(id);
  $("panel-name").textContent = pole.name;
  const meta = [id];
  if (pole.district) meta.push(t("panel.district", { d: pole.district }));
  if (s) meta.push(t(`panel.status.${typeof s.status === "number" ? s.status : ["unknown", "online", "offline"].indexOf(String(s.status).toLowerCase())}`));
  if (s?.lastSeen) meta.push(t("panel.seen", { t: new Date(s.lastSeen).toLocaleTimeString(locale()) }));
  $("panel-meta").textContent = meta.join(" · ");

  const groups = byKind(s?.devices ?? []).map((device) => {
    const group = document.createElement("section");
    group.className = "device";
    group.dataset.device = device.id;
    const head = document.createElement("h3");
    head.textContent = `${kindLabel(device.kind)} `;
    const small = document.createElement("span");
    small.className = "muted";
    small.textContent = device.id;
    head.append(small);
    const list = document.createElement("dl");
    for (const [name, value] of Object.entries(device.metrics)) {
      const dt = document.createElement("dt");
      dt.textContent = metricLabel(device.kind, name);
      const dd = document.createElement("dd");
      dd.dataset.metric = `${device.id}.${name}`;
      const unit = metricUnit(device.kind, name);
      dd.textContent = typeof value === "boolean" ? t(`bool.${value}`) : `${Number.isInteger(value) ? value : value.toFixed(2)}${unit ? " " + unit : ""}`;
      list.append(dt, dd);
    }
    group.append(head, list);
    return group;
  });
  if (groups.length === 0) {
    const empty = document.createElement("p");
    empty.className = "muted";
    empty.textContent = t("panel.noData");
    groups.push(empty);
  }
  const alarms = (s?.alarms ?? []).map((alarm) => {
    const li = document.createElement("li");
    li.className = `alarm sev-${severityName(alarm)}`;
    li.dataset.alarm = alarm.id;
    li.textContent = `${t(`severity.${severityName(alarm)}`)} · ${alarm.device} · ${alarm.type} — ${alarm.detail}`;
    return li;
  });
  $("panel-alarms").replaceChildren(...alarms);
  $("panel-devices").replaceChildren(...groups);
  // Commands for the devices the pole reported (their kinds are known only from readings).
  commands.show(state.city, id, s?.devices ?? []);
  if ($("history-series").options.length === 0) fillSeries();
}

// Devices in catalog order of their kind (lights first), then by id.
const byKind = (devices) => [...devices].sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || a.id.localeCompare(b.id));

// The series a pole can chart: every numeric metric of every device it reported.
function fillSeries() {
  const s = state.snapshots.get(state.selected);
  const select = $("history-series");
  const options = [];
  for (const device of byKind(s?.devices ?? [])) {
    for (const name of numericMetrics(device.kind, device.metrics)) {
      const option = document.createElement("option");
      option.value = `${device.id}|${name}`;
      const unit = metricUnit(device.kind, name);
      option.textContent = `${device.id} · ${metricLabel(device.kind, name)}${unit ? ` (${unit})` : ""}`;
      options.push(option);
    }
  }
  select.replaceChildren(...options);
  const preferred = options.find((o) => o.value.endsWith("|powerW") && o.value.startsWith("lamp")) ?? options[0];
  if (state.history.series && options.some((o) => o.value === state.history.series)) select.value = state.history.series;
  else if (preferred) { select.value = preferred.value; state.history.series = preferred.value; }
}

async function loadHistory() {
  const h = state.history;
  if (!state.selected || !h.series) { h.points = []; h.status = "empty"; drawHistory(); return; }
  const [device, name] = h.series.split("|");
  const to = Date.now(), from = to - RANGES[h.range];
  const request = ++h.request;
  h.status = "loading";
  $("history-note").textContent = t("history.loading");
  const query = new URLSearchParams({ device, metric: name, from: new Date(from).toISOString(), to: new Date(to).toISOString(), every: "auto" });
  try {
    const response = await fetch(`api/cities/${encodeURIComponent(state.city)}/poles/${encodeURIComponent(state.selected)}/telemetry?${query}`);
    const body = await response.json();
    if (request !== h.request) return; // a newer request replaced this one
    if (!response.ok) throw new Error(body.detail ?? body.title ?? response.statusText);
    Object.assign(h, { points: body.points.map((p) => ({ t: Date.parse(p.t), v: p.v })), from, to, unit: body.unit, every: body.every, status: "ok" });
  } catch (e) {
    if (request !== h.request) return;
    Object.assign(h, { points: [], from, to, status: "error", error: e.message });
  }
  drawHistory();
}

function drawHistory() {
  const h = state.history, canvas = $("history-chart");
  if ($("pole-panel").hidden || h.status === "loading") return;
  canvas.dataset.points = String(h.points.length);
  $("history-note").textContent = h.status === "error" ? t("history.error", { e: h.error })
    : h.points.length ? t("history.note", { every: h.every, n: h.points.length }) : "";
  drawLineChart(canvas, h.points, h.from, h.to, {
    unit: h.unit, locale: locale(), empty: t("history.empty"),
    colour: getComputedStyle(document.documentElement).getPropertyValue("--accent"),
  });
}

$("panel-close").addEventListener("click", closePanel);
document.addEventListener("keydown", (e) => { if (e.key === "Escape" && state.selected) closePanel(); });
$("history-series").addEventListener("change", (e) => { state.history.series = e.target.value; loadHistory(); });
for (const button of document.querySelectorAll("[data-range]")) {
  button.addEventListener("click", () => {
    state.history.range = button.dataset.range;
    document.querySelectorAll("[data-range]").forEach((b) => b.classList.toggle("active", b === button));
    loadHistory();
  });
}

// ---------- language and connection ----------

function showConnection(which) {
  state.connection = which;
  const c = $("connection");
  c.dataset.state = which;
  c.textContent = t(`conn.${which}`);
  c.className = `conn ${which === "live" ? "conn-on" : "conn-off"}`;
}

onLanguageChange(() => {
  fillCities();
  showConnection(state.connection);
  for (const [id, tr] of state.rows) fillRow(tr, state.snapshots.get(id));
  state.layoutStale = true;
  state.feedStale = true;
  showFleetKpis(state.kpis);
  if (state.selected) { renderPanel(); fillSeries(); drawHistory(); }
  queueRender();
});
$("lang").addEventListener("click", () => setLanguage(language() === "zh" ? "en" : "zh"));

// The server's fleet KPIs (pushed at most once a second): the open-alarms tile.
function showFleetKpis(kpis) {
  if (!kpis || kpis.city !== state.city) return;
  state.kpis = kpis;
  const open = kpis.openAlarms ?? {};
  $("kpi-alarms").textContent = String(Object.values(open).reduce((a, b) => a + b, 0));
  $("kpi-alarms-detail").textContent = t("kpi.alarmsDetail", { c: open.critical ?? 0, m: open.major ?? 0 });
}

function applyEvents(events) {
  const fed = feed.apply(events), commanded = commands.apply(events);
  if (fed || commanded) { state.feedStale = true; queueRender(); }
}

async function connect(city) {
  const connection = new signalR.HubConnectionBuilder().withUrl("hubs/city").withAutomaticReconnect({ // never gives up: an exhibition screen must come back on its own
    nextRetryDelayInMilliseconds: (c) => Math.min(1000 * 2 ** c.previousRetryCount, 10_000) }).build();
  connection.on("PolesUpdated", applySnapshots);
  connection.on("PoleEvents", applyEvents);
  connection.on("FleetKpisUpdated", showFleetKpis);
  // Join first, then read the feed: an event pushed in between is applied twice, which is harmless; one missed would not be.
  const join = async () => {
    const view = await connection.invoke("JoinCity", city);
    applySnapshots(view.poles);
    showFleetKpis(view.kpis);
    await feed.load(city);
    showConnection("live");
  };
  connection.onreconnecting(() => showConnection("reconnecting"));
  connection.onreconnected(() => join().catch((e) => console.warn("resync failed", e)));
  await connection.start();
  await join();
  window.smartpole = { connection, state, applySnapshots, applyEvents, feed, commands };
}

async function main() {
  applyLanguage();
  showConnection("connecting");
  state.city = await loadCities();
  if (!state.city) { showConnection("noCity"); return; }
  $("city").value = state.city;
  $("city").addEventListener("change", () => { location.search = `?city=${encodeURIComponent($("city").value)}`; });
  await loadPoles(state.city);
  await connect(state.city);
  // Freshness depends on the clock as well as on pushes.
  setInterval(queueRender, 5000);
  setInterval(() => { if (state.selected) loadHistory(); }, HISTORY_REFRESH_MS);
}

main().catch((e) => { console.error(e); const c = $("connection"); c.textContent = `${t("conn.error")}: ${e.message}`; });
