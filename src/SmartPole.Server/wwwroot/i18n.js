// Every label of the dashboard in both languages, and the units of the metric catalog.
const STORAGE_KEY = "smartpole.lang";

const TEXT = {
  en: {
    brand: "Smart pole platform", city: "City",
    "mode.open": "DEMO · open mode", "mode.openNote": "MQTT and the API are not fully secured. Do not onboard a partner city like this.",
    "conn.connecting": "connecting…", "conn.live": "live", "conn.reconnecting": "reconnecting…", "conn.noCity": "no city yet", "conn.error": "error",
    "kpi.poles": "Poles", "kpi.online": "Reporting", "kpi.lights": "Lights on", "kpi.power": "Lighting power", "kpi.ues": "5G users",
    "kpi.aqi": "Air quality (AQI)", "kpi.aqiNote": "HJ 633-2012 IAQI of the city's mean PM2.5 and PM10, from the latest readings",
    "aqi.1": "Excellent", "aqi.2": "Good", "aqi.3": "Light pollution", "aqi.4": "Moderate pollution", "aqi.5": "Heavy pollution", "aqi.6": "Severe pollution",
    "map.title": "Map", "map.noCoords": "{n} without coordinates", "map.clustered": "{n} poles, grouped at this scale",
    "legend.on": "light on", "legend.off": "light off", "legend.alarm": "major alarm", "legend.offline": "offline / silent", "legend.none": "no data",
    "table.title": "Poles", "col.pole": "Pole", "col.lamp": "Lamp", "col.power": "Power W", "col.pm25": "PM2.5", "col.noise": "Noise dB",
    "col.ues": "5G UEs", "col.lastSeen": "Last seen", "lamp.on": "on", "lamp.off": "off",
    "panel.close": "Close", "panel.series": "Series", "panel.noData": "No readings yet", "panel.seen": "last seen {t}",
    "panel.district": "district {d}", "panel.status.0": "unknown", "panel.status.1": "online", "panel.status.2": "offline",
    "range.1h": "1 h", "range.24h": "24 h", "range.7d": "7 d",
    "history.loading": "loading…", "history.empty": "no history in this range yet", "history.note": "mean per {every} · points: {n}",
    "history.error": "history unavailable: {e}",
    "bool.true": "yes", "bool.false": "no",
    "severity.info": "Info", "severity.minor": "Minor", "severity.major": "Major", "severity.critical": "Critical",
    "kpi.alarms": "Open alarms", "kpi.alarmsNote": "Open alarms of the city, pushed by the server once a second", "kpi.alarmsDetail": "{c} critical · {m} major",
    "table.filter": "Find a pole", "table.none": "no pole matches",
    "feed.title": "Alarms and incidents", "feed.empty": "No open alarms", "feed.ack": "Acknowledge", "feed.acking": "acknowledging…",
    "feed.ackFailed": "acknowledge failed: {e}", "feed.incident": "Incident", "feed.alarms": "{n} alarms",
    "state.active": "active", "state.acknowledged": "acknowledged", "state.cleared": "cleared",
    "cmd.dim": "Dim lights to", "cmd.send": "Send", "cmd.schedule": "Follow schedule", "cmd.energySaving": "5G energy saving",
    "cmd.on": "On", "cmd.off": "Off", "cmd.text": "Text for the display", "cmd.show": "Show", "cmd.reboot": "Reboot camera",
    "cmd.failedToSend": "not sent: {e}",
    "status.accepted": "accepted", "status.sent": "sent", "status.acked": "acked", "status.failed": "failed", "status.timedOut": "timed out",
  },
  zh: {
    brand: "多功能智能杆平台", city: "城市",
    "mode.open": "演示 · 开放模式", "mode.openNote": "MQTT 与 API 未完全加密认证，请勿以此模式接入合作城市。",
    "conn.connecting": "连接中…", "conn.live": "实时", "conn.reconnecting": "重新连接中…", "conn.noCity": "暂无城市", "conn.error": "错误",
    "kpi.poles": "智能杆总数", "kpi.online": "在线上报", "kpi.lights": "亮灯数", "kpi.power": "照明功率", "kpi.ues": "5G 用户数",
    "kpi.aqi": "空气质量 (AQI)", "kpi.aqiNote": "按 HJ 633-2012，由全市 PM2.5 与 PM10 最新读数均值计算的空气质量分指数",
    "aqi.1": "优", "aqi.2": "良", "aqi.3": "轻度污染", "aqi.4": "中度污染", "aqi.5": "重度污染", "aqi.6": "严重污染",
    "map.title": "地图", "map.noCoords": "{n} 根无坐标", "map.clustered": "共 {n} 根，按当前比例聚合显示",
    "legend.on": "亮灯", "legend.off": "熄灯", "legend.alarm": "重要告警", "legend.offline": "离线 / 静默", "legend.none": "无数据",
    "table.title": "智能杆", "col.pole": "杆号", "col.lamp": "路灯", "col.power": "功率 W", "col.pm25": "PM2.5", "col.noise": "噪声 dB",
    "col.ues": "5G 用户", "col.lastSeen": "最近上报", "lamp.on": "开", "lamp.off": "关",
    "panel.close": "关闭", "panel.series": "曲线", "panel.noData": "尚无读数", "panel.seen": "最近上报 {t}",
    "panel.district": "{d} 区", "panel.status.0": "未知", "panel.status.1": "在线", "panel.status.2": "离线",
    "range.1h": "1 小时", "range.24h": "24 小时", "range.7d": "7 天",
    "history.loading": "加载中…", "history.empty": "该时段暂无历史数据", "history.note": "每 {every} 平均 · {n} 个点",
    "history.error": "历史数据不可用：{e}",
    "bool.true": "是", "bool.false": "否",
    "severity.info": "提示", "severity.minor": "次要", "severity.major": "重要", "severity.critical": "紧急",
    "kpi.alarms": "未关闭告警", "kpi.alarmsNote": "全市未关闭告警数，由服务器每秒推送", "kpi.alarmsDetail": "紧急 {c} · 重要 {m}",
    "table.filter": "查找杆号", "table.none": "没有匹配的智能杆",
    "feed.title": "告警与事件", "feed.empty": "暂无未关闭告警", "feed.ack": "确认", "feed.acking": "确认中…",
    "feed.ackFailed": "确认失败：{e}", "feed.incident": "事件", "feed.alarms": "{n} 条告警",
    "state.active": "未确认", "state.acknowledged": "已确认", "state.cleared": "已恢复",
    "cmd.dim": "调光至", "cmd.send": "下发", "cmd.schedule": "按时间表运行", "cmd.energySaving": "5G 节能",
    "cmd.on": "开启", "cmd.off": "关闭", "cmd.text": "信息屏显示内容", "cmd.show": "显示", "cmd.reboot": "重启摄像头",
    "cmd.failedToSend": "未下发：{e}",
    "status.accepted": "已受理", "status.sent": "已下发", "status.acked": "已执行", "status.failed": "失败", "status.timedOut": "超时",
  },
};

const KINDS = {
  lighting: ["Street light", "路灯"], smallcell: ["5G small cell", "5G 微基站"], camera: ["Camera", "摄像头"],
  environment: ["Environment", "环境监测"], cabinet: ["Cabinet", "设备箱"], meter: ["Power meter", "电表"],
  display: ["LED display", "信息屏"], charger: ["EV charger", "充电桩"], sos: ["SOS button", "一键求助"],
};

// kind → metric → [unit, English label, Chinese label]; mirrors the server's metric catalog.
const METRICS = {
  lighting: {
    on: ["", "On", "开灯"], dimPct: ["%", "Dim level", "调光"], powerW: ["W", "Power", "功率"], energyKWh: ["kWh", "Energy", "电能"],
    voltageV: ["V", "Voltage", "电压"], currentA: ["A", "Current", "电流"], powerFactor: ["", "Power factor", "功率因数"], lampHours: ["h", "Lamp hours", "点灯时长"],
  },
  smallcell: {
    onAir: ["", "On air", "开通"], ues: ["", "Users", "用户数"], dlMbps: ["Mbit/s", "Downlink", "下行速率"], ulMbps: ["Mbit/s", "Uplink", "上行速率"],
    prbPct: ["%", "PRB load", "PRB 利用率"], powerW: ["W", "Power", "功率"], tempC: ["°C", "Temperature", "温度"],
  },
  camera: {
    online: ["", "Online", "在线"], recording: ["", "Recording", "录像"], bitrateKbps: ["kbit/s", "Bitrate", "码率"],
    storagePct: ["%", "Storage used", "存储占用"], people: ["", "People", "行人数"], vehicles: ["", "Vehicles", "车辆数"],
  },
  environment: {
    pm25: ["µg/m³", "PM2.5", "PM2.5"], pm10: ["µg/m³", "PM10", "PM10"], no2: ["µg/m³", "NO₂", "二氧化氮"], tempC: ["°C", "Temperature", "温度"],
    humidityPct: ["%", "Humidity", "湿度"], noiseDb: ["dB(A)", "Noise", "噪声"], windMs: ["m/s", "Wind", "风速"], pressureHpa: ["hPa", "Pressure", "气压"],
  },
  cabinet: {
    doorOpen: ["", "Door open", "柜门打开"], tiltDeg: ["°", "Tilt", "倾斜"], cabinetTempC: ["°C", "Cabinet temperature", "箱内温度"],
    waterLeak: ["", "Water leak", "水浸"], supplyV: ["V", "Supply", "供电电压"],
  },
  meter: { voltageV: ["V", "Voltage", "电压"], currentA: ["A", "Current", "电流"], powerW: ["W", "Power", "功率"], energyKWh: ["kWh", "Energy", "电能"] },
  display: { on: ["", "On", "开屏"], brightnessPct: ["%", "Brightness", "亮度"] },
  charger: { state: ["", "State", "状态"], powerKw: ["kW", "Power", "功率"], energyKWh: ["kWh", "Energy", "电能"] },
  sos: { armed: ["", "Armed", "布防"] },
};

let lang = pickLanguage();
const listeners = [];

function pickLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === "en" || saved === "zh") return saved;
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

export const language = () => lang;

/** The label of `key` in the current language, with `{name}` placeholders filled from `values`. */
export function t(key, values = {}) {
  const text = TEXT[lang][key] ?? TEXT.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

export const kindLabel = (kind) => (KINDS[kind] ? KINDS[kind][lang === "zh" ? 1 : 0] : kind);
/** Position of a kind in the catalog (unknown kinds last). */
export const kindOrder = (kind) => { const i = Object.keys(KINDS).indexOf(kind); return i < 0 ? 99 : i; };
export const metricUnit = (kind, metric) => METRICS[kind]?.[metric]?.[0] ?? "";
export const metricLabel = (kind, metric) => METRICS[kind]?.[metric]?.[lang === "zh" ? 2 : 1] ?? metric;
/** Metrics of a kind that have a history (numbers, not on/off values), in catalog order. */
export const numericMetrics = (kind, seen) => Object.keys(METRICS[kind] ?? {}).filter((m) => typeof seen[m] === "number");

/** Fills every element marked with data-i18n (text), data-i18n-label (aria-label), data-i18n-title (title) or data-i18n-placeholder. */
export function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  for (const el of document.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll("[data-lang]")) el.classList.toggle("current", el.dataset.lang === lang);
  for (const listener of listeners) listener(lang);
}

export function setLanguage(next) {
  lang = next;
  localStorage.setItem(STORAGE_KEY, next);
  applyLanguage();
}

export const onLanguageChange = (listener) => listeners.push(listener);
