import { metricsRegistry } from '../../platform/index.ts';

/** The values of a metric in this process's registry, one per label set (none before its first count). */
export async function metricValues(name: string): Promise<{ labels: Partial<Record<string, string | number>>; value: number }[]> {
  return (await metricsRegistry.getSingleMetric(name)?.get())?.values ?? [];
}

/** A counter's value for exactly these labels in this process's registry; 0 before its first count. */
export async function counterValue(name: string, labels: Record<string, string>): Promise<number> {
  const wanted = Object.entries(labels);
  const found = (await metricValues(name)).find((value) => wanted.every(([label, expected]) => value.labels[label] === expected));
  return found?.value ?? 0;
}
