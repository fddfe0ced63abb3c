/**
 * Read the trust material (sites/trust/) and the approval records
 * (content/_approvals/) as bytes, for the pure verifiers. Nothing is followed
 * through a symlink and nothing over the size limit is read: a problem here is
 * reported with the file, and the verifier then refuses what depends on it.
 */
import type { Text } from '../messages/text.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import { readPlainSync } from '../fs/index.ts';

export const TRUST_DIR = 'sites/trust';
export const APPROVALS_DIR = 'content/_approvals';
export const WAIVERS_DIR = 'content/_waivers';
export const TRUST_FILES = {
  ca: 'ca.pem',
  root: 'root.dsse.json',
  roster: 'roster.dsse.json',
  policy: 'policy.dsse.json',
  revocations: 'revocations.dsse.json',
} as const;
export type TrustFileName = keyof typeof TRUST_FILES;

/** A record or trust file larger than this is refused unread. */
export const MAX_SIGNED_FILE_BYTES = 1024 * 1024;

export interface RecordFile {
  /** Repo-relative path. */
  file: string;
  bytes: Uint8Array;
}

function readPlain(root: string, rel: string, diagnostics: Diagnostic[], rule: 'trust-invalid' | 'approval-invalid'): Uint8Array | undefined {
  const read = readPlainSync(join(root, rel), MAX_SIGNED_FILE_BYTES);
  if (read.ok) return read.bytes;
  const report = (why: Text, fix: Text) => diagnostics.push(diagnostic(rule, 'error', rel, undefined, why, { fix }));
  if (read.problem === 'not-plain') report({ zh: '不是普通文件（是符号链接或文件夹）；不予读取', en: 'not a plain file (a symlink or a folder); it is not read' }, { zh: '提交文件本身', en: 'commit the file itself' });
  else if (read.problem === 'too-large') report({ zh: `${read.size} 字节；签名文件最多 ${MAX_SIGNED_FILE_BYTES} 字节`, en: `${read.size} bytes; a signed file may have at most ${MAX_SIGNED_FILE_BYTES}` }, { zh: '删除该文件；签名文件通常很小', en: 'remove it; signed files are small' });
  else if (read.problem === 'unreadable') report({ zh: `无法读取（${read.detail}）`, en: `it cannot be read (${read.detail})` }, { zh: '让运行 sealpress 的用户可以读取', en: 'make it readable by the user that runs sealpress' });
  return undefined;
}

export function loadTrustFiles(root: string): { files: Partial<Record<TrustFileName, Uint8Array>>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const files: Partial<Record<TrustFileName, Uint8Array>> = {};
  for (const [name, file] of Object.entries(TRUST_FILES) as [TrustFileName, string][]) {
    const bytes = readPlain(root, `${TRUST_DIR}/${file}`, diagnostics, 'trust-invalid');
    if (bytes) files[name] = bytes;
  }
  return { files, diagnostics };
}

/** Every `*.json` under content/_approvals/, in path order. */
export function loadApprovalRecords(root: string): { records: RecordFile[]; diagnostics: Diagnostic[] } {
  return loadSignedRecords(root, APPROVALS_DIR);
}

/** Every `*.json` under a records folder (approvals, waivers), in path order. */
export function loadSignedRecords(root: string, dir: string): { records: RecordFile[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const records: RecordFile[] = [];
  const walk = (rel: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch {
      return;
    }
    for (const e of entries) {
      const path = `${rel}/${e.name}`;
      if (e.name.startsWith('.')) continue;
      if (e.isSymbolicLink()) {
        diagnostics.push(diagnostic('approval-invalid', 'error', path, undefined, { zh: '审批记录中有符号链接；不予读取', en: 'a symlink among the approval records; it is not read' }, { fix: { zh: '提交记录文件本身', en: 'commit the record file itself' } }));
      } else if (e.isDirectory() && depth < 4) {
        walk(path, depth + 1);
      } else if (e.isFile() && e.name.endsWith('.json')) {
        const bytes = readPlain(root, path, diagnostics, 'approval-invalid');
        if (bytes) records.push({ file: path, bytes });
      }
    }
  };
  walk(dir, 0);
  return { records, diagnostics };
}
