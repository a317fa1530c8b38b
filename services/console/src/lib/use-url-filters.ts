import { useSearchParams } from 'react-router';

/**
 * Filters kept in the address (?q=…&status=…): a link to a filtered list works, and coming
 * back from a detail page finds the list as it was left. Values equal to the defaults are
 * left out of the address. (Select values are not checked here: the API refuses bad ones.)
 */
export function useUrlFilters<F extends { [K in keyof F]: string }>(defaults: F): [F, (next: F) => void] {
  const [params, setParams] = useSearchParams();
  const names = Object.keys(defaults) as Array<keyof F & string>;
  const current = { ...defaults };
  for (const name of names) {
    const value = params.get(name);
    if (value !== null) current[name] = value as F[typeof name];
  }
  const set = (next: F) => {
    const kept = new URLSearchParams();
    for (const name of names) {
      if (next[name] !== defaults[name]) kept.set(name, next[name]);
    }
    setParams(kept, { replace: true });
  };
  return [current, set];
}
