// A fixed MQTT.js session whose bytes the codec tests capture: CONNECT (credentials, will, 5.0
// properties), one SUBSCRIBE with two filters and their options, PUBLISH at QoS 0, 1 and 2 (5.0:
// with properties and a topic alias), then DISCONNECT.
// Usage: node mqtt-session.mjs <mqtt-url> <4|5>
import mqtt from "mqtt";

const [url, version] = process.argv.slice(2);
const v5 = Number(version) === 5;
const client = mqtt.connect(url, {
  protocolVersion: v5 ? 5 : 4,
  clientId: "mqttjs-pole",
  username: "bob",
  password: "hunter2",
  keepalive: 33,
  clean: !v5,
  reconnectPeriod: 0,
  will: {
    topic: "sp/c/p/status",
    payload: Buffer.from("gone"),
    qos: 1,
    retain: true,
    ...(v5 ? { properties: { willDelayInterval: 5, contentType: "text/plain" } } : {}),
  },
  ...(v5 ? { properties: { sessionExpiryInterval: 120, receiveMaximum: 9, maximumPacketSize: 65536, topicAliasMaximum: 4, userProperties: { site: "north" } } } : {}),
});

const publish = (topic, payload, options) => new Promise((resolve, reject) => client.publish(topic, payload, options, (e) => (e ? reject(e) : resolve())));

client.on("error", (e) => { console.error(e.message); process.exit(2); });
client.on("connect", async () => {
  const filters = {
    "sp/+/+/cmd": v5 ? { qos: 1, nl: true, rap: true, rh: 2 } : { qos: 1 },
    "sp/demo/#": { qos: 2 },
  };
  await new Promise((resolve, reject) => client.subscribe(filters, v5 ? { properties: { subscriptionIdentifier: 42 } } : {}, (e) => (e ? reject(e) : resolve())));
  await publish("sp/c/p/telemetry", "zero", { qos: 0 });
  await publish("sp/c/p/telemetry", "one", {
    qos: 1,
    retain: true,
    ...(v5 ? { properties: { messageExpiryInterval: 90, contentType: "application/json", responseTopic: "r/1", correlationData: Buffer.from("c1"), payloadFormatIndicator: true, userProperties: { unit: "W" }, topicAlias: 3 } } : {}),
  });
  // 5.0: the same alias without the topic (§3.3.2.3.4).
  await publish(v5 ? "" : "sp/c/p/telemetry", "two", { qos: 2, ...(v5 ? { properties: { topicAlias: 3 } } : {}) });
  client.end(false, () => process.exit(0));
});
