// Publish → dashboard latency and hub fan-out as seen by N dashboards using the official @microsoft/signalr client.
// Usage: node signalr-latency.mjs <base-url> <city> <clients> <warmup-seconds> <measure-seconds>
// Every client joins the city (joins run in parallel, a few dozen at a time); after the warm-up, each pole in
// every PolesUpdated push gives one sample: arrival time minus the pole's lastSeen (the frame's own timestamp,
// set by the publisher when it sent it).
// Prints one JSON line: { clients, pushes, messages, samples, seconds, p50Ms, p99Ms, maxMs, maxLagMs, lostConnections }.
//   pushes   PolesUpdated messages received over all clients;  messages  every hub message (PolesUpdated,
//   PoleEvents, FleetKpisUpdated);  samples  pole updates received;  seconds  the measured window as this
//   process saw it (rates are per this);  maxLagMs  the longest this process's event loop was late: when it is
//   seconds, the clients, not the server, were the bottleneck.
import * as signalR from "@microsoft/signalr";

const [baseUrl, city, clientArg, warmupArg, measureArg] = process.argv.slice(2);
const clients = Number(clientArg), warmupMs = Number(warmupArg) * 1000, measureMs = Number(measureArg) * 1000;
if (!baseUrl || !city || !(clients > 0) || !(warmupMs >= 0) || !(measureMs > 0)) {
  console.error("usage: node signalr-latency.mjs <base-url> <city> <clients> <warmup-seconds> <measure-seconds>");
  process.exit(1);
}

// One-millisecond buckets up to a minute; later samples land in the last bucket (and set maxMs).
const buckets = new Float64Array(60_001);
let samples = 0, pushes = 0, messages = 0, maxMs = 0, maxLagMs = 0, lostConnections = 0, measuring = false, stopping = false;

function onPoles(poles) {
  if (!measuring) return;
  const now = Date.now();
  pushes++;
  messages++;
  for (const p of poles) {
    const latency = Math.max(0, now - Date.parse(p.lastSeen));
    buckets[Math.min(latency, buckets.length - 1)]++;
    if (latency > maxMs) maxMs = latency;
    samples++;
  }
}

function onOther() {
  if (measuring) messages++;
}

function percentile(q) {
  const target = Math.ceil(samples * q);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= target) return i;
  }
  return NaN;
}

async function open() {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(new URL("hubs/city", baseUrl).toString(), { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
    .configureLogging(signalR.LogLevel.Error)
    .build();
  // A busy client's pings go out late; pinging often keeps it inside the server's 30 s client timeout,
  // and a long server timeout keeps a starved client from giving up on a live server.
  connection.keepAliveIntervalInMilliseconds = 5_000;
  connection.serverTimeoutInMilliseconds = 120_000;
  connection.on("PolesUpdated", onPoles);
  connection.on("PoleEvents", onOther);
  connection.on("FleetKpisUpdated", onOther);
  connection.onclose(() => { if (!stopping) lostConnections++; });
  await connection.start();
  await connection.invoke("JoinCity", city);
  return connection;
}

const connections = [];
try {
  // Sequential joins take minutes on a loaded machine; all at once overrun the listen backlog.
  for (let i = 0; i < clients; i += 25) {
    connections.push(...await Promise.all(Array.from({ length: Math.min(25, clients - i) }, open)));
  }
} catch (e) {
  console.error(`signalr failed: ${e.message}`);
  process.exit(2);
}

console.error(`joined ${connections.length}`);

// Event-loop lag: how late a 100 ms timer fires.
let expected = performance.now() + 100;
const lagTimer = setInterval(() => {
  const now = performance.now();
  if (measuring) maxLagMs = Math.max(maxLagMs, now - expected);
  expected = now + 100;
}, 100);

// The window is timed by this process's own clock, from the moment measuring really started, so a late timer
// lengthens the window rather than shortening it to nothing.
let started = 0;
setTimeout(() => {
  measuring = true;
  started = performance.now();
  setTimeout(async () => {
    measuring = false;
    stopping = true;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(lagTimer);
    await Promise.all(connections.map((c) => c.stop()));
    console.log(JSON.stringify({ clients, pushes, messages, samples, seconds, p50Ms: percentile(0.5), p99Ms: percentile(0.99), maxMs,
      maxLagMs: Math.round(maxLagMs), lostConnections }));
    process.exit(samples > 0 ? 0 : 4);
  }, measureMs);
}, warmupMs);
