import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { runGate } from '../../pipeline/gate/index.ts';
import { bundleSite } from '../../pipeline/stage/index.ts';
import { demoRoot } from '../helpers/demo.ts';

// The demo, made valid at the tests' clock if the working tree's was renewed (test/helpers/demo.ts): slow only then.
beforeAll(() => demoRoot(), 120_000);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOW = new Date('2026-11-27T12:00:00+08:00');

describe('what the preview and the published site are given', () => {
  test('preview bundles carry pending entries as drafts with their reason; refused, withdrawn and unpublished never', async () => {
    const gate = await runGate({ root: await demoRoot(), now: NOW });
    if (!gate.ok) throw new Error('config');
    for (const code of gate.group.sites.keys()) {
      const preview = bundleSite(gate.group, gate.plan, code, 'preview').bundle;
      const publish = bundleSite(gate.group, gate.plan, code, 'publish').bundle;
      const own = gate.plan.entries.filter((e) => e.site === code);
      for (const e of own) {
        const inPreview = preview.entries.find((b) => b.source === e.path);
        const inPublish = publish.entries.find((b) => b.source === e.path);
        if (e.status === 'publishable') {
          expect(inPublish?.draft, e.path).toBe(false);
          expect(inPreview?.draft, e.path).toBe(false);
        } else if (e.status === 'pending') {
          expect(inPublish, e.path).toBeUndefined();
          expect(inPreview?.draft, e.path).toBe(true);
          expect(inPreview?.draftReason, e.path).toBeTruthy();
        } else {
          expect(inPublish, e.path).toBeUndefined();
          expect(inPreview, e.path).toBeUndefined();
        }
      }
      expect(publish.approvalsVerified).toBe(true);
      expect(preview.mode).toBe('preview');
    }
    // The demo has pending entries of both kinds: embargoed, and awaiting approval.
    const drafts = (lang?: 'en') => [...gate.group.sites.keys()].flatMap((c) => bundleSite(gate.group, gate.plan, c, 'preview', lang ? { lang } : {}).bundle.entries.filter((e) => e.draft));
    expect(drafts('en').map((d) => d.draftReason).join('\n')).toMatch(/embargoed/);
    expect(drafts('en').map((d) => d.draftReason).join('\n')).toMatch(/needs 1 office-approver/);
    // The 未发布 banner speaks the site's language unless the preview was asked for English (issue 15).
    const reasons = drafts().map((d) => d.draftReason ?? '');
    expect(reasons.join('\n')).toMatch(/定时发布：publishAt /);
    expect(reasons.join('\n')).toMatch(/还需 1 名 office-approver 审批/);
    for (const r of reasons) expect(r).toMatch(/[\u3400-\u9fff]/);
  });
});
