/**
 * A configuration compiled for scanning: the keyword machine (built-in context
 * keywords + the group's lexicon), the allow-lists as sets of normalised
 * values, the host pattern. Built once per configuration object and reused
 * for every entry (the gate scans thousands).
 */
import type { ChecksConfig } from './config.ts';
import { KeywordMatcher, type Keyword, type KeywordHits } from './keywords.ts';
import { normaliseChars } from './normalise.ts';

/** Keyword categories. */
export const K = {
  /** 身份证… before a 15-digit number */
  ID: 0,
  /** 卡号/银行卡/账号… before a card number */
  BANK: 1,
  /** 账号/账户… immediately before an account number */
  ACCOUNT: 2,
  /** 开户行/户名… on the same line as an account number */
  ACCOUNT_CTX: 3,
  PASSPORT: 4,
  PASSWORD: 5,
  INTERNAL_STRONG: 6,
  INTERNAL_WEAK: 7,
  DRAFT: 8,
  /** 统一社会信用代码…: an 18-digit number that checks as both is the organisation's code */
  USCC: 9,
  LEXICON: 10,
  REPRINT_STRONG: 11,
  REPRINT_SOURCE: 12,
  IMAGE_CREDIT: 13,
  BARE_SECRET: 14,
  /** 代码/编码/编号 right before an 11-digit number: a code, not a phone */
  CODE: 15,
} as const;
export type KeywordKind = (typeof K)[keyof typeof K];

const BUILTIN: [KeywordKind, readonly string[]][] = [
  [K.ID, ['身份证', '公民身份号码', '身份号码', '身份证件', '证件号', '证件号码', 'id card', 'idcard', 'id no', 'identity']],
  [K.BANK, ['卡号', '银行卡', '借记卡', '信用卡', '储蓄卡', '社保卡', '工资卡', '银联卡', '账号', '帐号', '账户', '帐户', 'card no', 'card number']],
  [K.ACCOUNT, ['账号', '帐号', '账户', '帐户', '账户号', '帐户号', '银行账号', '收款账号', '付款账号', '对公账号', '收款账户', 'account no', 'account number', 'acct']],
  [K.ACCOUNT_CTX, ['开户行', '开户银行', '开户网点', '户名', '开户名', '收款人', '收款单位']],
  [K.PASSPORT, ['护照', 'passport', '通行证', '回乡证', '台胞证', '旅行证', '证件号', '证件号码']],
  [K.PASSWORD, ['密码', '口令', '密钥', 'password', 'passwd', 'pwd', 'passphrase', 'passcode']],
  [
    K.INTERNAL_STRONG,
    ['内部资料', '仅供内部参考', '仅供内部使用', '仅限内部使用', '仅限内部', '仅供内部', '内部明电', '内部传阅', '严禁外传', '请勿外传', '禁止外传', '此件不公开', '此件不予公开', '内部掌握', '内部发行'],
  ],
  // 不得翻印 is also a copyright footer (版权所有，不得翻印): a marking only where it stands as one.
  [K.INTERNAL_WEAK, ['注意保存', '内部使用', '工作秘密', '不得外传', '不得翻印', '内部文件', '内部参考', '内部事项', '内部通报', '不宜公开', '内部']],
  [K.DRAFT, ['征求意见稿', '送审稿', '讨论稿', '审议稿', '修改稿', '代拟稿', '未定稿', '初稿']],
  // Not 纳税人识别号: an individual's taxpayer number is the ID number itself.
  [K.USCC, ['统一社会信用代码', '社会信用代码', '信用代码', '组织机构代码', '机构代码']],
  [K.REPRINT_STRONG, ['转载自', '转载于', '本文转自', '转自', '转引自', '摘自', '选自', '原载于', '原载']],
  [K.REPRINT_SOURCE, ['来源', '稿源', '出处']],
  [K.IMAGE_CREDIT, ['图片来源', '图源', '图片提供', '供图', '图片由']],
  [K.BARE_SECRET, ['绝密', '机密', '秘密']],
  [K.CODE, ['代码', '编码', '机关代码', '行政区划代码', '标识码', '站点代码']],
];

export interface CompiledLexiconTerm {
  term: string;
  severity: 'error' | 'warning';
  note: string;
}

export class ScanOptions {
  readonly config: ChecksConfig;
  readonly matcher: KeywordMatcher;
  /** Category of each keyword id. */
  readonly kind: Uint8Array;
  /** The keyword's text as configured (before normalisation). */
  readonly lexicon: CompiledLexiconTerm[];
  readonly publicPhones: ReadonlySet<string>;
  readonly publicAccounts: ReadonlySet<string>;
  readonly publicEmailDomains: readonly string[];
  readonly freeMailDomains: ReadonlySet<string>;
  readonly internalDomains: readonly string[];
  readonly ownSources: readonly string[];
  readonly consultationColumns: ReadonlySet<string>;
  readonly publicPasswords: ReadonlySet<string>;
  /** Internal host names: built-in private suffixes and the configured internal domains. */
  readonly hostPattern: RegExp;

  constructor(config: ChecksConfig) {
    this.config = config;
    const keywords: Keyword[] = [];
    for (const [kind, words] of BUILTIN) words.forEach((text, index) => keywords.push({ text: normaliseChars(text).text, kind, index }));
    this.lexicon = config.lexicon.map((t) => ({ term: t.term, severity: t.severity, note: t.note }));
    this.lexicon.forEach((t, index) => {
      // The term is matched in normalised text (full-width folded, spaces between CJK dropped).
      const text = normaliseChars(t.term).text.replace(/(?<=[\u3400-\u9fff])[ \t]+(?=[\u3400-\u9fff])/g, '');
      keywords.push({ text, kind: K.LEXICON, index });
    });
    this.matcher = new KeywordMatcher(keywords);
    this.kind = Uint8Array.from(this.matcher.keywords.map((k) => k.kind));
    this.publicPhones = new Set(config.publicPhones.map(digitsOf).filter((d) => d.length > 0).flatMap((d) => (d.startsWith('86') && d.length === 13 ? [d, d.slice(2)] : [d])));
    this.publicAccounts = new Set(config.publicAccounts.map(digitsOf));
    this.publicEmailDomains = config.publicEmailDomains.map((d) => d.toLowerCase());
    this.freeMailDomains = new Set(config.freeMailDomains.map((d) => d.toLowerCase()));
    this.internalDomains = config.internalDomains.map((d) => d.toLowerCase());
    this.consultationColumns = new Set(config.consultationColumns);
    this.publicPasswords = new Set(config.publicPasswords);
    this.ownSources = config.ownSources.map((s) => compactSource(s)).filter((s) => s.length > 0);
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const configured = this.internalDomains.map(escape);
    const builtin = '\\.(?:local|internal|lan|intranet|corp|localdomain|home\\.arpa)';
    const alternatives = configured.length ? `${builtin}|(?<![A-Za-z0-9-])(?:${configured.join('|')})` : builtin;
    this.hostPattern = new RegExp(`(?:${alternatives})(?![A-Za-z0-9-]|\\.[A-Za-z0-9])`, 'gi');
  }

  kindOf(hits: KeywordHits, h: number): KeywordKind {
    return this.kind[hits.id[h]!]! as KeywordKind;
  }

  keywordText(hits: KeywordHits, h: number): string {
    return this.matcher.keywords[hits.id[h]!]!.text;
  }

  keywordIndex(hits: KeywordHits, h: number): number {
    return this.matcher.keywords[hits.id[h]!]!.index;
  }
}

export function digitsOf(s: string): string {
  return normaliseChars(s).text.replace(/\D/g, '');
}

/** A source name as compared: normalised, without spaces, book-title marks or quotes. */
export function compactSource(s: string): string {
  return normaliseChars(s).text.replace(/[\s《》〈〉“”"'‘’「」『』【】()[\]]/g, '');
}

const compiled = new WeakMap<ChecksConfig, ScanOptions>();

/** Compile a configuration once; the same object gives the same ScanOptions. */
export function compileChecks(config: ChecksConfig): ScanOptions {
  let c = compiled.get(config);
  if (!c) {
    c = new ScanOptions(config);
    compiled.set(config, c);
  }
  return c;
}
