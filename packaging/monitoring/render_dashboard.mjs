// Lays out grafana-dashboard.json as HTML with inline SVG charts: each
// panel's targets evaluated by Prometheus (query_range) over [start, end],
// Grafana's variables replaced ($job: every job, $__rate_interval: 15s),
// legends from legendFormat. Used by render.sh; no library.
// Usage: node render_dashboard.mjs DASHBOARD.json PROMETHEUS_URL START END OUT.html [ROUNDS]
import fs from 'node:fs';

const [dashboardPath, prometheus, start, end, outPath, rounds] = process.argv.slice(2);
const dashboard = JSON.parse(fs.readFileSync(dashboardPath, 'utf8'));
const step = 2;
const colours = ['#7eb26d', '#eab839', '#6ed0e0', '#ef843c', '#e24d42', '#1f78c1', '#ba43a9', '#705da0',
                 '#508642', '#cca300', '#447ebc', '#c15c17'];

function expand(expr) {
  return expr.replaceAll('$__rate_interval', '15s').replaceAll('$job', '.+');
}

function legend(format, metric) {
  if (!format) return JSON.stringify(metric);
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => metric[k] ?? '');
}

async function query(expr) {
  const url = `${prometheus}/api/v1/query_range?query=${encodeURIComponent(expand(expr))}` +
              `&start=${start}&end=${end}&step=${step}`;
  const answer = await (await fetch(url)).json();
  if (answer.status !== 'success') throw new Error(`${expr}: ${answer.error}`);
  return answer.data.result;
}

function format(v, unit) {
  if (!Number.isFinite(v)) return '-';
  if (unit === 's') return v >= 1 ? `${v.toFixed(2)} s` : `${(v * 1000).toFixed(v * 1000 >= 10 ? 0 : 1)} ms`;
  if (unit === 'percentunit') return `${(v * 100).toFixed(0)}%`;
  if (Math.abs(v) >= 1000) return `${(v / 1000).toFixed(1)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(v >= 10 ? 0 : 2);
}

function chart(series, unit, width, height) {
  const left = 54, right = 26, top = 8, bottom = 22;
  const w = width - left - right, h = height - top - bottom;
  let max = 0;
  for (const s of series) for (const [, v] of s.values) if (Number.isFinite(v)) max = Math.max(max, v);
  if (max === 0) max = 1;
  const x = t => left + ((t - start) / (end - start)) * w;
  const y = v => top + h - (v / max) * h;
  let svg = `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`;
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    svg += `<line x1="${left}" x2="${left + w}" y1="${y(v)}" y2="${y(v)}" stroke="#2c3235"/>`;
    svg += `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${format(v, unit)}</text>`;
  }
  for (let i = 0; i <= 4; i++) {
    const t = Number(start) + ((end - start) * i) / 4;
    const d = new Date(t * 1000);
    const label = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')}`;
    svg += `<text x="${x(t)}" y="${height - 6}" text-anchor="middle">${label}</text>`;
  }
  series.forEach((s, i) => {
    const points = s.values.filter(([, v]) => Number.isFinite(v)).map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`);
    if (points.length) svg += `<polyline fill="none" stroke="${colours[i % colours.length]}" stroke-width="1.6" points="${points.join(' ')}"/>`;
  });
  return svg + '</svg>';
}

const unitW = 1500 / 24, unitH = 30;
let html = `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#111217;color:#ccccdc;font:12px sans-serif;position:relative;width:1500px}
.panel{position:absolute;box-sizing:border-box;background:#181b1f;border:1px solid #2c3235;border-radius:2px;padding:4px 6px;overflow:hidden}
.row{position:absolute;font-size:15px;font-weight:600;padding:6px}
.title{font-size:13px;font-weight:500;margin-bottom:2px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
svg text{fill:#8e8e8e;font-size:10px}
.legend{display:flex;flex-wrap:wrap;gap:2px 10px;font-size:10.5px;max-height:34px;overflow:hidden}
.legend i{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle}
.empty{color:#6e6e6e;font-size:11px}
</style></head><body>`;
let bottomY = 0;
for (const panel of dashboard.panels) {
  const g = panel.gridPos;
  const px = g.x * unitW, py = g.y * unitH, pw = g.w * unitW, ph = g.h * unitH;
  bottomY = Math.max(bottomY, py + ph);
  if (panel.type === 'row') {
    html += `<div class="row" style="left:${px}px;top:${py}px;width:${pw}px">${panel.title}</div>`;
    continue;
  }
  const unit = panel.fieldConfig?.defaults?.unit;
  let series = [];
  for (const target of panel.targets ?? []) {
    for (const r of await query(target.expr))
      series.push({ name: legend(target.legendFormat, r.metric), values: r.values.map(([t, v]) => [Number(t), Number(v)]) });
  }
  series = series.slice(0, 12);
  const legendHtml = series.length
    ? series.map((s, i) => `<span><i style="background:${colours[i % colours.length]}"></i>${s.name}</span>`).join('')
    : '<span class="empty">no data in this window</span>';
  html += `<div class="panel" style="left:${px + 2}px;top:${py + 2}px;width:${pw - 4}px;height:${ph - 4}px">` +
          `<div class="title">${panel.title}</div>${chart(series, unit, pw - 18, ph - 64)}` +
          `<div class="legend">${legendHtml}</div></div>`;
}
const when = new Date(start * 1000).toISOString().slice(0, 16).replace('T', ' ');
html += `<div style="position:absolute;top:${bottomY + 4}px;left:8px;color:#6e6e6e">packaging/monitoring/grafana-dashboard.json ` +
        `drawn by packaging/monitoring/render.sh: the embedded default, ${rounds ?? '?'} checkout rounds, ${end - start} s from ${when} UTC, ` +
        `queries evaluated by Prometheus ($__rate_interval = 15s).</div></body></html>`;
fs.writeFileSync(outPath, html);
