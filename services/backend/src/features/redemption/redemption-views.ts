import type { CodeRow } from './redemption-store.js';

/**
 * A code as staff see it. An unused code is worth a package: its text goes only to those
 * who may make codes (codes.reveal); others see its batch and state, and null.
 */
export const codeView = (c: CodeRow, reveal: boolean) => ({
  id: c.id,
  code: reveal || c.status !== 'unused' ? c.code : null,
  package_id: c.package_id,
  batch_name: c.batch_name,
  status: c.status,
  created_at: c.created_at.toISOString(),
  redeemed_by: c.redeemed_by,
  redeemed_by_email: c.redeemed_by_email,
  redeemed_at: c.redeemed_at?.toISOString() ?? null,
});

const cell = (v: string | number | null) => (v === null ? '' : /[",\n\r]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));

/** The codes as a CSV file (what staff hand out), revealed as in `codeView`. */
export function codesCsv(rows: readonly CodeRow[], reveal: boolean): string {
  const lines = rows.map((c) => {
    const v = codeView(c, reveal);
    return [v.code, v.package_id, v.batch_name, v.status, v.created_at, v.redeemed_by_email, v.redeemed_at].map(cell).join(',');
  });
  return `${['code,package_id,batch_name,status,created_at,redeemed_by_email,redeemed_at', ...lines].join('\r\n')}\r\n`;
}
