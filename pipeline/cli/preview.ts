import { resolve } from 'node:path';
import { startLivePreview } from '../build/index.ts';
import { SealpressError } from '../errors/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { langOf, printDiagnostics } from './output.ts';

export const preview = command('preview', { 'trust-anchor': { type: 'string' }, site: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, async ({ values }, io) => {
  const root = resolve(values.root ?? '.');
  const zh = langOf(io) === 'zh';
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
      if (event.type === 'refreshed') io.err(zh ? `预览：已更新，${event.entries} 个条目（${event.drafts} 个草稿），用时 ${Math.round(event.durationMs)} 毫秒` : `preview: updated, ${event.entries} entries (${event.drafts} drafts) in ${Math.round(event.durationMs)} ms`);
      else {
        io.err(zh ? `预览：未更新：${event.message}` : `preview: not updated: ${event.message}`);
        printDiagnostics(io, root, event.diagnostics);
      }
    },
  });
  if (!started.ok) {
    printDiagnostics(io, root, started.configDiagnostics);
    return EXIT.CONFIG;
  }
  const server = started.preview;
  if (zh) {
    io.err(`预览 ${server.site}：${server.entries} 个条目（${server.drafts} 个草稿）；content/ 和 sites/ 下保存的修改会自动显示`);
    io.err(`预览已就绪：${server.url}（按 Ctrl-C 停止）`);
  } else {
    io.err(`preview ${server.site}: ${server.entries} entries (${server.drafts} drafts); saved changes under content/ and sites/ show by themselves`);
    io.err(`preview ready at ${server.url} (Ctrl-C to stop)`);
  }
  const stop = () => void server.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.done;
  return EXIT.OK;
});
