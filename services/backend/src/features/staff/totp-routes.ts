import { Router } from 'express';
import { type TotpSetupAnswer, totpCodeRequest } from '../../contract/console-api.js';
import { parse } from '../../infra/validation.js';
import { requireCaller } from '../accounts/session-auth.js';
import type { SessionService } from '../accounts/session-service.js';
import type { SecondFactor } from './second-factor.js';

/**
 * /api/console/me/totp/setup and /enable: a signed-in person turns on two-factor sign-in
 * (staff owners and admins must, before the admin API opens to them). Enabling it marks
 * the current session as second-factor checked.
 */
export function createTotpRoutes({
  secondFactor,
  sessions,
}: {
  secondFactor: Pick<SecondFactor, 'setup' | 'enable'>;
  sessions: Pick<SessionService, 'markMfa'>;
}): Router {
  const router = Router();

  router.post('/me/totp/setup', async (_req, res) => {
    const { account } = requireCaller(res);
    res.set('cache-control', 'no-store');
    res.json((await secondFactor.setup(account)) satisfies TotpSetupAnswer);
  });

  router.post('/me/totp/enable', async (req, res) => {
    const me = requireCaller(res);
    const { code } = parse(totpCodeRequest, req.body);
    await secondFactor.enable(me.account, code);
    await sessions.markMfa(me.sessionId, me.session);
    res.status(204).end();
  });

  return router;
}
