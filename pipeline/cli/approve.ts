/**
 * `sealpress approve`: an approver signs one record for a batch of entries,
 * after seeing exactly what they sign (title, site, column, author, the
 * writers who submitted it, digest, assets, the gate's findings). The record
 * binds the bytes (Trust model 2); the gate then counts it. Nothing is signed
 * when any listed entry cannot be approved by this signer: refused for another
 * reason, the signer's own entry (they submitted a version of it, or the
 * author field names them: Trust model 4), outside the signer's scope, or a
 * certificate that is not in the roster, expired or revoked. Those decisions,
 * the review and the record are pipeline/sign's; this file parses, prompts,
 * prints and maps exit codes. `withdraw` and a writer's `submit` share it.
 */
import { resolve } from 'node:path';
import type { Decision } from '../approve/index.ts';
import { SealpressError } from '../errors/index.ts';
import { actRecorder } from '../publish/index.ts';
import { reviewSigning, signedJson, signJob } from '../sign/index.ts';
import { signerCertificate } from '../pki/signers.ts';
import { clock, command, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { configInvalid, langOf, type Io } from './output.ts';
import { cliPassphrases, confirm, interactive } from './passphrase.ts';
import { printRefused } from './trust.ts';

/** A command that signs one record of `decision` for the entries it is given (`approve`, `submit`). */
export function signCommand(decision: 'approve' | 'submit'): (args: string[], io: Io) => Promise<number> {
  return command(decision, SIGN_OPTIONS, async ({ values, positionals }, io) => signDecision(io, { decision, paths: positionals, values }));
}

export const SIGN_OPTIONS = {
  key: { type: 'string' },
  cert: { type: 'string' },
  'passphrase-file': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  'trust-anchor': { type: 'string' },
} as const;

export const approve = signCommand('approve');

export interface SignValues {
  key?: string | undefined;
  cert?: string | undefined;
  'passphrase-file'?: string | undefined;
  yes?: boolean | undefined;
  json?: boolean | undefined;
  'trust-anchor'?: string | undefined;
  root?: string | undefined;
  now?: string | undefined;
}

export interface SignRequest {
  decision: Decision;
  paths: readonly string[];
  values: SignValues;
  /** Why (withdraw). */
  reason?: string;
}

const NOTHING_SIGNED = { zh: 'sealpress：站群配置（sites/）有误；请按上面列出的错误修改。未签署任何内容。', en: 'sealpress: the site group configuration (sites/) is invalid; fix the errors above. Nothing was signed.' };

/** Approve, withdraw or submit: review, check, confirm, sign one record, write it, gate again (pipeline/sign signJob). */
export async function signDecision(io: Io, request: SignRequest): Promise<number> {
  const { decision, values } = request;
  const command = decision;
  if (request.paths.length === 0) throw new SealpressError('USAGE', { zh: `请给出要${decision === 'withdraw' ? '撤下' : decision === 'submit' ? '提交' : decision === 'reject' ? '驳回' : '审批'}的条目（content/<站点>/<栏目>/<slug>.md）`, en: `name the entr${decision === 'withdraw' ? 'y' : 'ies'} to ${command} (content/<site>/<column>/<slug>.md)` });
  if (values.key === undefined) throw new SealpressError('USAGE', { zh: '必须给出 --key FILE：本人的加密私钥', en: '--key FILE is required: your encrypted private key' });
  const root = resolve(values.root ?? '.');
  // Without a terminal to confirm on and without --yes, nothing is signed: the review is still shown, so that there is something to review.
  if (!values.yes && !interactive()) return reviewOnly(io, request, root);
  const r = await signJob({
    root,
    now: clock(values.now),
    trustAnchor: trustAnchor(values['trust-anchor']).trustAnchor,
    decision,
    paths: request.paths,
    reason: request.reason,
    key: { key: values.key, cert: values.cert, passphraseFile: values['passphrase-file'], option: '--key', passphraseOption: '--passphrase-file' },
    passphrases: cliPassphrases(io),
    review: values.json ? io.err : io.out,
    confirm: (question) => confirm(question, values.yes),
    record: actRecorder(io.err, { root, now: values.now, env: process.env }),
    lang: langOf(io),
  });
  if (r.kind === 'config') return configInvalid(io, root, r.diagnostics, NOTHING_SIGNED);
  if (r.kind === 'trust') return r.refused ? printRefused(io, r.refused) : EXIT.REFUSED;
  const zh = langOf(io) === 'zh';
  if (r.kind === 'declined') {
    io.err(zh ? '未签署任何内容' : 'nothing was signed');
    return EXIT.REFUSED;
  }
  if (r.kind === 'refused') {
    io.err(zh ? `sealpress ${command}：已拒绝，未签署任何内容：` : `sealpress ${command}: refused, nothing was signed:`);
    for (const p of r.problems) io.err(`  - ${p}`);
    if (values.json) io.out(JSON.stringify({ signed: false, problems: r.problems }, null, 2));
    return r.code;
  }
  const { signed } = r;
  if (signed.afterDiagnostics) configInvalid(io, root, signed.afterDiagnostics, NOTHING_SIGNED);
  if (values.json) io.out(JSON.stringify(signedJson(signed, decision, langOf(io)), null, 2));
  else {
    io.out(zh ? `已写入 ${signed.record}（请与内容一并提交）` : `wrote ${signed.record} (commit it with the content)`);
    for (const e of signed.entries) io.out(`  ${e.path}: ${e.line}`);
  }
  return r.code;
}

/** The review alone (the certificate is enough), then the refusal to sign without a confirmation: exit 2. */
async function reviewOnly(io: Io, request: SignRequest, root: string): Promise<number> {
  const { decision, values } = request;
  const { cert } = signerCertificate({ key: values.key!, cert: values.cert, option: '--key', passphraseOption: '--passphrase-file' });
  const r = await reviewSigning({ root, now: clock(values.now), trustAnchor: trustAnchor(values['trust-anchor']).trustAnchor, decision, paths: request.paths, reason: request.reason, cert });
  if (r.kind === 'config') return configInvalid(io, root, r.diagnostics, NOTHING_SIGNED);
  if (r.kind === 'review') {
    for (const line of r.lines) io.err(line);
    for (const p of r.problems) io.err(`  - ${p}`);
  }
  io.err(`sealpress ${decision}: nothing was signed: stdin is not a terminal to confirm on; review the output above and pass --yes to sign it`);
  return EXIT.CONFIG;
}
