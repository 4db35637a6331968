export * from './app.ts';
export * from './config.ts';
export * from './errors.ts';
export * from './server.ts';
export * from './exchange-factory.ts';
export * from './crypto/credentials.ts';
export * from './services/key-rotation.ts';
export * from './web.ts';
export * from './startup.ts';
export * from './services/password-reset.ts';
export {
  runHeadlessBot,
  statusLine,
  type HeadlessBot,
  type HeadlessBotOptions,
} from './services/bots/headless.ts';
