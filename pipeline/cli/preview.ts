import { resolve } from 'node:path';
import { startLivePreview } from '../build/index.ts';
import { SealpressError } from '../errors/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { langOf, printDiagnostics } from './output.ts';

export const preview = command('preview', { 'trust-anchor': { type: 'string' }, site: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, async ({ values }, io) => {
  const root = resolve(values.root ?? '.');
  const port = values.port === undefined ? 4321 : Number(values.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new SealpressError('USAGE', { zh: `--port 应为端口号，实际为“${values.port}”`, en: `--port must be a port number, found "${values.port}"` });
  }
  const started = await startLivePreview({
    root,
    port,
    host: values.host ?? '127.0.0.1',
    ...(values.site ? { site: values.site } : {}),
    ...(values.now ? { now: clock(values.now) } : {}),
    ...trustAnchor(values['trust-anchor']),
    lang: langOf(io),
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
