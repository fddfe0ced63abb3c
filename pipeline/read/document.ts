/**
 * What a format reader hands to the checks: the text of every part of a file,
 * each piece with the place a writer finds it at (`Sheet2（隐藏） › C14`,
 * `修订（删除） › 第12段`, `属性 › 作者`), what is hidden in it, what would run,
 * and the files embedded in it (checked in turn, by their names).
 *
 * A reader never decides: it reports. A problem reading the file (a zip bomb,
 * a DOCTYPE, a truncated zip, a PDF that does not parse) is a `refusal`, and
 * the checks refuse the file with it (Trust model 1 and 12: what cannot be
 * read is refused, never waved through).
 */
import type { Text } from '../messages/text.ts';
import { SealpressError } from '../errors/index.ts';

/** A piece of text and where it is inside the file. */
export interface TextPiece {
  /** Location inside the file, parts joined by ' › ' (Chinese, as the writer sees it in Word, Excel or a PDF reader). */
  where: string;
  text: string;
}

/** Text a reader cannot see although it is in the file, and what hides it. */
export interface CoveredText extends TextPiece {
  /** A filled shape drawn over it (the default), an annotation drawn over it, or white text on the white page. */
  how?: 'box' | 'annotation' | 'white';
}

/** Something a published file hides from its reader (a hidden sheet, a tracked change, a comment…). */
export interface HiddenPart {
  where: string;
  /** What is hidden, in words a writer knows (隐藏的工作表, 修订, 批注…), in both languages. */
  what: Text;
}

/** Content that would run (a macro, JavaScript, a launch action, an executable). */
export interface ActivePart {
  where: string;
  what: Text;
  /** What the writer does, when the rule's own fix (save without macros and scripts) does not fit. */
  fix?: Text;
}

/** A file inside the file. */
export interface EmbeddedFile {
  where: string;
  /** Its own name (used to choose its reader), e.g. `附件.xlsx`. */
  name: string;
  bytes: Uint8Array;
}

/** Why a file cannot be read; the checks refuse it with this message and fix. */
export interface ReadRefusal {
  where?: string;
  message: Text;
  fix: Text;
  /**
   * The refusal says something about this run, not the file (a time limit hit on a
   * loaded machine, the pool closing): it refuses the file now, but is never
   * remembered by the facts cache, so the next run reads the file again.
   */
  transient?: true;
}

export interface ReadDocument {
  /** 'docx' | 'xlsx' | 'pptx' | 'pdf' | 'ofd' | 'zip'. */
  format: string;
  texts: TextPiece[];
  hidden: HiddenPart[];
  active: ActivePart[];
  embedded: EmbeddedFile[];
  /** Text drawn under a filled shape or an annotation, or in white on white: a redaction that hides nothing. */
  covered: CoveredText[];
  refusals: ReadRefusal[];
}

export function emptyDocument(format: string): ReadDocument {
  return { format, texts: [], hidden: [], active: [], embedded: [], covered: [], refusals: [] };
}

/** Names of files a reader's system would run. */
const EXECUTABLE = /\.(?:exe|com|bat|cmd|scr|pif|msi|dll|js|jse|vbs|vbe|wsf|wsh|ps1|hta|jar|sh|app|lnk|reg)$/i;

/** A file found inside a file: checked in turn by its name, or listed as active content when it is a program. */
export function embed(doc: ReadDocument, where: string, name: string, content: Uint8Array): void {
  if (EXECUTABLE.test(name)) doc.active.push({ where, what: { zh: `嵌入的可执行程序（${name}）`, en: `an embedded program (${name})` } });
  else doc.embedded.push({ where, name, bytes: content });
}

/** The limits every reader keeps (a hostile file is refused when it would pass one). */
export interface ReadLimits {
  /** Entries in one zip. */
  maxEntries: number;
  /** Uncompressed bytes of one zip, all entries together. */
  maxUncompressed: number;
  /** Uncompressed/compressed ratio of one entry (entries under 1 MiB are exempt: small XML compresses well). */
  maxRatio: number;
  /** Files inside files inside files… */
  maxDepth: number;
  /** Pages of one PDF. */
  maxPages: number;
  /** Time to read one file (the worker running it is stopped after it). */
  timeoutMs: number;
  /**
   * Heap of a reading worker, where a document is read and its text scanned.
   * Issue 12's bound is 1 GB for two workers and the gate together: measured
   * at 830-900 MB over the 1,000-file benchmark, since the workers load pdfjs
   * outside tsx (read-worker.mjs). Not lower: a 6.7 MB sheet of 120,000 rows
   * needs more than 256 MB to be read and scanned (test/check/document-worker.test.ts
   * reads one of 5 MB).
   */
  maxHeapMb: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxEntries: 10_000,
  maxUncompressed: 512 * 1024 * 1024,
  maxRatio: 200,
  maxDepth: 3,
  maxPages: 5_000,
  timeoutMs: 30_000,
  maxHeapMb: 512,
};

/** The one refusal a reader gives for a file it cannot read to its end. */
export class UnreadableError extends SealpressError<'ATTACHMENT_UNREADABLE'> {
  declare readonly fix: string;
  /** The place inside the file (a part, a page, an embedded file) that cannot be read. */
  readonly where: string | undefined;
  /** The message and the fix in both languages (the refusal a finding is made from). */
  readonly text: { message: Text; fix: Text };

  constructor(message: Text, fix: Text, where?: string) {
    super('ATTACHMENT_UNREADABLE', message, { fix });
    this.text = { message, fix };
    this.name = 'UnreadableError';
    this.where = where;
  }
}

export const FIX_RESAVE: Text = { zh: '用 WPS 或 Office 打开文件，重新另存为 DOCX、XLSX 或 PDF（文件 → 另存为），上传该副本；打不开的，向发文单位索取原件', en: 'open the file in WPS or Office, save it again (文件 → 另存为) as DOCX, XLSX or PDF, and attach that copy; if it does not open, ask its sender for the original' };
