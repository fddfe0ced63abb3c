/**
 * Approve, withdraw, submit or waive as one call, for any shell: open the signer's
 * key, review (the gate runs), refuse and record, or ask, sign one record,
 * write it, gate again and record. Where the passphrase comes from, how the
 * review is shown and how the signer is asked are the caller's (passphrases,
 * `review`, `confirm`); so is the audit recorder. Nothing here prints.
 */
import type { Lang } from '../messages/text.ts';
import { messageText } from '../diagnostics/index.ts';
import type { ApprovalItem, Decision } from '../approve/index.ts';
import { signWaiver } from '../check/index.ts';
import type { Diagnostic } from '../diagnostics/index.ts';
import { EXIT } from '../errors/index.ts';
import { trustOrRefused, type Refused } from '../pki/state.ts';
import { keyStep, loadSigner, type LoadedSigner, type Passphrases, type SignerFiles } from '../pki/signers.ts';
import type { RecordAct } from '../publish/audit.ts';
import { refusalEvent, reviewSigning, signReview, writeSigned, type SignedRecord, type SigningRequest } from './desk.ts';
import { findWaivable, waiverDraftFor, writeWaiver, type WaiverLookup, type WaiverTarget } from './waiver.ts';

/** The request of reviewSigning, with the signer's key files instead of their certificate alone. */
export interface SignJob extends Omit<SigningRequest, 'cert'> {
  key: SignerFiles;
  passphrases: Passphrases;
  /** The key already opened (the desk opens it once where it was started); else it is opened with `passphrases`. */
  signer?: LoadedSigner | undefined;
  /** The review, line by line, shown before the signer is asked. */
  review: (line: string) => void;
  /** Asked once the review is shown; `items` are exactly what the record would bind. */
  confirm: (question: string, items: readonly ApprovalItem[]) => Promise<boolean>;
  record: RecordAct;
}

/** What came of it; `code` is the exit code once recorded in the audit log. */
export type SignOutcome =
  | { kind: 'config'; diagnostics: Diagnostic[] }
  | { kind: 'trust'; refused: Refused | undefined }
  | { kind: 'refused'; problems: string[]; code: number }
  | { kind: 'declined' }
  | { kind: 'signed'; signed: SignedRecord; code: number };

const NOUNS: Record<Decision, string> = { approve: 'approval', withdraw: 'withdrawal', submit: 'submission', reject: 'rejection' };
const NOUNS_ZH: Record<Decision, string> = { approve: '审批', withdraw: '撤下', submit: '提交', reject: '驳回' };

export async function signJob(o: SignJob): Promise<SignOutcome> {
  const { root, now, decision } = o;
  // A key that is not the certificate's (KEY_CERT_MISMATCH) stops here, before anything is signed: exit 2, as from every command.
  const signer = o.signer ?? (await loadSigner(o.key, o.passphrases));
  const reviewed = await reviewSigning({ root, now, trustAnchor: o.trustAnchor, decision, paths: o.paths, reason: o.reason, cert: signer.cert, lang: o.lang });
  if (reviewed.kind === 'config') return reviewed;
  if (reviewed.kind === 'trust') {
    // The material does not verify, so this is a refusal that says why.
    const refused = trustOrRefused({ root, ...reviewed }, `signing (nothing you sign could be verified)`);
    return { kind: 'trust', refused: 'refused' in refused ? refused : undefined };
  }
  for (const line of reviewed.lines) o.review(line);

  const { person, problems } = reviewed;
  if (problems.length > 0 || !person) return { kind: 'refused', problems, code: await o.record(refusalEvent(reviewed), EXIT.REFUSED) };
  if (!(await o.confirm(o.lang === 'zh' ? `以 ${person.name} 的身份签署此${NOUNS_ZH[decision]}？` : `Sign this ${NOUNS[decision]} as ${person.name}?`, reviewed.items))) return { kind: 'declined' };
  const ready = { ...reviewed, person };
  const bytes = await keyStep(() => signReview(ready, signer.signer));
  const signed = await writeSigned(ready, bytes);
  return { kind: 'signed', signed, code: await o.record(signed.event, EXIT.OK) };
}

/** A waiver for one finding, with the signer's key and the caller's way of showing and asking. */
export interface WaiveJob extends WaiverTarget {
  justification: string;
  expires?: Date | undefined;
  key: SignerFiles;
  passphrases: Passphrases;
  review: (line: string) => void;
  confirm: (question: string) => Promise<boolean>;
  record: RecordAct;
  /** The language of the finding shown and of why the gate refuses the waiver (default English). */
  lang?: Lang | undefined;
}

/** The lookup when there is nothing to sign; else declined, or written (accepted by the gate or not, `code` once recorded). */
export type WaiveOutcome = Exclude<WaiverLookup, { kind: 'found' }> | { kind: 'declined' } | { kind: 'written'; file: string; accepted: boolean; why?: string | undefined; code: number };

/** Find the finding, show it, ask, sign, write the waiver and verify it the way every gate will (pipeline/sign/waiver.ts). */
export async function waiveJob(o: WaiveJob): Promise<WaiveOutcome> {
  const at = { root: o.root, now: o.now, trustAnchor: o.trustAnchor };
  const found = await findWaivable(o);
  if (found.kind !== 'found') return found;
  const { entry, finding, file } = found;
  const loaded = await keyStep(() => loadSigner(o.key, o.passphrases));
  const zh = o.lang === 'zh';
  o.review(zh ? `条目      ${entry.path}（${entry.frontMatter?.title ?? ''}）` : `entry     ${entry.path} (${entry.frontMatter?.title ?? ''})`);
  o.review(`${zh ? '摘要      ' : 'digest    '}${entry.digest}`);
  o.review(`${zh ? '问题      ' : 'finding   '}${finding.line}:${finding.column} ${finding.rule} ${messageText(finding, o.lang ?? 'en')}`);
  o.review(zh ? `签署人    ${loaded.cert.name ?? ''}（${loaded.cert.uid ?? ''}）` : `signer    ${loaded.cert.name ?? ''} (${loaded.cert.uid ?? ''})`);
  o.review(`${zh ? '理由      ' : 'reason    '}${o.justification}`);
  if (!(await o.confirm(zh ? '签署此豁免？' : 'Sign this waiver?'))) return { kind: 'declined' };
  const draft = waiverDraftFor(found, o.justification);
  const bytes = await keyStep(() => signWaiver({ draft, signer: loaded.signer, now: o.now, ...(o.expires ? { expires: o.expires } : {}) }));
  // Verify the way every gate will: the waiver must now cover the finding.
  const written = await writeWaiver(at, found, bytes, loaded.cert);
  const why = o.lang === 'zh' ? (written.whyZh ?? written.why) : written.why;
  return { kind: 'written', file, accepted: written.accepted, why, code: await o.record(written.event, written.accepted ? EXIT.OK : EXIT.REFUSED) };
}

/** What a waive run says, on which stream (the file written on stdout, why not on stderr), and its exit code. */
export function waiveSaid(r: WaiveOutcome, asked: { path: string; rule: string; line: number; column?: number | undefined }, lang: Lang = 'en'): { stream: 'out' | 'err'; text: string; code: number } {
  const refused = (text: string) => ({ stream: 'err' as const, text, code: EXIT.REFUSED });
  if (lang === 'zh') return waiveSaidZh(r, asked, refused);
  switch (r.kind) {
    case 'config':
      return { stream: 'err', text: 'sealpress waive: the site group configuration is invalid; run `sealpress check`', code: EXIT.CONFIG };
    case 'not-entry':
      return refused(`sealpress waive: ${asked.path} is not an entry the gate could read`);
    case 'no-finding':
      return refused(`sealpress waive: ${r.entry.path} has no ${asked.rule} finding at line ${asked.line}${asked.column ? `:${asked.column}` : ''}; run \`sealpress check\` for the exact position`);
    case 'waived':
      return { stream: 'err', text: `sealpress waive: that finding is already waived by ${r.waiver}`, code: EXIT.OK };
    case 'declined':
      return refused('not signed');
    default:
      return r.accepted ? { stream: 'out', text: `wrote ${r.file} (commit it with the entry)`, code: r.code } : { stream: 'err', text: `sealpress waive: wrote ${r.file}, but the gate does not accept it${r.why ? `: ${r.why}` : ''}`, code: r.code };
  }
}

/** waiveSaid in Chinese. */
function waiveSaidZh(r: WaiveOutcome, asked: { path: string; rule: string; line: number; column?: number | undefined }, refused: (text: string) => { stream: 'err'; text: string; code: number }): { stream: 'out' | 'err'; text: string; code: number } {
  switch (r.kind) {
    case 'config':
      return { stream: 'err', text: 'sealpress waive：站群配置有误；请运行 `sealpress check`', code: EXIT.CONFIG };
    case 'not-entry':
      return refused(`sealpress waive：${asked.path} 不是发布关口能读取的条目`);
    case 'no-finding':
      return refused(`sealpress waive：${r.entry.path} 第 ${asked.line}${asked.column ? `:${asked.column}` : ''} 处没有 ${asked.rule} 问题；准确位置请运行 \`sealpress check\` 查看`);
    case 'waived':
      return { stream: 'err', text: `sealpress waive：该问题已由 ${r.waiver} 豁免`, code: EXIT.OK };
    case 'declined':
      return refused('未签署');
    default:
      return r.accepted ? { stream: 'out', text: `已写入 ${r.file}（请与条目一并提交）`, code: r.code } : { stream: 'err', text: `sealpress waive：已写入 ${r.file}，但发布关口不接受${r.why ? `：${r.why}` : ''}`, code: r.code };
  }
}
