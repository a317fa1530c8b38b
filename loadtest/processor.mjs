// Artillery hooks (afterResponse) shared by every tier. Each one records, per request kind:
//   cg.<kind>.codes.<status>  counter   status codes by kind
//   cg.<kind>.total_ms        histogram time to the last byte (artillery's own
//                                       http.response_time is the time to the first byte)
//   cg.<kind>.bad_body        counter   a 200 whose body is not the expected answer
// and for streams cg.chat-stream.complete / .incomplete (a 200 without `data: [DONE]`).
// summarize.mjs turns these into the per-kind table and the stream check.

function record(kind, res, ee) {
  ee.emit('counter', `cg.${kind}.codes.${res.statusCode}`, 1);
  const total = res.timings?.phases?.total;
  if (typeof total === 'number') ee.emit('histogram', `cg.${kind}.total_ms`, total);
}

function bodyOf(res) {
  return typeof res.body === 'string' ? res.body : String(res.body ?? '');
}

function checker(kind, looksRight) {
  return function check(_req, res, _context, ee, next) {
    record(kind, res, ee);
    if (res.statusCode === 200 && !looksRight(bodyOf(res))) ee.emit('counter', `cg.${kind}.bad_body`, 1);
    return next();
  };
}

export const checkChat = checker('chat', (body) => body.includes('"choices"'));
export const checkResponses = checker('responses', (body) => body.includes('"output"'));
export const checkUsage = checker('usage', (body) => body.includes('"request_count"'));

export function checkChatStream(_req, res, _context, ee, next) {
  record('chat-stream', res, ee);
  if (res.statusCode === 200) {
    const body = bodyOf(res);
    const complete = body.includes('data: [DONE]');
    ee.emit('counter', `cg.chat-stream.${complete ? 'complete' : 'incomplete'}`, 1);
    if (!String(res.headers['content-type'] ?? '').includes('text/event-stream')) ee.emit('counter', 'cg.chat-stream.bad_body', 1);
  }
  return next();
}
