/**
 * Test helpers for the check stage: the demo configuration, and generators of
 * identifiers that are valid by their real check algorithms. The algorithms
 * are written again here, independently of pipeline/check/identifiers.ts, so a
 * mistake there is not mirrored by the test data.
 */
import { readFileSync } from 'node:fs';
import jsyaml from 'js-yaml';
import { checkAttachment, compileChecks, readChecksConfig, type CheckFinding, type ChecksConfig } from '../../pipeline/check/index.ts';
import { inlineReader } from '../../pipeline/read/index.ts';

export const DEMO_CONFIG_PATH = new URL('./demo-checks.yaml', import.meta.url);

export function loadDemoConfig(): ChecksConfig {
  const read = readChecksConfig(jsyaml.load(readFileSync(DEMO_CONFIG_PATH, 'utf8'), { schema: jsyaml.CORE_SCHEMA }));
  if (!read.ok) throw new Error(`demo-checks.yaml: ${read.problems.join('; ')}`);
  return read.value;
}

/** Checks attachments of an entry in `dir` (in the column `column`) with the demo configuration, read on this thread. */
export function attachmentChecker(dir: string, column: string) {
  const options = compileChecks(loadDemoConfig());
  const reader = inlineReader();
  return { options, reader, check: (name: string, bytes: Uint8Array) => checkAttachment(`${dir}/${name}`, bytes, options, { column, reader }) };
}

/** `rule @ place` of every finding, in order (the place inside the file, else line:column). */
export const where = (findings: readonly CheckFinding[]) => findings.map((f) => `${f.rule} @ ${f.location ?? `${f.line}:${f.column}`}`);

export type Rand = () => number;

/** A deterministic generator (LCG), so every run sees the same corpus. */
export function rng(seed: number): Rand {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const int = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Real county-level region codes of several provinces. */
const REGIONS = ['110105', '110108', '120101', '130102', '310104', '320582', '330106', '340104', '350203', '370102', '410105', '420106', '440304', '440106', '500103', '510107', '610113', '650102'];

/** GB 11643 check character: ISO 7064 MOD 11-2 over the first 17 digits. */
export function mod11_2(first17: string): string {
  // Σ a_i · 2^(17-i) mod 11, written with the powers of two rather than the weight table.
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

function birth(rand: Rand, from = 1950, to = 2005): string {
  const y = int(rand, from, to);
  const m = int(rand, 1, 12);
  const d = int(rand, 1, 28);
  return `${y}${pad(m, 2)}${pad(d, 2)}`;
}

export function genId18(rand: Rand, options: { checkX?: boolean } = {}): string {
  for (;;) {
    const body = `${REGIONS[int(rand, 0, REGIONS.length - 1)]}${birth(rand)}${pad(int(rand, 0, 999), 3)}`;
    const id = body + mod11_2(body);
    if (options.checkX === undefined || options.checkX === id.endsWith('X')) return id;
  }
}

/** A number of ID shape whose check character is wrong. */
export function genBadId18(rand: Rand): string {
  const id = genId18(rand);
  const wrong = '0123456789X'.split('').filter((c) => c !== id[17]);
  return id.slice(0, 17) + wrong[int(rand, 0, wrong.length - 1)];
}

export function genId15(rand: Rand): string {
  return `${REGIONS[int(rand, 0, REGIONS.length - 1)]}${birth(rand, 1930, 1984).slice(2)}${pad(int(rand, 0, 999), 3)}`;
}

/** Luhn: double every second digit from the right. */
export function luhnDigit(partial: string): string {
  let sum = 0;
  for (let i = 0; i < partial.length; i++) {
    let d = Number(partial[partial.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

const BINS: [string, number][] = [
  ['622202', 19], ['621700', 19], ['622848', 19], ['622588', 16], ['621226', 19], ['623668', 19], ['625965', 16], ['436742', 16], ['524047', 16], ['622262', 19],
];

export function genBankCard(rand: Rand, length?: number): string {
  const [bin, len] = BINS[int(rand, 0, BINS.length - 1)]!;
  const L = length ?? len;
  let s = bin;
  while (s.length < L - 1) s += String(int(rand, 0, 9));
  return s + luhnDigit(s);
}

export function genBadBankCard(rand: Rand): string {
  const c = genBankCard(rand);
  const last = (Number(c[c.length - 1]) + int(rand, 1, 9)) % 10;
  return c.slice(0, -1) + last;
}

const MOBILE_PREFIXES = ['130', '133', '135', '136', '138', '139', '147', '150', '151', '152', '155', '157', '158', '159', '166', '170', '173', '176', '177', '180', '181', '186', '187', '188', '189', '191', '198', '199'];

export function genMobile(rand: Rand): string {
  return MOBILE_PREFIXES[int(rand, 0, MOBILE_PREFIXES.length - 1)] + pad(int(rand, 0, 99_999_999), 8);
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** GB 32100 unified social credit code with its MOD 31 check character. */
export function genUscc(rand: Rand): string {
  const head = ['91', '92', '93', '11', '12', '51', '52'][int(rand, 0, 6)]!;
  let s = head + REGIONS[int(rand, 0, REGIONS.length - 1)];
  while (s.length < 17) s += USCC_CHARS[int(rand, 0, 30)];
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(s[i]!) * w[i]!;
  return s + USCC_CHARS[(31 - (sum % 31)) % 31];
}

/** A passport number of the current series. */
export function genPassport(rand: Rand): string {
  return rand() < 0.5 ? `E${pad(int(rand, 0, 99_999_999), 8)}` : `E${'ABCDEFGHJKLMNPQRSTUVWXYZ'[int(rand, 0, 23)]}${pad(int(rand, 0, 9_999_999), 7)}`;
}

// ── disguises ───────────────────────────────────────────────────────────────

export const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

function groups(s: string, sizes: number[]): string[] {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) {
    if (i >= s.length) break;
    out.push(s.slice(i, i + n));
    i += n;
  }
  if (i < s.length) out.push(s.slice(i));
  return out;
}

function sizesFor(s: string): number[] {
  if (s.length === 18) return [6, 8, 4];
  if (s.length === 11) return [3, 4, 4];
  if (s.length === 15) return [6, 6, 3];
  return [4, 4, 4, 4, 4];
}

export const TRANSFORMS: Record<string, (s: string, rand: Rand) => string> = {
  plain: (s) => s,
  fw: fullWidth,
  space: (s) => groups(s, sizesFor(s)).join(' '),
  dash: (s) => groups(s, sizesFor(s)).join('-'),
  endash: (s) => groups(s, sizesFor(s)).join('–'),
  fwspace: (s) => fullWidth(groups(s, sizesFor(s)).join('\u3000')),
  dots: (s) => groups(s, sizesFor(s)).join('.'),
  zw: (s) => groups(s, [3, 3, 3, 3, 3, 3, 3]).join('\u200b'),
  zwj: (s) => s.split('').join('\u200d'),
  shy: (s) => groups(s, [4, 4, 4, 4, 4]).join('\u00ad'),
  bom: (s) => groups(s, [5, 5, 5, 5]).join('\ufeff'),
  bold: (s) => `${s.slice(0, 6)}**${s.slice(6, 10)}**${s.slice(10)}`,
  italic: (s) => `${s.slice(0, 5)}_${s.slice(5, 9)}_${s.slice(9)}`,
  code: (s) => `${s.slice(0, 7)}\`${s.slice(7, 9)}\`${s.slice(9)}`,
  strike: (s) => `${s.slice(0, 4)}~~${s.slice(4, 8)}~~${s.slice(8)}`,
  tag: (s) => `${s.slice(0, 6)}<b>${s.slice(6, 10)}</b>${s.slice(10)}`,
  span: (s) => `${s.slice(0, 3)}<span class="n">${s.slice(3, 11)}</span>${s.slice(11)}`,
  comment: (s) => `${s.slice(0, 6)}<!-- 备注 -->${s.slice(6)}`,
  emptycomment: (s) => `${s.slice(0, 8)}<!---->${s.slice(8)}`,
  entity: (s) => s.split('').map((c) => (/\d/.test(c) ? `&#${c.charCodeAt(0)};` : c)).join(''),
  hexentity: (s) => s.split('').map((c, i) => (i % 2 === 0 && /\d/.test(c) ? `&#x${c.charCodeAt(0).toString(16)};` : c)).join(''),
  escape: (s) => s.split('').map((c, i) => (i % 3 === 0 && /\d/.test(c) ? `\\u00${c.charCodeAt(0).toString(16)}` : c)).join(''),
  mathbold: (s) => [...s].map((c) => (/\d/.test(c) ? String.fromCodePoint(0x1d7ce + Number(c)) : c)).join(''),
  mixed: (s) => `${fullWidth(s.slice(0, 4))}\u200b${s.slice(4, 8)} **${s.slice(8, 12)}**-${fullWidth(s.slice(12))}`,
  lower: (s) => s.toLowerCase(),
  newline: (s) => `${s.slice(0, 9)}\n${s.slice(9)}`,
  plus86: (s) => `+86 ${s}`,
  mask: (s) => (s.length === 11 ? `${s.slice(0, 3)}****${s.slice(7)}` : `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}`),
  maskx: (s) => `${s.slice(0, 3)}xxxx${s.slice(7)}`,
};

export const GENERATORS: Record<string, (rand: Rand) => string> = {
  id: (r) => genId18(r),
  idx: (r) => genId18(r, { checkX: true }),
  id15: genId15,
  idbad: genBadId18,
  bank: (r) => genBankCard(r),
  bank16: (r) => genBankCard(r, 16),
  bankbad: genBadBankCard,
  mobile: genMobile,
  uscc: genUscc,
  passport: genPassport,
};

export interface Filled {
  text: string;
  /** Offsets of each filled placeholder in the final text. */
  spans: { kind: string; transform: string; start: number; end: number }[];
}

/** Replace `{{kind}}` / `{{kind|transform}}` placeholders with generated values. */
export function fill(template: string, rand: Rand): Filled {
  const spans: Filled['spans'] = [];
  let text = '';
  let last = 0;
  for (const m of template.matchAll(/\{\{(\w+)(?:\|(\w+))?\}\}/g)) {
    const gen = GENERATORS[m[1]!];
    const tr = TRANSFORMS[m[2] ?? 'plain'];
    if (!gen || !tr) throw new Error(`unknown placeholder ${m[0]}`);
    text += template.slice(last, m.index);
    const value = tr(gen(rand), rand);
    spans.push({ kind: m[1]!, transform: m[2] ?? 'plain', start: text.length, end: text.length + value.length });
    text += value;
    last = m.index + m[0].length;
  }
  text += template.slice(last);
  return { text, spans };
}
