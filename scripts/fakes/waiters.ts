// Waiting for the first item (already received or arriving later) that matches a predicate: used by the
// local fakes so tests can read the email or SMS they expect.
export interface Waitable<T> {
  push(item: T): void;
  all(): T[];
  clear(): void;
  waitFor(predicate: (item: T) => boolean, timeoutMs?: number): Promise<T>;
}

export function waitable<T>(what: string): Waitable<T> {
  const items: T[] = [];
  const waiters = new Set<(item: T) => void>();
  return {
    push(item) {
      items.push(item);
      for (const w of waiters) w(item);
    },
    all: () => items.slice(),
    clear: () => {
      items.length = 0;
    },
    waitFor(predicate, timeoutMs = 10_000) {
      const found = items.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching ${what} arrived in time`));
        }, timeoutMs);
        const waiter = (item: T) => {
          if (!predicate(item)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(item);
        };
        waiters.add(waiter);
      });
    },
  };
}
