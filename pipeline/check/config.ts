/**
 * The checks' configuration (sites/checks.yaml): what is public by nature and
 * must not fire (published phone numbers, office mailboxes, organisational
 * bank accounts), what is internal (intranet domains), the group's own source
 * names (来源：<own unit> is not a reprint), the reprint disclaimer and the
 * group's sensitive-term lexicon. Nothing of this is hard-coded in the rules:
 * the allow-lists differ per group and change without a release.
 *
 * `readChecksConfig` collects every problem (STYLE 8); `compileChecks` builds
 * the matchers once per configuration (they are reused for every entry).
 */
import { canonicalJson, Reader, type Json, type Read } from '../trust/index.ts';
import { sha256Hex } from '../fs/index.ts';

export const CHECKS_CONFIG_VERSION = 1;

export interface LexiconTerm {
  term: string;
  severity: 'error' | 'warning';
  /** Why the term is sensitive and what to do instead; shown to the writer. */
  note: string;
}

export interface ChecksConfig {
  version: typeof CHECKS_CONFIG_VERSION;
  /** The group's name, for messages. */
  group: string;
  /** Source names that are the group itself (来源：国家税务总局示例省税务局 is not a reprint). */
  ownSources: string[];
  /** Published telephone numbers (hotlines, offices, a service van's mobile): never personal data. */
  publicPhones: string[];
  /** Mail domains whose addresses are public office mailboxes (a subdomain matches too). */
  publicEmailDomains: string[];
  /** Free-mail domains, named as such in messages (any domain not public fires anyway). */
  freeMailDomains: string[];
  /** Published organisational bank accounts (the treasury account for fee payments…). */
  publicAccounts: string[];
  /** Intranet domains (`tax.intra` matches `oa.tax.intra`; `*.tax.intra` is the same). */
  internalDomains: string[];
  /**
   * Factory-default passwords of public tax software and devices that guides
   * publish on purpose (a tax-control device's default PIN, to be changed on
   * first use). Anything else after 密码/口令 is a secret.
   */
  publicPasswords: string[];
  /** Columns that publish drafts for public consultation (意见征集): draft markings are expected there. */
  consultationColumns: string[];
  /** The disclaimer every reprint page shows. */
  reprintDisclaimer: string;
  lexicon: LexiconTerm[];
}

const DOMAIN = /^(?:\*\.)?(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const PHONE = /^\+?[\d\s()-]{3,24}$/;
const ACCOUNT = /^[\d\s-]{6,40}$/;

function list(r: Reader, o: Json, key: string, rule: { pattern?: RegExp; hint?: string; max?: number }, optional = true): string[] {
  if (o[key] === undefined && optional) return [];
  const v = o[key];
  if (!Array.isArray(v)) {
    r.problem(key, v === undefined ? 'is required' : 'must be a list');
    return [];
  }
  const out: string[] = [];
  v.forEach((item, i) => {
    const s = typeof item === 'number' ? String(item) : item;
    if (typeof s !== 'string') {
      r.problem(`${key}[${i}]`, 'must be a string');
      return;
    }
    const ok = r.checkString(s.trim(), `${key}[${i}]`, { ...rule, max: rule.max ?? 200 });
    if (ok !== undefined) out.push(ok);
  });
  return out;
}

/** Read sites/checks.yaml (already parsed), collecting every problem. */
export function readChecksConfig(value: unknown): Read<ChecksConfig> {
  const r = new Reader();
  const o = r.object(value, '');
  if (!o) return { ok: false, problems: r.problems };
  r.onlyKnown(o, '', [
    'version', 'group', 'ownSources', 'publicPhones', 'publicEmailDomains', 'freeMailDomains', 'publicAccounts', 'internalDomains',
    'publicPasswords', 'consultationColumns', 'reprintDisclaimer', 'lexicon',
  ]);
  if (o.version !== CHECKS_CONFIG_VERSION) r.problem('version', `is ${JSON.stringify(o.version)}; this gate reads version ${CHECKS_CONFIG_VERSION}`);
  const group = r.string(o, 'group', '', { max: 200 });
  const ownSources = list(r, o, 'ownSources', { max: 100 }, false);
  const publicPhones = list(r, o, 'publicPhones', { pattern: PHONE, hint: 'a telephone number (digits, spaces, dashes)' });
  const publicEmailDomains = list(r, o, 'publicEmailDomains', { pattern: DOMAIN, hint: 'a domain name' }).map(bareDomain);
  const freeMailDomains = o.freeMailDomains === undefined ? [...DEFAULT_FREE_MAIL] : list(r, o, 'freeMailDomains', { pattern: DOMAIN, hint: 'a domain name' }).map(bareDomain);
  const publicAccounts = list(r, o, 'publicAccounts', { pattern: ACCOUNT, hint: 'an account number (digits, spaces, dashes)' });
  const internalDomains = list(r, o, 'internalDomains', { pattern: DOMAIN, hint: 'a domain name, optionally *.domain' }).map(bareDomain);
  const publicPasswords = list(r, o, 'publicPasswords', { max: 64 });
  const consultationColumns = list(r, o, 'consultationColumns', { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, hint: 'a column id' });
  const reprintDisclaimer = r.string(o, 'reprintDisclaimer', '', { max: 1000 });
  const lexicon: LexiconTerm[] = [];
  if (o.lexicon !== undefined) {
    const terms = r.array(o, 'lexicon', '', 0, 20_000);
    const seen = new Set<string>();
    terms?.forEach((t, i) => {
      const at = `lexicon[${i}]`;
      const to = r.object(t, at);
      if (!to) return;
      r.onlyKnown(to, at, ['term', 'severity', 'note']);
      const term = r.string(to, 'term', at, { max: 50 });
      const severity = r.oneOf(to, 'severity', at, ['error', 'warning'] as const);
      const note = r.string(to, 'note', at, { max: 300 });
      if (term !== undefined && seen.has(term)) r.problem(`${at}.term`, `${JSON.stringify(term)} is listed twice`);
      if (term !== undefined) seen.add(term);
      if (term !== undefined && severity && note !== undefined) lexicon.push({ term, severity, note });
    });
  }
  for (const d of publicEmailDomains) {
    if (freeMailDomains.includes(d)) r.problem('publicEmailDomains', `${d} is a free-mail domain: its addresses belong to private persons and cannot be public`);
  }
  if (r.problems.length > 0 || group === undefined || reprintDisclaimer === undefined) return { ok: false, problems: r.problems.length ? r.problems : ['unreadable'] };
  return {
    ok: true,
    value: { version: CHECKS_CONFIG_VERSION, group, ownSources, publicPhones, publicEmailDomains, freeMailDomains, publicAccounts, internalDomains, publicPasswords, consultationColumns, reprintDisclaimer, lexicon },
  };
}

function bareDomain(d: string): string {
  return d.toLowerCase().replace(/^\*\./, '');
}

export const DEFAULT_FREE_MAIL = [
  'qq.com', 'vip.qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'vip.163.com', 'sina.com', 'sina.cn', 'vip.sina.com', 'sohu.com',
  '139.com', '189.cn', 'wo.cn', 'aliyun.com', 'tom.com', '21cn.com', 'gmail.com', 'googlemail.com', 'hotmail.com', 'outlook.com', 'live.com',
  'msn.com', 'yahoo.com', 'icloud.com', 'me.com', 'proton.me', 'protonmail.com',
];

/** A digest of the configuration: the facts cache must be salted with it (findings depend on it). */
export function checksConfigDigest(config: ChecksConfig): string {
  return sha256Hex(canonicalJson(config));
}
