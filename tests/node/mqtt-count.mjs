// Independent witness for end-to-end tests: subscribes with MQTT.js and counts what the broker delivers.
// Usage: node mqtt-count.mjs <mqtt-url> <topic-filter> <qos>
// Prints "ready" once subscribed, then on stdin "report" (or SIGTERM) one JSON line:
// {"count":N,"last":{"<topic>":<payload object>}} and exits.
import mqtt from "mqtt";
import readline from "node:readline";

const [url, filter, qos] = process.argv.slice(2);
const client = mqtt.connect(url, { clientId: `witness-${process.pid}`, clean: true, reconnectPeriod: 0 });
let count = 0;
const last = {};

client.on("message", (topic, payload) => {
  count++;
  try { last[topic] = JSON.parse(payload.toString("utf8")); } catch { last[topic] = payload.toString("utf8"); }
});
client.on("error", (e) => { console.error(`mqtt error: ${e.message}`); process.exit(2); });
client.on("connect", () => {
  client.subscribe(filter, { qos: Number(qos ?? 1) }, (err) => {
    if (err) { console.error(`subscribe failed: ${err.message}`); process.exit(2); }
    console.log("ready");
  });
});

function report() {
  console.log(JSON.stringify({ count, last }));
  client.end(true, () => process.exit(0));
}
process.on("SIGTERM", report);
readline.createInterface({ input: process.stdin }).on("line", (line) => { if (line.trim() === "report") report(); });
