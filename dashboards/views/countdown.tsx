/**
 * A deadline counting down: the server renders the state at render time, the page's script keeps
 * it ticking (green, amber from `warnAt`, red when overdue). The text says the state too.
 */
export function Countdown({ dueAt, warnAt, done, now = new Date() }: { dueAt: Date; warnAt?: Date | null; done?: boolean; now?: Date }) {
  const left = dueAt.getTime() - now.getTime();
  const warnFrom = warnAt ?? new Date(dueAt.getTime() - 3_600_000);
  const state = done ? 'ok' : left <= 0 ? 'red' : now >= warnFrom ? 'amber' : 'ok';
  const minutes = Math.round(Math.abs(left) / 60_000);
  const text = done ? 'met' : left <= 0 ? `overdue by ${formatMinutes(minutes)}` : `${formatMinutes(minutes)} left`;
  return (
    <span
      class={`countdown ${state}`}
      data-due={dueAt.toISOString()}
      data-warn={warnFrom.toISOString()}
      data-done={done ? 'true' : undefined}
      data-state={state}
    >
      {text}
    </span>
  );
}

function formatMinutes(total: number): string {
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  if (days > 0) return `${days}d ${hours}h ${minutes}m`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  return `${minutes}m`;
}
