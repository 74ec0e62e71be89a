// The live alarm and incident feed: open alarms and incidents from REST when the page (re)joins a
// city, then every change pushed by the hub. An operator acknowledges an alarm from here.
import { t } from "./i18n.js";

const SEVERITIES = ["info", "minor", "major", "critical"];
// Rebuilding a few hundred list items is cheap; thousands would not be, and nobody reads them.
const MAX_SHOWN = 200;

export const severityOf = (alarm) => (typeof alarm.severity === "number" ? alarm.severity : SEVERITIES.indexOf(String(alarm.severity).toLowerCase()));
export const severityName = (alarm) => SEVERITIES[Math.max(severityOf(alarm), 0)];
const stateOf = (alarm) => String(alarm.state ?? (alarm.clearedAt ? "cleared" : alarm.acknowledgedAt ? "acknowledged" : "active")).toLowerCase();

export class AlarmFeed {
  /**
   * `list` and `count` are the feed's elements; `onSelect(pole)` opens a pole; `onChange()` asks
   * the page to render again; `locale()` is the current locale for times.
   */
  constructor({ list, count, onSelect, onChange, locale }) {
    Object.assign(this, { list, count, onSelect, onChange, locale });
    this.city = null;
    this.alarms = new Map(); // "pole/alarmId" → { pole, alarm }
    this.incidents = new Map(); // incidentId → { pole, incident }
    this.acking = new Map(); // "pole/alarmId" → text shown while the request runs, or its error
    list.addEventListener("click", (e) => {
      const ack = e.target.closest("button[data-ack]");
      if (ack) { e.stopPropagation(); this.acknowledge(ack.dataset.pole, ack.dataset.ack); return; }
      const item = e.target.closest("li[data-pole]");
      if (item) onSelect(item.dataset.pole);
    });
  }

  /** Replaces the feed with the city's open alarms and incidents (first join and every resync). */
  async load(city) {
    this.city = city;
    const base = `api/cities/${encodeURIComponent(city)}`;
    const [alarms, incidents] = await Promise.all([fetch(`${base}/alarms`), fetch(`${base}/incidents`)]);
    this.alarms.clear();
    this.incidents.clear();
    if (alarms.ok) for (const a of await alarms.json()) this.alarms.set(`${a.pole}/${a.alarm.id}`, a);
    if (incidents.ok) for (const i of await incidents.json()) this.incidents.set(i.incident.id, i);
    this.onChange();
  }

  /** Applies hub events; returns true when the feed changed. */
  apply(events) {
    let changed = false;
    for (const e of events) {
      if (e.city !== this.city) continue;
      switch (e.event) {
        case "alarmRaised":
        case "alarmAcknowledged":
        case "alarmCleared": {
          const key = `${e.pole}/${e.alarm.id}`;
          if (stateOf(e.alarm) === "cleared") this.alarms.delete(key);
          else this.alarms.set(key, { pole: e.pole, alarm: e.alarm });
          if (e.event !== "alarmRaised") this.acking.delete(key);
          changed = true;
          break;
        }
        case "incidentOpened":
        case "incidentUpdated":
        case "incidentClosed":
          if (e.incident.closedAt) this.incidents.delete(e.incident.id);
          else this.incidents.set(e.incident.id, { pole: e.pole, incident: e.incident });
          changed = true;
          break;
        default:
          break;
      }
    }
    return changed;
  }

  async acknowledge(pole, id) {
    const key = `${pole}/${id}`;
    this.acking.set(key, t("feed.acking"));
    this.render();
    try {
      const response = await fetch(`api/cities/${encodeURIComponent(this.city)}/poles/${encodeURIComponent(pole)}/alarms/${encodeURIComponent(id)}/acknowledge`, { method: "POST" });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        throw new Error(problem.detail ?? problem.title ?? response.statusText);
      }
      // The hub's alarmAcknowledged follows within a flush; until then the server's answer is the truth.
      const entry = this.alarms.get(key);
      if (entry && stateOf(entry.alarm) === "active") entry.alarm = { ...entry.alarm, state: "acknowledged", acknowledgedAt: new Date().toISOString() };
      this.acking.delete(key);
    } catch (e) {
      this.acking.set(key, t("feed.ackFailed", { e: e.message }));
    }
    this.onChange();
  }

  render() {
    // An incident of one alarm says no more than its alarm: only those grouping several are listed.
    const incidents = [...this.incidents.values()].filter((i) => i.incident.alarmIds.length > 1)
      .sort((a, b) => Date.parse(b.incident.openedAt) - Date.parse(a.incident.openedAt));
    // Unacknowledged first, then the most severe, then the newest.
    const alarms = [...this.alarms.values()].sort((a, b) =>
      (stateOf(a.alarm) === "active" ? 0 : 1) - (stateOf(b.alarm) === "active" ? 0 : 1)
      || severityOf(b.alarm) - severityOf(a.alarm)
      || Date.parse(b.alarm.raisedAt) - Date.parse(a.alarm.raisedAt));
    const items = [...incidents.map((i) => this.incidentItem(i)), ...alarms.map((a) => this.alarmItem(a))].slice(0, MAX_SHOWN);
    if (items.length === 0) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = t("feed.empty");
      items.push(empty);
    }
    this.list.replaceChildren(...items);
    this.count.textContent = String(this.alarms.size);
  }

  alarmItem({ pole, alarm }) {
    const li = document.createElement("li");
    const state = stateOf(alarm);
    li.className = `alarm-item sev-${severityName(alarm)} ${state}`;
    li.dataset.pole = pole;
    li.dataset.alarm = alarm.id;
    li.dataset.state = state;
    li.append(
      span("when", new Date(alarm.raisedAt).toLocaleTimeString(this.locale())),
      span("what", `${t(`severity.${severityName(alarm)}`)} · ${pole} · ${alarm.device} · ${alarm.type} — ${alarm.detail}`));
    const key = `${pole}/${alarm.id}`;
    if (this.acking.has(key)) {
      li.append(span("state", this.acking.get(key)));
    } else if (state === "active") {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.ack = alarm.id;
      button.dataset.pole = pole;
      button.textContent = t("feed.ack");
      li.append(button);
    } else {
      li.append(span("state", t(`state.${state}`)));
    }
    return li;
  }

  incidentItem({ pole, incident }) {
    const li = document.createElement("li");
    li.className = "incident";
    li.dataset.pole = pole;
    li.dataset.incident = incident.id;
    li.append(
      span("when", new Date(incident.openedAt).toLocaleTimeString(this.locale())),
      span("what", `${t("feed.incident")} · ${pole} · ${incident.probableCause} — ${incident.explanation}`),
      span("state", t("feed.alarms", { n: incident.alarmIds.length })));
    return li;
  }
}

function span(className, text) {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  return el;
}
