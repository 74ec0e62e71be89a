// N dashboards on the official @microsoft/signalr client, each checking it holds every pole's latest state.
// Usage: node signalr-fanout.mjs <base-url> <city> <connections> <poles> <seq>
// Each connection joins the city (the JoinCity answer is its starting state) and keeps the newest seq of every
// pole from PolesUpdated pushes. Prints "joined <n>" once all joined, then "complete" as soon as every
// connection holds <poles> poles at seq >= <seq>. On stdin "report" prints one JSON line
// { connections, complete, behind: [{ connection, poles, lowestSeq }] } naming the connections still behind.
import * as signalR from "@microsoft/signalr";
import { createInterface } from "node:readline";

const [baseUrl, city, connectionArg, poleArg, seqArg] = process.argv.slice(2);
const count = Number(connectionArg), poles = Number(poleArg), target = Number(seqArg);
if (!baseUrl || !city || !(count > 0) || !(poles > 0) || !(target >= 0)) {
  console.error("usage: node signalr-fanout.mjs <base-url> <city> <connections> <poles> <seq>");
  process.exit(1);
}

const states = Array.from({ length: count }, () => new Map());
let done = 0, announced = false;
const finished = new Set();

function record(i, snapshots) {
  const state = states[i];
  for (const p of snapshots) {
    if ((state.get(p.pole) ?? -1) < p.seq) state.set(p.pole, p.seq);
  }
  if (!finished.has(i) && state.size >= poles && [...state.values()].every((s) => s >= target)) {
    finished.add(i);
    done++;
  }
  if (announced && done === count) { console.log("complete"); announced = false; }
}

const connections = await Promise.all(states.map(async (_, i) => {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(new URL("hubs/city", baseUrl).toString(), { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
    .configureLogging(signalR.LogLevel.Error)
    .build();
  connection.on("PolesUpdated", (snapshots) => record(i, snapshots));
  connection.on("PoleEvents", () => {});
  connection.on("FleetKpisUpdated", () => {});
  connection.onclose((e) => console.error(`connection ${i} closed: ${e?.message ?? "by server"}`));
  await connection.start();
  const view = await connection.invoke("JoinCity", city);
  record(i, view.poles);
  return connection;
}));
console.log(`joined ${connections.length}`);
announced = true;
record(0, []);

for await (const line of createInterface({ input: process.stdin })) {
  if (line === "report") {
    const behind = states.map((state, connection) => ({ connection, poles: state.size, lowestSeq: Math.min(...state.values()) }))
      .filter((s) => !finished.has(s.connection));
    console.log(JSON.stringify({ connections: count, complete: done, behind: behind.slice(0, 10) }));
  }
  if (line === "stop") break;
}
await Promise.all(connections.map((c) => c.stop()));
process.exit(0);
