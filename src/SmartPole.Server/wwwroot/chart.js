// A small line chart on a canvas: one series over a time range, nice axis ticks, drawn in one pass.

function niceStep(span, target) {
  const raw = span / Math.max(target, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

const TIME_STEPS = [60e3, 5 * 60e3, 15 * 60e3, 30 * 60e3, 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, 86400e3];

/**
 * Draws `points` ([{ t: ms, v }]) between `from` and `to` (ms) on `canvas`.
 * `options`: { unit, locale, colour, empty } — `empty` is the text shown when there are no points.
 */
export function drawLineChart(canvas, points, from, to, options) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const styles = getComputedStyle(document.documentElement);
  const muted = styles.getPropertyValue("--muted"), line = styles.getPropertyValue("--line");
  ctx.font = "11px " + styles.fontFamily;

  if (points.length === 0) {
    ctx.fillStyle = muted;
    ctx.textAlign = "center";
    ctx.fillText(options.empty ?? "", width / 2, height / 2);
    return;
  }

  let min = Infinity, max = -Infinity;
  for (const p of points) { min = Math.min(min, p.v); max = Math.max(max, p.v); }
  if (min === max) { min -= 1; max += 1; }
  const yStep = niceStep(max - min, 4);
  const yMin = Math.floor(min / yStep) * yStep, yMax = Math.ceil(max / yStep) * yStep;
  const left = 48, right = 10, top = 12, bottom = 22;
  const plotW = Math.max(width - left - right, 10), plotH = Math.max(height - top - bottom, 10);
  const x = (t) => left + ((t - from) / (to - from)) * plotW;
  const y = (v) => top + plotH - ((v - yMin) / (yMax - yMin)) * plotH;

  // Grid and axis labels.
  ctx.strokeStyle = line;
  ctx.fillStyle = muted;
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  ctx.beginPath();
  const digits = yStep < 1 ? Math.min(3, Math.ceil(-Math.log10(yStep))) : 0;
  for (let v = yMin; v <= yMax + yStep / 2; v += yStep) {
    ctx.moveTo(left, Math.round(y(v)) + 0.5);
    ctx.lineTo(left + plotW, Math.round(y(v)) + 0.5);
    ctx.fillText(v.toFixed(digits), left - 6, y(v));
  }
  ctx.stroke();
  if (options.unit) { ctx.textAlign = "left"; ctx.textBaseline = "top"; ctx.fillText(options.unit, 4, 0); }

  const span = to - from;
  const tStep = TIME_STEPS.find((s) => span / s <= 6) ?? 86400e3 * Math.ceil(span / 86400e3 / 6);
  const dayLabels = span > 36 * 3600e3;
  const format = new Intl.DateTimeFormat(options.locale, dayLabels ? { month: "numeric", day: "numeric" } : { hour: "2-digit", minute: "2-digit" });
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  // Ticks fall on local round times (local midnight for days).
  const offset = new Date(from).getTimezoneOffset() * 60e3;
  for (let t = Math.ceil((from - offset) / tStep) * tStep + offset; t <= to; t += tStep) {
    ctx.fillText(format.format(new Date(t)), x(t), top + plotH + 6);
  }

  // The series, with a soft fill beneath it.
  ctx.beginPath();
  points.forEach((p, i) => (i ? ctx.lineTo(x(p.t), y(p.v)) : ctx.moveTo(x(p.t), y(p.v))));
  ctx.strokeStyle = options.colour;
  ctx.lineWidth = 1.8;
  ctx.stroke();
  ctx.lineTo(x(points[points.length - 1].t), top + plotH);
  ctx.lineTo(x(points[0].t), top + plotH);
  ctx.closePath();
  ctx.globalAlpha = 0.15;
  ctx.fillStyle = options.colour;
  ctx.fill();
  ctx.globalAlpha = 1;
  if (points.length === 1) {
    ctx.beginPath();
    ctx.arc(x(points[0].t), y(points[0].v), 3, 0, Math.PI * 2);
    ctx.fill();
  }
}
