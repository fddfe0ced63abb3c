/**
 * Which site an entry body belongs to, for the rehype pass (rehype-sealpress.ts)
 * when one build renders several sites: image sizes come from that site's public
 * dir and links to its host are internal.
 *
 * An MDX body is compiled from its module inside the site's stage, so its file
 * path says which site it is. A Markdown body is rendered by the bundle loader
 * through Astro's `renderMarkdown`, which passes no path: the loader names the
 * stage around the call. The loader awaits each rendering before the next, so
 * one name at a time is enough. It is kept on globalThis because astro.config.mjs
 * (which builds the plugin) and the loader are loaded as separate module
 * instances in the same process.
 */
const KEY = Symbol.for('sealpress.rendering-stage');

type Holder = { [KEY]?: string };

/** Runs `render` with `stageDir` named as the stage of the body being rendered. */
export async function renderingFor<T>(stageDir: string, render: () => Promise<T>): Promise<T> {
  const holder = globalThis as Holder;
  const before = holder[KEY];
  holder[KEY] = stageDir;
  try {
    return await render();
  } finally {
    if (before === undefined) delete holder[KEY];
    else holder[KEY] = before;
  }
}

/** The stage named by the loader for the body being rendered, if any. */
export function renderingStage(): string | undefined {
  return (globalThis as Holder)[KEY];
}
