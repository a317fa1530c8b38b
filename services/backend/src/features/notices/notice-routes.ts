import type { Router } from 'express';
import { type NoticePreferences, noticePreferencesRequest } from '../../contract/console-api.js';
import { NotFoundError } from '../../infra/errors.js';
import { createRouter, route } from '../../infra/routes.js';
import { requireCaller, SIGNED_IN } from '../accounts/session-auth.js';
import type { NoticeStore } from './notice-store.js';

const gone = () => new NotFoundError('No such account.', 'account_not_found');

/** /api/console/me/notifications: the mails a person gets, each switchable off (Account page). */
export function createNoticeRoutes({ store }: { store: Pick<NoticeStore, 'preferences' | 'setPreferences'> }): Router {
  const router = createRouter();

  route(
    router,
    'get',
    '/me/notifications',
    { access: SIGNED_IN, summary: 'Which mails I get: receipts, limit warnings, package-ending reminders' },
    async (_in, res) => {
      const prefs = await store.preferences(requireCaller(res).account.id);
      if (!prefs) throw gone();
      res.json(prefs satisfies NoticePreferences);
    },
  );

  route(
    router,
    'patch',
    '/me/notifications',
    { access: SIGNED_IN, summary: 'Turn receipts, limit warnings or package-ending reminders on or off', body: noticePreferencesRequest },
    async ({ body }, res) => {
      const prefs = await store.setPreferences(requireCaller(res).account.id, body);
      if (!prefs) throw gone();
      res.json(prefs satisfies NoticePreferences);
    },
  );

  return router;
}
