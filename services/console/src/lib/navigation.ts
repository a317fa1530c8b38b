/** Keeps the redirect after sign-in on this site: only a local path, never "//host" or a full URL. */
export function safeNextPath(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

/** The sign-in page, noting where to go afterwards (nothing to note for the overview). */
export function signInPath(next: string): string {
  return next === '/' ? '/sign-in' : `/sign-in?${new URLSearchParams({ next }).toString()}`;
}

/** Where sign-in leads when no page was noted: staff to the Operations overview, customers to theirs. */
export function landingPath(next: string | null, staff: boolean): string {
  return !next && staff ? '/admin' : safeNextPath(next);
}
