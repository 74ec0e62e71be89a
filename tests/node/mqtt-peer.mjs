// MQTT.js as a scripted test peer: one JSON command per stdin line, one JSON event per stdout line.
// Usage: node mqtt-peer.mjs <url> '<MQTT.js connect options as JSON>' (plus "ackDelayMs", see below)
// Commands: {"op":"subscribe","filter":"a/#","options":{"qos":1,"nl":false,"rap":false,"rh":0,"properties":{...}}}
//           {"op":"publish","topic":"a/b","payload":"text","options":{"qos":1,"retain":false,"properties":{...}}}
//           {"op":"publish-burst","topic":"a","count":8,"options":{...}} (to a/0 … a/7 in one tick; answers "queued")
//           {"op":"unsubscribe","filter":"a/#"}   {"op":"end"}   {"op":"drop"} (socket destroyed: no DISCONNECT)
// Events:   {"event":"connect","sessionPresent":..,"properties":{..}}  {"event":"message","topic","payload","qos","retain","dup","properties"}
//           {"event":"subscribed","granted":[..]} {"event":"published","id":N} {"event":"unsubscribed"}
//           {"event":"packet","dir":"in"|"out","cmd":"...","qos":N,"topic":"...","properties":{..},"reasonCode":N}
//           {"event":"error","message":".."} {"event":"disconnect","reasonCode":N} {"event":"close"} {"event":"ended"}
// Every command may carry "id"; its completion event repeats it.
import mqtt from "mqtt";
import readline from "node:readline";

const [url, optionsJson] = process.argv.slice(2);
const options = { reconnectPeriod: 0, connectTimeout: 10_000, ...JSON.parse(optionsJson ?? "{}") };
if (options.will && typeof options.will.payload === "string") options.will.payload = Buffer.from(options.will.payload, "utf8");

const emit = (event) => process.stdout.write(JSON.stringify(event) + "\n");
const client = mqtt.connect(url, options);
// "ackDelayMs": hold every inbound PUBLISH that long before MQTT.js acknowledges it (a slow consumer).
if (options.ackDelayMs) client.handleMessage = (packet, callback) => setTimeout(callback, options.ackDelayMs);

const brief = (packet) => ({
  cmd: packet.cmd,
  qos: packet.qos,
  dup: packet.dup,
  retain: packet.retain,
  messageId: packet.messageId,
  topic: packet.topic,
  reasonCode: packet.reasonCode ?? packet.returnCode,
  properties: packet.properties,
  granted: packet.granted,
});
client.on("packetsend", (packet) => emit({ event: "packet", dir: "out", ...brief(packet) }));
client.on("packetreceive", (packet) => emit({ event: "packet", dir: "in", ...brief(packet) }));
client.on("connect", (connack) => emit({ event: "connect", sessionPresent: connack.sessionPresent, properties: connack.properties }));
client.on("message", (topic, payload, packet) =>
  emit({ event: "message", topic, payload: payload.toString("utf8"), qos: packet.qos, retain: packet.retain, dup: packet.dup, properties: packet.properties }));
client.on("error", (e) => emit({ event: "error", message: e.message, code: e.code }));
client.on("disconnect", (packet) => emit({ event: "disconnect", reasonCode: packet.reasonCode, properties: packet.properties }));
client.on("close", () => emit({ event: "close" }));

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  const command = JSON.parse(line);
  const done = (event) => emit({ ...event, id: command.id });
  switch (command.op) {
    case "subscribe":
      client.subscribe(command.filter, command.options ?? { qos: 0 }, (err, granted) =>
        err ? done({ event: "error", message: err.message }) : done({ event: "subscribed", granted: granted.map((g) => g.qos) }));
      break;
    case "publish-burst":
      // "count" PUBLISHes to "<topic>/<i>" handed to MQTT.js in one tick, so they leave before any ack is read.
      for (let i = 0; i < command.count; i++) {
        client.publish(`${command.topic}/${i}`, Buffer.from(`${i}`, "utf8"), command.options ?? {}, (err) =>
          emit(err ? { event: "error", message: err.message } : { event: "published" }));
      }
      done({ event: "queued" });
      break;
    case "unsubscribe":
      client.unsubscribe(command.filter, (err) => (err ? done({ event: "error", message: err.message }) : done({ event: "unsubscribed" })));
      break;
    case "publish":
      client.publish(command.topic, Buffer.from(command.payload ?? "", "utf8"), command.options ?? {}, (err) =>
        err ? done({ event: "error", message: err.message }) : done({ event: "published" }));
      break;
    case "end":
      client.end(false, command.options ?? {}, () => { done({ event: "ended" }); process.exit(0); });
      break;
    case "drop":
      client.stream.destroy();
      done({ event: "dropped" });
      break;
    default:
      done({ event: "error", message: `unknown op ${command.op}` });
  }
});
