export { startStack, type StackInfo, type RunningStack, type StackOptions } from './stack.js';
export { startRedis } from './services/redis.js';
export { renderGatewayConf, renderTemplate } from './services/nginx.js';
export { freePort } from './ports.js';
