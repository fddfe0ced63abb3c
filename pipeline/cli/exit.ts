/** Exit codes and the table from error code to exit code live with the errors (pipeline/errors/codes.ts). */
export { EXIT } from '../errors/index.ts';

/** The version reported by `--version` and in SARIF output. */
export const TOOL_VERSION = '0.1.0';

/**
 * Where the SARIF output sends a reader to learn about the tool: the page the
 * group publishes the README on (the group's main site; change it with the domain).
 */
export const TOOL_INFORMATION_URI = 'https://www.tax.example.gov.cn/sealpress/';
