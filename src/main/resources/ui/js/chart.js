// Charts by uPlot (from its webjar, served under /ui/vendor/uplot): colours from the page's CSS
// variables so they follow light and dark, width from the container.
import uPlot from '/ui/vendor/uplot/uPlot.esm.js';

const PALETTE = ['--run', '--ok', '--warn', '--danger', '--idle', '--accent'];

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * A chart of series over x (seconds since the epoch, or an index with xLabels), in a container
 * that owns it. bars: draw bars rather than lines. Returns {update(data)}.
 */
export function chart(container, { series, bars = false, height = 220, xLabels = null, yFormat = null }) {
  const fg = cssVar('--muted');
  const grid = cssVar('--line');
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  const opts = {
    width: Math.max(280, container.clientWidth - 8),
    height,
    // categories (days) sit at 0..n-1 with half a slot of room on each side
    // counts start at zero
    scales: {
      x: xLabels ? { time: false, range: () => [-0.5, xLabels.length - 0.5] } : { time: true },
      y: { range: (u, min, max) => [0, (max > 0 ? max : 1) * 1.1] },
    },
    axes: [
      xLabels ? { ...axis, splits: () => xLabels.map((_, i) => i), values: (u, ticks) => ticks.map(i => xLabels[i] ?? '') } : axis,
      { ...axis, size: 88, values: yFormat ? (u, ticks) => ticks.map(yFormat) : undefined },
    ],
    series: [xLabels ? { label: 'Day', value: (u, i) => xLabels[i] ?? '—' } : {}, ...series.map((s, i) => ({
      label: s.label,
      stroke: cssVar(PALETTE[i % PALETTE.length]),
      fill: bars ? cssVar(PALETTE[i % PALETTE.length]) : undefined,
      width: 2,
      paths: bars ? uPlot.paths.bars({ size: [0.6, 60] }) : undefined,
      value: s.value,
    }))],
  };
  const data = [[], ...series.map(() => [])];
  const plot = new uPlot(opts, data, container);
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, container.clientWidth - 8), height }));
  resize.observe(container);
  return {
    update: d => {
      plot.setData(d);
      // a time chart spans at least its last minute, so its first samples do not spread over years
      const x = d[0];
      if (!xLabels && x.length) plot.setScale('x', { min: Math.min(x[0], x[x.length - 1] - 60), max: x[x.length - 1] });
    },
    destroy: () => { resize.disconnect(); plot.destroy(); },
  };
}
