import type { Request, Response } from 'express';

/** The cookies of a request (the last one wins when a name repeats). */
export function readCookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A value that is not valid percent-encoding is not one of ours.
    }
  }
  return out;
}

/**
 * Sets an HttpOnly, SameSite=Lax cookie for the whole site; `secure` (from PUBLIC_BASE_URL
 * being https) keeps the browser from ever sending it over plain HTTP. It is not read from
 * the request: the hop in front of the backend is plain HTTP behind any TLS terminator, and
 * X-Forwarded-Proto is whatever that hop says. `maxAgeSeconds` 0 deletes it.
 */
export function setCookie(res: Response, name: string, value: string, { maxAgeSeconds, secure }: { maxAgeSeconds?: number; secure: boolean }): void {
  res.cookie(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds * 1000 }),
  });
}
