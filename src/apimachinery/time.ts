// metav1.Time and metav1.MicroTime as they serialize: RFC 3339 in UTC, with whole seconds or with microseconds.

/** metav1.Time: RFC 3339 with whole seconds. */
export function rfc3339(t: Date | number): string {
  return (typeof t === 'number' ? new Date(t) : t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime: microsecond precision (the clock has milliseconds). */
export function rfc3339Micro(t: Date | number): string {
  return (typeof t === 'number' ? new Date(t) : t).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
