// Messages for the user (errors, results, warnings) shown as toasts; errors stay until dismissed.
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

export const useNoticeStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([]);
  let nextId = 1;

  function push(kind: Notice['kind'], text: string, timeoutMs = kind === 'error' ? 0 : 6000): number {
    const id = nextId++;
    notices.value.push({ id, kind, text });
    if (notices.value.length > 6) notices.value.splice(0, notices.value.length - 6);
    if (timeoutMs > 0) setTimeout(() => dismiss(id), timeoutMs);
    return id;
  }

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id);
  }

  return {
    notices,
    info: (text: string) => push('info', text),
    warning: (text: string) => push('warning', text, 10000),
    error: (e: unknown, context?: string) => push('error', context ? `${context}: ${messageOf(e)}` : messageOf(e)),
    dismiss,
  };
});
