import { resolve } from 'node:path';
import { startLivePreview } from '../build/index.ts';
import { SealpressError } from '../errors/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { printDiagnostics } from './output.ts';

export const PREVIEW_HELP = `Usage: sealpress preview [--site CODE] [--port N] [--host ADDR] [--root DIR] [--now ISO]

Serve a live preview of one site (default: the main site) that includes pending
entries (embargoed, or awaiting approval), each marked 未发布（草稿）. Refused
entries never appear; run \`sealpress check\` for why. A change saved under
content/ or sites/ is gated again and shows in the open pages by itself. Without
--now, each update uses the current time. Preview output stays in
.sealpress/preview/ and never lands in dist/.

Options:
  --site CODE   the site to preview (default: the main site)
  --port N      port (default 4321)
  --host ADDR   address to listen on (default 127.0.0.1)

Exit codes: 0 stopped normally, 2 usage or configuration error.`;

export const preview = command(PREVIEW_HELP, { 'trust-anchor': { type: 'string' }, site: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, async ({ values }, io) => {
  const root = resolve(values.root ?? '.');
  const port = values.port === undefined ? 4321 : Number(values.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new SealpressError('USAGE', `--port must be a port number, found "${values.port}"`);
  }
  const started = await startLivePreview({
    root,
    port,
    host: values.host ?? '127.0.0.1',
    ...(values.site ? { site: values.site } : {}),
    ...(values.now ? { now: clock(values.now) } : {}),
    ...trustAnchor(values['trust-anchor']),
    onEvent: (event) => {
      if (event.type === 'refreshed') io.err(`preview: updated, ${event.entries} entries (${event.drafts} drafts) in ${Math.round(event.durationMs)} ms`);
      else {
        io.err(`preview: not updated: ${event.message}`);
        printDiagnostics(io, root, event.diagnostics);
      }
    },
  });
  if (!started.ok) {
    printDiagnostics(io, root, started.configDiagnostics);
    return EXIT.CONFIG;
  }
  const server = started.preview;
  io.err(`preview ${server.site}: ${server.entries} entries (${server.drafts} drafts); saved changes under content/ and sites/ show by themselves`);
  io.err(`preview ready at ${server.url} (Ctrl-C to stop)`);
  const stop = () => void server.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.done;
  return EXIT.OK;
});
