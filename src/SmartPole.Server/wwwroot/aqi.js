// Air quality index per China's HJ 633-2012: IAQI by linear interpolation between breakpoints,
// AQI = the larger IAQI. The standard defines PM2.5 / PM10 breakpoints on 24-hour means; the
// dashboard applies them to the city's current mean, and says so in the tile's tooltip.
const IAQI = [0, 50, 100, 150, 200, 300, 400, 500];
const PM25 = [0, 35, 75, 115, 150, 250, 350, 500];
const PM10 = [0, 50, 150, 250, 350, 420, 500, 600];

/** IAQI of concentration `c` against `breakpoints`; concentrations beyond the last breakpoint count as 500. */
export function iaqi(c, breakpoints) {
  if (!(c >= 0)) return undefined;
  for (let i = 1; i < breakpoints.length; i++) {
    if (c <= breakpoints[i]) {
      const [lo, hi] = [breakpoints[i - 1], breakpoints[i]];
      return Math.ceil(((IAQI[i] - IAQI[i - 1]) / (hi - lo)) * (c - lo) + IAQI[i - 1]);
    }
  }
  return 500;
}

/** AQI from PM2.5 and PM10 (µg/m³); either may be missing. */
export function aqi(pm25, pm10) {
  const values = [iaqi(pm25, PM25), iaqi(pm10, PM10)].filter((v) => v !== undefined);
  return values.length ? Math.max(...values) : undefined;
}

/** Level 1 (excellent) … 6 (severe) of an AQI. */
export const aqiLevel = (value) => (value <= 50 ? 1 : value <= 100 ? 2 : value <= 150 ? 3 : value <= 200 ? 4 : value <= 300 ? 5 : 6);

export const AQI_COLOURS = ["", "#3ccf6e", "#e6d43a", "#ff9a2e", "#ff4d4f", "#a84bd6", "#8c1c2b"];
