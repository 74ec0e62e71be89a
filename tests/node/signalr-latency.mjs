// Publish → dashboard latency as seen by N dashboards using the official @microsoft/signalr client.
// Usage: node signalr-latency.mjs <base-url> <city> <clients> <warmup-seconds> <measure-seconds>
// Every client joins the city; after the warm-up, each pole in every PolesUpdated push gives one sample:
// arrival time minus the pole's lastSeen (the frame's own timestamp, set by the publisher when it sent it).
// Prints one JSON line: { clients, pushes, samples, p50Ms, p99Ms, maxMs, lostConnections }.
import * as signalR from "@microsoft/signalr";

const [baseUrl, city, clientArg, warmupArg, measureArg] = process.argv.slice(2);
const clients = Number(clientArg), warmupMs = Number(warmupArg) * 1000, measureMs = Number(measureArg) * 1000;
if (!baseUrl || !city || !(clients > 0) || !(warmupMs >= 0) || !(measureMs > 0)) {
  console.error("usage: node signalr-latency.mjs <base-url> <city> <clients> <warmup-seconds> <measure-seconds>");
  process.exit(1);
}

// One-millisecond buckets up to a minute; later samples land in the last bucket (and set maxMs).
const buckets = new Float64Array(60_001);
let samples = 0, pushes = 0, maxMs = 0, lostConnections = 0, measuring = false, stopping = false;

function onPoles(poles) {
  if (!measuring) return;
  const now = Date.now();
  pushes++;
  for (const p of poles) {
    const latency = Math.max(0, now - Date.parse(p.lastSeen));
    buckets[Math.min(latency, buckets.length - 1)]++;
    if (latency > maxMs) maxMs = latency;
    samples++;
  }
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

const connections = [];
try {
  for (let i = 0; i < clients; i++) {
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(new URL("hubs/city", baseUrl).toString(), { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
      .configureLogging(signalR.LogLevel.Error)
      .build();
    connection.on("PolesUpdated", onPoles);
    connection.on("PoleEvents", () => {});
    connection.onclose(() => { if (!stopping) lostConnections++; });
    await connection.start();
    await connection.invoke("JoinCity", city);
    connections.push(connection);
  }
} catch (e) {
  console.error(`signalr failed: ${e.message}`);
  process.exit(2);
}

console.error(`joined ${connections.length}`);
setTimeout(() => { measuring = true; }, warmupMs);
setTimeout(async () => {
  measuring = false;
  stopping = true;
  await Promise.all(connections.map((c) => c.stop()));
  console.log(JSON.stringify({ clients, pushes, samples, p50Ms: percentile(0.5), p99Ms: percentile(0.99), maxMs, lostConnections }));
  process.exit(samples > 0 ? 0 : 4);
}, warmupMs + measureMs);
