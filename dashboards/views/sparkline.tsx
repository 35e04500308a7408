/**
 * A small line chart drawn on the server as inline SVG (no script, no CDN): one or two series over the
 * same slots, gaps where a slot has no value, and the latest value written beside it.
 */
export function Sparkline({
  label,
  series,
  format,
  width = 160,
  height = 36,
}: {
  label: string;
  series: { name: string; values: (number | null)[]; class: string }[];
  format: (value: number) => string;
  width?: number;
  height?: number;
}) {
  const all = series.flatMap((line) => line.values.filter((value): value is number => value !== null));
  const max = Math.max(...all, 0) || 1;
  const count = Math.max(...series.map((line) => line.values.length), 2);
  const x = (index: number) => ((index / (count - 1)) * (width - 2) + 1).toFixed(1);
  const y = (value: number) => (height - 2 - (value / max) * (height - 4)).toFixed(1);
  const path = (values: (number | null)[]) => {
    let d = '';
    let pen = false;
    values.forEach((value, index) => {
      if (value === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(index)} ${y(value)} `;
      pen = true;
    });
    return d.trim();
  };
  const latest = series.map((line) => {
    const value = [...line.values].reverse().find((item) => item !== null);
    return `${line.name} ${value === undefined || value === null ? '—' : format(value)}`;
  });
  const summary = `${label}: ${latest.join(', ')}; peak ${all.length ? format(max) : '—'}`;
  return (
    <figure class="spark">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={summary}>
        <title>{summary}</title>
        <line x1="0" y1={height - 1} x2={width} y2={height - 1} class="axis" />
        {series.map((line) => (
          <path d={path(line.values)} class={line.class} fill="none" />
        ))}
      </svg>
      <figcaption>
        <span class="spark-label">{label}</span> <span class="spark-value">{latest.join(' · ')}</span>
      </figcaption>
    </figure>
  );
}
