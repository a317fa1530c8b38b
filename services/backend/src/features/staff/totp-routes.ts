import { Router } from 'express';
import {
  type RecoveryCodesAnswer,
  recoveryCodesRequest,
  type TotpSetupAnswer,
  type TotpStatus,
  totpCodeRequest,
  totpSetupRequest,
} from '../../contract/console-api.js';
import { parse } from '../../infra/validation.js';
import { requireCaller } from '../accounts/session-auth.js';
import type { SessionService } from '../accounts/session-service.js';
import type { SecondFactor } from './second-factor.js';

/**
 * /api/console/me/totp…: a signed-in person turns on two-factor sign-in (staff must, before
 * the admin API opens to them) with their password, a secret to scan and a first code, and
 * keeps ten recovery codes. Enabling it marks the current session as second-factor checked.
 * Answers holding a secret or codes are never cached.
 */
export function createTotpRoutes({
  secondFactor,
  sessions,
}: {
  secondFactor: Pick<SecondFactor, 'status' | 'setup' | 'enable' | 'regenerateRecoveryCodes'>;
  sessions: Pick<SessionService, 'markMfa'>;
}): Router {
  const router = Router();

  router.get('/me/totp', async (_req, res) => {
    const { account } = requireCaller(res);
    res.json((await secondFactor.status(account)) satisfies TotpStatus);
  });

  router.post('/me/totp/setup', async (req, res) => {
    const { account } = requireCaller(res);
    const { password } = parse(totpSetupRequest, req.body);
    res.set('cache-control', 'no-store');
    res.json((await secondFactor.setup(account, password)) satisfies TotpSetupAnswer);
  });

  router.post('/me/totp/enable', async (req, res) => {
    const me = requireCaller(res);
    const { code } = parse(totpCodeRequest, req.body);
    const answer = await secondFactor.enable(me.account, code);
    await sessions.markMfa(me.sessionId, me.session);
    res.set('cache-control', 'no-store');
    res.json(answer satisfies RecoveryCodesAnswer);
  });

  router.post('/me/totp/recovery-codes', async (req, res) => {
    const { account } = requireCaller(res);
    const { password, code } = parse(recoveryCodesRequest, req.body);
    res.set('cache-control', 'no-store');
    res.json((await secondFactor.regenerateRecoveryCodes(account, password, code)) satisfies RecoveryCodesAnswer);
  });

  return router;
}
