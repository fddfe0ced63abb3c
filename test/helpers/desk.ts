/**
 * A demo site group with history for the review desk: a copy of the demo whose
 * git history holds an earlier draft of the changed-after-approval entry
 * (DEMO_HOLDS.staleApproval), its trust material made anew (throwaway keys, at
 * the committed demo's times) so that the stale approval binds that draft, and
 * the key of the approver who signed it, encrypted under a test passphrase.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_HOLDS, DEMO_MARKER, DEMO_MARKER_TEXT, regenerateDemoTrust, type DemoPki } from '../../pipeline/demo/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { TRUST_DIR } from '../../pipeline/load/index.ts';
import { CHECKOUT, copyDemo, DEMO_ISSUED, DEMO_SIGNED } from './demo.ts';
import { writePersonKey } from './repo.ts';

export const STALE = DEMO_HOLDS.staleApproval;
export const PASSPHRASE = 'desk test passphrase 2026';

/** The earlier draft: what the approver signed before the writer changed the deadline and added a channel. */
export function earlierDraft(current: string): string {
  const draft = current.replace('应当自纳税义务发生之日起60日内申报缴纳车辆购置税', '应当自纳税义务发生之日起30日内申报缴纳车辆购置税').replace(/^3\. \*\*“一站式”办理\*\*.*\n/m, '');
  if (draft === current || draft.split('\n').length !== current.split('\n').length - 1) throw new Error(`the demo entry ${STALE} no longer has the lines the draft changes`);
  return draft;
}

const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.name=测试', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { stdio: 'pipe' });

export interface DeskDemo {
  root: string;
  pki: DemoPki;
  /** The approver of the stale entry's department, and their key files. */
  approver: { id: string; name: string; key: string; cert: string };
  cleanup(): void;
}

export async function deskDemo(): Promise<DeskDemo> {
  const root = mkdtempSync(join(tmpdir(), 'sealpress-desk-'));
  copyDemo(CHECKOUT, root);
  const current = readFileSync(join(root, STALE), 'utf8');
  git(root, 'init', '-q', '-b', 'main');
  writeFileSync(join(root, STALE), earlierDraft(current));
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', '初稿');
  writeFileSync(join(root, STALE), current);
  git(root, 'commit', '-q', '-am', '修改申报期限，增加“一站式”办理');
  const gate = await runGate({ root, now: DEMO_SIGNED, cache: false });
  if (!gate.ok) throw new Error('the demo site group configuration is invalid: run sealpress check');
  const { pki } = await regenerateDemoTrust({ root, group: gate.group, plan: gate.plan, issuedAt: DEMO_ISSUED, signedAt: DEMO_SIGNED, bits: 2048 });
  writeFileSync(join(root, TRUST_DIR, DEMO_MARKER), DEMO_MARKER_TEXT);
  const entry = gate.plan.entries.find((e) => e.path === STALE)!;
  const person = pki.approverOf.get(`${entry.site}/${entry.frontMatter!.department}`)!;
  const keys = mkdtempSync(join(tmpdir(), 'sealpress-desk-keys-'));
  const files = writePersonKey(keys, person.id, person, PASSPHRASE, root);
  return {
    root,
    pki,
    approver: { id: person.id, name: person.name, ...files },
    cleanup: () => {
      rmSync(root, { recursive: true, force: true });
      rmSync(keys, { recursive: true, force: true });
    },
  };
}
