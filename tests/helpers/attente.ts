// Waiting in tests for what another process does (a workflow, the worker, the app): `fn` is polled until it
// gives a value, or the test fails naming what it waited for. An error thrown by `fn` fails the test at once
// (tests/helpers/panne.ts has its own wait, which lets errors pass while a component is down).
export async function jusqua<T>(fn: () => Promise<T | null | undefined | false>, quoi: string, ms = 30_000, pasMs = 50): Promise<T> {
  const fin = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > fin) throw new Error(`délai dépassé : ${quoi}`);
    await new Promise((r) => setTimeout(r, pasMs));
  }
}
