const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, ...options });
    cache.set(key, f);
  }
  return f;
}

/** "Nov 20, 2026, 1:00 PM CET": every timestamp states the tenant's time zone. */
export function formatDateTime(iso: string, timeZone: string): string {
  return formatter(timeZone, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

export function formatTime(iso: string, timeZone: string): string {
  return formatter(timeZone, { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso));
}

/** Days of the uptime bars are UTC days (stated on the page). */
export function formatDay(day: string): string {
  return formatter('UTC', { month: 'short', day: 'numeric', year: 'numeric' }).format(new Date(`${day}T12:00:00Z`));
}

export function monthKey(iso: string, timeZone: string): string {
  const parts = formatter(timeZone, { year: 'numeric', month: '2-digit' }).formatToParts(new Date(iso));
  return `${parts.find((p) => p.type === 'year')?.value}-${parts.find((p) => p.type === 'month')?.value}`;
}

export function formatMonth(key: string): string {
  return formatter('UTC', { month: 'long', year: 'numeric' }).format(new Date(`${key}-15T12:00:00Z`));
}

export function formatDuration(fromIso: string, toIso: string): string {
  const minutes = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}
