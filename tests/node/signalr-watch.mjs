// A dashboard as seen from the official @microsoft/signalr client under node.
// Usage: node signalr-watch.mjs <base-url> <city>
// Prints "joined <n>" after JoinCity, then one line "update <pole> <seq>" per pole in every PolesUpdated push.
import * as signalR from "@microsoft/signalr";

const [baseUrl, city] = process.argv.slice(2);
const connection = new signalR.HubConnectionBuilder()
  .withUrl(new URL("hubs/city", baseUrl).toString())
  .configureLogging(signalR.LogLevel.Warning)
  .build();

connection.on("PolesUpdated", (poles) => {
  for (const p of poles) console.log(`update ${p.pole} ${p.seq}`);
});
connection.onclose((e) => { console.error(`closed: ${e?.message ?? "by server"}`); process.exit(3); });

try {
  await connection.start();
  const view = await connection.invoke("JoinCity", city);
  console.log(`joined ${view.poles.length}`);
} catch (e) {
  console.error(`signalr failed: ${e.message}`);
  process.exit(2);
}
process.on("SIGTERM", async () => { await connection.stop(); process.exit(0); });
