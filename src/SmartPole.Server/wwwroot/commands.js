// Command buttons of the pole panel and the progress of what was sent: POST answers 202 with the
// command, the hub pushes each step (sent, acked, failed, timed out), and a slow poll covers a
// push missed while the connection was away.
import { t } from "./i18n.js";

const POLL_MS = 2000;
const LOG_SHOWN = 20;

const isFinal = (status) => ["acked", "failed", "timedOut"].includes(String(status));

export class CommandPanel {
  /** `root` holds the command rows and the log; `onChange()` asks the page to render again; `locale()` as in the feed. */
  constructor({ root, log, onChange, locale }) {
    Object.assign(this, { root, log, onChange, locale });
    this.city = null;
    this.pole = null;
    this.devices = [];
    this.commands = new Map(); // commandId → { pole, record, error }
    const on = (id, handler) => root.querySelector(`#${id}`).addEventListener("click", handler);
    on("cmd-dim", () => this.sendToKind("lighting", "dim", { pct: Number(root.querySelector("#cmd-dim-pct").value) }));
    on("cmd-schedule", () => this.sendToKind("lighting", "auto"));
    on("cmd-saving-on", () => this.sendToKind("smallcell", "energySaving", { on: true }));
    on("cmd-saving-off", () => this.sendToKind("smallcell", "energySaving", { on: false }));
    on("cmd-display", () => this.sendToKind("display", "message", { text: root.querySelector("#cmd-text").value }));
    on("cmd-reboot", () => this.sendToKind("camera", "reboot"));
  }

  /** Shows the rows that fit the pole's devices and its command log. */
  show(city, pole, devices) {
    this.city = city;
    this.pole = pole;
    this.devices = devices;
    for (const row of this.root.querySelectorAll(".command-row")) row.hidden = !devices.some((d) => d.kind === row.dataset.kind);
    this.render();
  }

  // Lighting commands go to every lamp of the pole (a double-arm pole dims both); others to the first device of the kind.
  async sendToKind(kind, action, args) {
    const targets = this.devices.filter((d) => d.kind === kind);
    await Promise.all((kind === "lighting" ? targets : targets.slice(0, 1)).map((d) => this.send(d.id, action, args)));
  }

  async send(device, action, args) {
    const { city, pole } = this;
    const url = `api/cities/${encodeURIComponent(city)}/poles/${encodeURIComponent(pole)}/commands`;
    try {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ device, action, args }) });
      const body = await response.json();
      if (!response.ok) throw new Error(body.detail ?? body.title ?? response.statusText);
      this.record(pole, body);
      this.poll(city, pole, body.id);
    } catch (e) {
      const id = `local-${Date.now()}-${device}`;
      this.commands.set(id, { pole, record: { id, request: { device, action, args }, status: "failed", acceptedAt: new Date().toISOString() }, error: t("cmd.failedToSend", { e: e.message }) });
    }
    this.onChange();
  }

  record(pole, record) {
    const known = this.commands.get(record.id);
    // Pushes and poll answers may cross: a final status is never replaced by an earlier one.
    if (known && isFinal(known.record.status) && !isFinal(record.status)) return;
    this.commands.set(record.id, { pole, record });
  }

  async poll(city, pole, id) {
    const url = `api/cities/${encodeURIComponent(city)}/poles/${encodeURIComponent(pole)}/commands/${encodeURIComponent(id)}`;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const entry = this.commands.get(id);
      if (!entry || isFinal(entry.record.status)) return;
      const response = await fetch(url).catch(() => null);
      if (response?.ok) { this.record(pole, await response.json()); this.onChange(); }
    }
  }

  /** Applies hub events; returns true when a command of the shown pole changed. */
  apply(events) {
    let changed = false;
    for (const e of events) {
      if (e.event !== "commandProgressed" || e.city !== this.city) continue;
      this.record(e.pole, e.command);
      changed ||= e.pole === this.pole;
    }
    return changed;
  }

  render() {
    const mine = [...this.commands.values()].filter((c) => c.pole === this.pole)
      .sort((a, b) => Date.parse(b.record.acceptedAt) - Date.parse(a.record.acceptedAt)).slice(0, LOG_SHOWN);
    this.log.replaceChildren(...mine.map(({ record, error }) => {
      const li = document.createElement("li");
      li.dataset.command = record.id;
      li.dataset.status = record.status;
      const { device, action, args } = record.request;
      const what = [new Date(record.acceptedAt).toLocaleTimeString(this.locale()), device, action, args && Object.keys(args).length ? JSON.stringify(args) : ""].filter(Boolean).join(" · ");
      li.textContent = `${what} — ${error ?? t(`status.${record.status}`)}${record.detail ? ` (${record.detail})` : ""}`;
      return li;
    }));
  }
}
