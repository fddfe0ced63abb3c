/**
 * Page previews for the desk: the live preview of an entry's site (`astro dev`
 * over a preview stage, the theme and renderer the build uses), started on
 * the first request for that site, on a free loopback port, with entries held
 * back only by approvals of an earlier version shown as the drafts they are.
 */
import { startLivePreview } from '../build/live-preview.ts';
import { SealpressError } from '../errors/index.ts';
import { freePort } from '../util/ports.ts';
import { previewPlan, type DeskPreview } from './server.ts';

export function livePreviews(o: { root: string; clock: () => Date; trustAnchor?: string | undefined }): (site: string) => Promise<DeskPreview> {
  return async (site) => {
    const started = await startLivePreview({
      root: o.root,
      site,
      host: '127.0.0.1',
      port: await freePort(),
      now: o.clock(),
      ...(o.trustAnchor ? { trustAnchor: o.trustAnchor } : {}),
      adjustPlan: previewPlan,
    });
    if (!started.ok) throw new SealpressError('CONFIG_INVALID', `the site group configuration is invalid: ${started.configDiagnostics.slice(0, 3).map((d) => `${d.file}: ${d.message}`).join('; ')}`);
    return { url: started.preview.url, stop: () => started.preview.stop() };
  };
}
