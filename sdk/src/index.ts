export type { components, operations, paths } from './api.js';
export { createTributary, retryingFetch, type TributaryClient, type TributaryOptions } from './client.js';
export * from './errors.js';
export {
  constructEvent,
  generateTestHeaders,
  type VerifyOptions,
  WebhookSignatureError,
} from './webhooks.js';
