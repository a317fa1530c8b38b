import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

/**
 * Every request gets an id of the gateway's own making: it keys the usage record, so a
 * client must not be able to choose it. nginx's X-Request-Id is kept beside it for logs.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const id = randomUUID();
  res.locals.requestId = id;
  res.locals.edgeRequestId = req.get('x-request-id');
  res.setHeader('x-request-id', id);
  next();
};
