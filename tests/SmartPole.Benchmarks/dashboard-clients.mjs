// N dashboards on the city hub, as the official @microsoft/signalr client under node sees it.
// Usage: node dashboard-clients.mjs <node_modules folder> <base-url> <city> <connections>
// Prints "ready <n>" once every connection joined. Reads commands on stdin:
//   start  → zero the counters;  report → one JSON line {connections, messages, updates, seconds, p50, p99, max}
// Latency of a pole update = arrival time − the frame's timestamp (stamped by the simulator as it publishes).
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import path from "node:path";

const [modules, baseUrl, city, count] = process.argv.slice(2);
const require = createRequire(path.join(modules, "noop.js"));
const signalR = require("@microsoft/signalr");

let messages = 0, updates = 0, started = performance.now(), latencies = [];
const connections = [];
for (let i = 0; i < Number(count); i++) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(new URL("hubs/city", baseUrl).toString(), { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
    .configureLogging(signalR.LogLevel.Error)
    .build();
  // On a starved machine this process may not run for seconds: do not mistake that for a dead server.
  connection.serverTimeoutInMilliseconds = 120_000;
  connection.on("PolesUpdated", (poles) => {
    const now = Date.now();
    messages++;
    updates += poles.length;
    // Every connection sees the same updates: one connection's arrivals are enough for the latency.
    if (i === 0) for (const p of poles) if (p.lastSeen && latencies.length < 2_000_000) latencies.push(now - Date.parse(p.lastSeen));
  });
  connection.on("PoleEvents", () => { messages++; });
  connection.on("FleetKpisUpdated", () => { messages++; });
  connections.push(connection);
}
await Promise.all(connections.map(async (c) => { await c.start(); await c.invoke("JoinCity", city); }));
console.log(`ready ${connections.length}`);

const pct = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "start") { messages = 0; updates = 0; latencies = []; started = performance.now(); }
  if (line === "report") {
    const sorted = latencies.sort((a, b) => a - b);
    console.log(JSON.stringify({ connections: connections.length, messages, updates, seconds: (performance.now() - started) / 1000,
      samples: sorted.length, p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), max: sorted.at(-1) ?? null }));
  }
  if (line === "stop") break;
}
await Promise.all(connections.map((c) => c.stop()));
process.exit(0);
