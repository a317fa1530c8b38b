import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler, Response } from 'express';

/**
 * Every request gets an id of the gateway's own making: it keys the usage record, so a
 * client must not be able to choose it. nginx's X-Request-Id is kept beside it for logs.
 */
export function assignRequestId(req: IncomingMessage, res: Response): void {
  const id = randomUUID();
  res.locals.requestId = id;
  res.locals.edgeRequestId = req.headers['x-request-id'];
  res.setHeader('x-request-id', id);
}

export const requestId: RequestHandler = (req, res, next) => {
  assignRequestId(req, res);
  next();
};
