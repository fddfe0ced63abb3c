/**
 * The demo's column change requests: its sub-sites each leave out some group
 * columns, so the office (office-1) signs one `drop` request per column left
 * out, into sites/_changes/<site>/drop-<column>.dsse.json. With them the demo
 * gate shows no column-dropped warning; without them it still publishes the
 * same entries (a drop only warns).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CHANGES_DIR, columnChangePath, defaultRequestId, signColumnChange } from '../govern/index.ts';
import type { SiteGroup } from '../model/index.ts';
import type { DemoPki } from './regenerate.ts';

export function signDemoColumnChanges(repo: string, pki: DemoPki, group: SiteGroup, signedAt: Date): string[] {
  rmSync(join(repo, CHANGES_DIR), { recursive: true, force: true });
  const signer = { key: pki.office.keys.privateKey, certPem: pki.office.certPem! };
  // The tree as sites/group.yaml has it (the gate's group may carry approved added columns).
  const added = new Set([...group.sites.values()].flatMap((s) => (s.extraColumns ?? []).map((c) => c.id)));
  const tree = group.categories.flatMap((c) => c.columns).filter((c) => !added.has(c.id));
  const requested = new Date(signedAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const written: string[] = [];
  for (const site of group.sites.values()) {
    if (site.kind !== 'sub') continue;
    for (const column of tree) {
      if (site.columns.includes(column.id)) continue;
      const id = defaultRequestId('drop', column.id);
      const bytes = signColumnChange({
        draft: { id, site: site.code, action: 'drop', column: column.id, reason: `${site.name}暂无${column.name}栏目的内容来源，经办公室审核同意不设该栏目`, department: '办公室', requested },
        signer,
        now: signedAt,
      });
      const file = columnChangePath(site.code, id);
      mkdirSync(dirname(join(repo, file)), { recursive: true });
      writeFileSync(join(repo, file), bytes);
      written.push(file);
    }
  }
  return written;
}
