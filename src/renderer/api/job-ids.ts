// A fresh id for an engine job the page may follow (progress events) and cancel (cancelJob).
export function newJobId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `job-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
