// District outlines for the map. The registry has no outline data, so each district's outline is the
// convex hull of its poles' screen positions: faint, behind the poles, with the district's name.

// Andrew's monotone chain: points [x, y] → hull in counter-clockwise order (fewer than 3 points: as given).
export function convexHull(points) {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower = [], upper = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower.at(-2), lower.at(-1), p) <= 0) lower.pop();
    lower.push(p);
  }
  for (const p of sorted.reverse()) {
    while (upper.length >= 2 && cross(upper.at(-2), upper.at(-1), p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

// Outlines of the districts of laid-out poles: [{ name, hull: [[x, y]…], labelX, labelY }], computed once per layout.
export function districtOutlines(poles, xs, ys) {
  const byDistrict = new Map();
  poles.forEach((p, i) => {
    if (!p.district) return;
    if (!byDistrict.has(p.district)) byDistrict.set(p.district, []);
    byDistrict.get(p.district).push([xs[i], ys[i]]);
  });
  return [...byDistrict].map(([name, points]) => {
    const hull = convexHull(points);
    const labelX = hull.reduce((s, p) => s + p[0], 0) / hull.length;
    const labelY = Math.min(...hull.map((p) => p[1])) - 6;
    return { name, hull, labelX, labelY };
  });
}

// Draws the outlines faintly in a colour darker than any status colour: a thin dashed border, a tinted inside, the name above.
export function drawDistrictOutlines(ctx, outlines, colour, textColour) {
  ctx.save();
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 4]);
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.font = "12px system-ui, sans-serif";
  ctx.textAlign = "center";
  for (const { hull, name, labelX, labelY } of outlines) {
    if (hull.length >= 3) {
      const path = new Path2D();
      hull.forEach(([x, y], i) => (i ? path.lineTo(x, y) : path.moveTo(x, y)));
      path.closePath();
      ctx.globalAlpha = 0.35;
      ctx.fill(path);
      ctx.globalAlpha = 1;
      ctx.stroke(path);
    }
    ctx.globalAlpha = 0.7;
    ctx.fillStyle = textColour;
    ctx.fillText(name, labelX, labelY);
    ctx.fillStyle = colour;
  }
  ctx.restore();
}
