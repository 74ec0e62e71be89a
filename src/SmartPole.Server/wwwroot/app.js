// SmartPole dashboard: pole list from the REST API, live updates from the city hub.
const STALE_MS = 60_000;
const state = { city: null, poles: new Map(), snapshots: new Map(), rows: new Map(), selected: null, dirty: new Set(), renderQueued: false, tableStale: false };

const $ = (id) => document.getElementById(id);
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

function isFresh(snapshot) {
  return snapshot && snapshot.lastSeen && Date.now() - Date.parse(snapshot.lastSeen) < STALE_MS;
}

async function loadCities() {
  const cities = await (await fetch("api/cities")).json();
  const select = $("city");
  select.innerHTML = "";
  for (const c of cities) {
    const option = document.createElement("option");
    option.value = c.id;
    option.textContent = c.nameZh === c.nameEn ? c.nameEn : `${c.nameZh} · ${c.nameEn}`;
    select.append(option);
  }
  const wanted = new URLSearchParams(location.search).get("city");
  return wanted && cities.some((c) => c.id === wanted) ? wanted : cities[0]?.id ?? wanted;
}

async function loadPoles(city) {
  const response = await fetch(`api/cities/${encodeURIComponent(city)}/poles`);
  if (!response.ok) return;
  const poles = await response.json();
  for (const p of poles) state.poles.set(p.id, p);
  renderTable();
}

function row(poleId) {
  return state.rows.get(poleId);
}

function renderTable() {
  const body = document.querySelector("#poles tbody");
  const ids = [...state.poles.keys()].sort();
  state.rows.clear();
  body.replaceChildren(...ids.map((id) => buildRow(id)));
  $("pole-count").textContent = String(ids.length);
  $("kpi-poles").textContent = String(ids.length);
  updateKpis();
  queueDraw();
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
  tr.addEventListener("click", () => select(id));
  fillRow(tr, state.snapshots.get(id));
  state.rows.set(id, tr);
  return tr;
}

function fillRow(tr, snapshot) {
  const on = metric(snapshot, "lighting", "on");
  const lamp = tr.querySelector('[data-metric="lighting.on"]');
  lamp.textContent = on === undefined ? "–" : on ? `on ${fmt(metric(snapshot, "lighting", "dimPct"), 0)}%` : "off";
  lamp.className = on ? "lamp-on" : "lamp-off";
  tr.querySelector('[data-metric="lighting.powerW"]').textContent = fmt(sumMetric(snapshot, "lighting", "powerW"));
  tr.querySelector('[data-metric="environment.pm25"]').textContent = fmt(metric(snapshot, "environment", "pm25"));
  tr.querySelector('[data-metric="environment.noiseDb"]').textContent = fmt(metric(snapshot, "environment", "noiseDb"));
  tr.querySelector('[data-metric="smallcell.ues"]').textContent = fmt(metric(snapshot, "smallcell", "ues"), 0);
  tr.querySelector('[data-metric="lastSeen"]').textContent = snapshot?.lastSeen ? new Date(snapshot.lastSeen).toLocaleTimeString() : "–";
}

// Pushes only record state; the page renders at most once per animation frame, however many arrive.
function applySnapshots(snapshots) {
  for (const s of snapshots) {
    if (s.city !== state.city) continue;
    state.snapshots.set(s.pole, s);
    if (!state.poles.has(s.pole)) {
      state.poles.set(s.pole, { id: s.pole, name: s.pole, latitude: null, longitude: null });
      state.tableStale = true;
    }
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
  state.renderQueued = false;
  if (state.tableStale) { state.tableStale = false; renderTable(); }
  for (const id of state.dirty) {
    const tr = row(id);
    if (!tr) continue;
    fillRow(tr, state.snapshots.get(id));
    // The Web Animations API restarts the highlight without forcing a synchronous layout.
    tr.animate([{ backgroundColor: "#24476b" }, { backgroundColor: "transparent" }], { duration: 800, easing: "ease-out" });
  }
  state.dirty.clear();
  updateKpis();
  drawMap();
}

function updateKpis() {
  let online = 0, lights = 0, power = 0, ues = 0, pmSum = 0, pmCount = 0;
  for (const s of state.snapshots.values()) {
    if (isFresh(s)) online++;
    if (metric(s, "lighting", "on")) lights++;
    power += sumMetric(s, "lighting", "powerW") ?? 0;
    ues += sumMetric(s, "smallcell", "ues") ?? 0;
    const pm = metric(s, "environment", "pm25");
    if (pm !== undefined) { pmSum += pm; pmCount++; }
  }
  $("kpi-online").textContent = `${online}`;
  $("kpi-lights").textContent = `${lights}`;
  $("kpi-power").textContent = power >= 1000 ? `${(power / 1000).toFixed(1)} kW` : `${power.toFixed(0)} W`;
  $("kpi-ues").textContent = `${ues}`;
  $("kpi-pm25").textContent = pmCount ? `${(pmSum / pmCount).toFixed(1)} µg/m³` : "–";
}

function queueDraw() {
  queueRender();
}

function drawMap() {
  const canvas = $("map");
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  if (canvas.width !== width * ratio || canvas.height !== height * ratio) { canvas.width = width * ratio; canvas.height = height * ratio; }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const placed = [...state.poles.values()].filter((p) => p.latitude !== null && p.longitude !== null);
  $("map-note").textContent = placed.length < state.poles.size ? `(${state.poles.size - placed.length} without coordinates)` : "";
  if (placed.length === 0) return;
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
  state.project = (p) => [ox + (p.longitude - minLon) * kx * scale, height - oy - (p.latitude - minLat) * scale];
  const colours = getComputedStyle(document.documentElement);
  for (const p of placed) {
    const s = state.snapshots.get(p.id);
    const colour = !s ? "--none" : !isFresh(s) ? "--stale" : metric(s, "lighting", "on") ? "--on" : "--off";
    const [x, y] = state.project(p);
    ctx.beginPath();
    ctx.fillStyle = colours.getPropertyValue(colour);
    ctx.arc(x, y, p.id === state.selected ? 6 : 3.2, 0, Math.PI * 2);
    ctx.fill();
    if (colour === "--on") { ctx.fillStyle = "rgba(255,210,74,0.12)"; ctx.beginPath(); ctx.arc(x, y, 9, 0, Math.PI * 2); ctx.fill(); }
  }
}

function select(id) {
  state.selected = id;
  document.querySelectorAll("tr.selected").forEach((tr) => tr.classList.remove("selected"));
  row(id)?.classList.add("selected");
  row(id)?.scrollIntoView({ block: "nearest" });
  queueDraw();
}

$("map").addEventListener("click", (e) => {
  if (!state.project) return;
  const rect = e.target.getBoundingClientRect();
  let best = null, bestD = 12 * 12;
  for (const p of state.poles.values()) {
    if (p.latitude === null) continue;
    const [x, y] = state.project(p);
    const d = (x - (e.clientX - rect.left)) ** 2 + (y - (e.clientY - rect.top)) ** 2;
    if (d < bestD) { best = p.id; bestD = d; }
  }
  if (best) select(best);
});
window.addEventListener("resize", queueDraw);

async function connect(city) {
  const connection = new signalR.HubConnectionBuilder().withUrl("hubs/city").withAutomaticReconnect().build();
  connection.on("PolesUpdated", applySnapshots);
  const setConnected = (on) => { const c = $("connection"); c.textContent = on ? "live" : "reconnecting…"; c.className = `conn ${on ? "conn-on" : "conn-off"}`; };
  const join = async () => { const view = await connection.invoke("JoinCity", city); applySnapshots(view.poles); setConnected(true); };
  connection.onreconnecting(() => setConnected(false));
  connection.onreconnected(join);
  await connection.start();
  await join();
  window.smartpole = { connection, state };
}

async function main() {
  state.city = await loadCities();
  if (!state.city) { $("connection").textContent = "no city yet"; return; }
  $("city").value = state.city;
  $("city").addEventListener("change", () => { location.search = `?city=${encodeURIComponent($("city").value)}`; });
  await loadPoles(state.city);
  await connect(state.city);
  setInterval(() => { updateKpis(); queueDraw(); }, 5000);
}

main().catch((e) => { console.error(e); $("connection").textContent = "error: " + e.message; });
