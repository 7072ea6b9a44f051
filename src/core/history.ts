// SPA navigations (docs/protocol.md §3.5): after each pushState/replaceState, and on popstate,
// `listener` runs. The page's own calls behave exactly as before: same `this`, arguments, result
// and errors. Shared by the every-page script (until the core arrives) and the core (spa.ts).
export function onHistoryChange(listener: () => void) {
  (['pushState', 'replaceState'] as const).forEach((name) => {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      listener();
      return result;
    };
  });
  addEventListener('popstate', listener);
}
