import { resolve } from 'node:path';
import { servePreview, stagePreview } from '../build/index.ts';
import { runGate } from '../gate/index.ts';
import { clock, parse, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { printDiagnostics, type Io } from './output.ts';

export const PREVIEW_HELP = `Usage: sealpress preview [--site CODE] [--port N] [--host ADDR] [--root DIR] [--now ISO]

Serve a live preview of one site (default: the main site) that includes pending
entries (embargoed, or awaiting approval), each marked 未发布（草稿）. Refused
entries never appear; run \`sealpress check\` for why. Preview output stays in
.sealpress/preview/ and never lands in dist/.

Options:
  --site CODE   the site to preview (default: the main site)
  --port N      port (default 4321)
  --host ADDR   address to listen on (default 127.0.0.1)

Exit codes: 0 stopped normally, 2 usage or configuration error.`;

export async function preview(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { 'trust-anchor': { type: 'string' }, site: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } });
  if (values.help) {
    io.out(PREVIEW_HELP);
    return EXIT.OK;
  }
  const root = resolve(values.root ?? '.');
  const gate = await runGate({ root, now: clock(values.now), ...trustAnchor(values['trust-anchor']) });
  if (!gate.ok) {
    printDiagnostics(io, root, gate.configDiagnostics);
    return EXIT.CONFIG;
  }
  const code = values.site ?? gate.group.main;
  if (!gate.group.sites.has(code)) {
    io.err(`sealpress: --site ${code} is not a site of the group (${[...gate.group.sites.keys()].join(', ')})`);
    return EXIT.CONFIG;
  }
  const port = values.port === undefined ? 4321 : Number(values.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    io.err(`sealpress: --port must be a port number, found "${values.port}"`);
    return EXIT.CONFIG;
  }
  const host = values.host ?? '127.0.0.1';
  const staged = stagePreview(root, gate, code);
  io.err(`preview ${code}: ${staged.entries} entries (${staged.drafts} drafts) at http://${host}:${port}/`);
  const server = await servePreview(root, code, staged.stageDir, { port, host });
  io.err(`preview ready at ${server.url} (Ctrl-C to stop)`);
  const stop = () => void server.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise<void>((done) => server.child.once('close', () => done()));
  return EXIT.OK;
}
