/**
 * A configuration the server cannot run with; the CLI prints its message. Its own module, so option parsers that
 * config.ts imports (src/authz/options.ts) can throw it without importing config.ts back (a cycle the bundle
 * evaluated in the wrong order: OPTIONS was built before SIGNIN_OPTIONS existed and every start failed).
 */
export class ConfigError extends Error {}
