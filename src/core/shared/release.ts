/**
 * @module core/shared/release
 * This release's version: the one place the CLI, the OpenAPI document, the client's User-Agent and
 * backups read it from (a test keeps it equal to package.json's).
 */
export const VERSION = '0.2.0';
