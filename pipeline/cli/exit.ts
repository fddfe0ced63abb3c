/** Exit codes and the table from error code to exit code live with the errors (pipeline/errors/codes.ts). */
export { EXIT } from '../errors/index.ts';

/** The version reported by `--version` and in SARIF output. */
export const TOOL_VERSION = '0.1.0';
