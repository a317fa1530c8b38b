import type { Response, Router } from 'express';
import { type NoticePreferences, noticePreferencesRequest } from '../../contract/console-api.js';
import { NotFoundError } from '../../infra/errors.js';
import { createRouter, route } from '../../infra/routes.js';
import { requireCaller, SIGNED_IN } from '../accounts/session-auth.js';
import type { NoticeStore } from './notice-store.js';

/** The switches as they are now; an account deleted meanwhile has none. */
function answer(res: Response, prefs: NoticePreferences | undefined): void {
  if (!prefs) throw new NotFoundError('No such account.', 'account_not_found');
  res.json(prefs);
}

/** /api/console/me/notifications: the mails a person gets, each switchable off (Account page). */
export function createNoticeRoutes({ store }: { store: Pick<NoticeStore, 'preferences' | 'setPreferences'> }): Router {
  const router = createRouter();

  route(
    router,
    'get',
    '/me/notifications',
    { access: SIGNED_IN, summary: 'Which mails I get: receipts, limit warnings, package-ending reminders' },
    async (_in, res) => {
      answer(res, await store.preferences(requireCaller(res).account.id));
    },
  );

  route(
    router,
    'patch',
    '/me/notifications',
    { access: SIGNED_IN, summary: 'Turn receipts, limit warnings or package-ending reminders on or off', body: noticePreferencesRequest },
    async ({ body }, res) => {
      answer(res, await store.setPreferences(requireCaller(res).account.id, body));
    },
  );

  return router;
}
