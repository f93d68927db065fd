// Messages for the user (errors, results, warnings) shown as toasts. Results and warnings go by
// themselves; errors stay until dismissed. A repeated message refreshes the one shown instead of
// stacking a copy, and at most MAX_NOTICES are shown (the oldest non-errors leave first).
import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface Notice {
  id: number;
  kind: 'error' | 'info' | 'warning';
  text: string;
}

/** The message of anything thrown, without "Error:" prefixes or stack traces. */
export function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^(Error|UserError):\s*/, '') || 'Something went wrong.';
}

const MAX_NOTICES = 3;
const LIFETIME_MS: Record<Notice['kind'], number> = { info: 5000, warning: 9000, error: 0 };

export const useNoticeStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([]);
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let nextId = 1;

  function push(kind: Notice['kind'], text: string): number {
    const same = notices.value.find((n) => n.kind === kind && n.text === text);
    if (same) dismiss(same.id);
    const id = nextId++;
    notices.value = [...notices.value, { id, kind, text }];
    while (notices.value.length > MAX_NOTICES) {
      const oldest = notices.value.find((n) => n.kind !== 'error') ?? notices.value[0];
      dismiss(oldest.id);
    }
    if (LIFETIME_MS[kind] > 0) timers.set(id, setTimeout(() => dismiss(id), LIFETIME_MS[kind]));
    return id;
  }

  function dismiss(id: number): void {
    clearTimeout(timers.get(id));
    timers.delete(id);
    notices.value = notices.value.filter((n) => n.id !== id);
  }

  return {
    notices,
    info: (text: string) => push('info', text),
    warning: (text: string) => push('warning', text),
    error: (e: unknown, context?: string) => push('error', context ? `${context}: ${messageOf(e)}` : messageOf(e)),
    dismiss,
  };
});
