/**
 * Format readers run in worker threads, so that a parser that hangs, loops
 * or runs out of memory on a hostile file cannot hang or crash the gate: each
 * file has a time limit, after which its worker is stopped (and replaced) and
 * the file refused; a worker's heap is capped; a worker that dies refuses the
 * file it was reading. Nothing else is shared with the readers.
 *
 * The gate asks a worker to check what it reads as well (`check`): the
 * configuration goes with the file, the worker compiles it once, scans the
 * text where it was read, and sends back only findings and the files embedded
 * in it. A sheet of 45,000 rows is 300,000 pieces of text: copied to the main
 * thread they cost more than reading them, and scanning them there left one
 * core idle. Reading and scanning each have the file's time limit.
 */
import type { Text } from '../messages/text.ts';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DEFAULT_READ_LIMITS, type ReadLimits, type ReadRefusal } from './document.ts';
import type { ReadOutcome } from './readers.ts';
import type { CheckRequest, DocumentCheck, DocumentChecker } from '../check/attachment.ts';

/** Reads a document: the worker pool in the gate, a fake in tests. */
export interface DocumentReader {
  /**
   * Read `bytes` as the document `name`. The reader takes the bytes: the pool
   * moves (transfers) their memory to its worker instead of copying it, so
   * the caller must not use them afterwards (copy them first if it must).
   */
  read(name: string, bytes: Uint8Array): Promise<ReadOutcome>;
  readonly limits: ReadLimits;
}

/** What a worker answers: a reading, or (for `check`) the findings; or why the file is refused. */
type Answer = ReadOutcome | DocumentCheck;
type Refused = { ok: false; refusal: ReadRefusal };

interface Job {
  id: number;
  name: string;
  bytes: Uint8Array;
  /** Check what is read, in the worker (`check`); absent: hand back the reading (`read`). */
  request?: CheckRequest | undefined;
  resolve: (answer: Answer | Refused) => void;
}

interface Slot {
  worker: Worker;
  job?: Job | undefined;
  timer?: NodeJS.Timeout | undefined;
}

const EMPTY = new Uint8Array(0);

/** Bytes that are all of their own ArrayBuffer (not a view into Node's shared pool): those can be transferred. */
function ownsBuffer(bytes: Uint8Array): bytes is Uint8Array & { buffer: ArrayBuffer } {
  return bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.byteLength > 0;
}

export class ReaderPool implements DocumentChecker {
  readonly limits: ReadLimits;
  private readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(options: { workers?: number; limits?: Partial<ReadLimits> } = {}) {
    this.limits = { ...DEFAULT_READ_LIMITS, ...options.limits };
    this.size = Math.max(1, options.workers ?? Math.min(2, cpus().length));
  }

  read(name: string, bytes: Uint8Array): Promise<ReadOutcome> {
    return this.submit(name, bytes, undefined) as Promise<ReadOutcome>;
  }

  /** Read `bytes` and check them in the worker: only the findings and the embedded files come back (the reader takes the bytes, as `read` does). */
  check(name: string, bytes: Uint8Array, request: CheckRequest): Promise<DocumentCheck | Refused> {
    return this.submit(name, bytes, request) as Promise<DocumentCheck | Refused>;
  }

  private submit(name: string, bytes: Uint8Array, request: CheckRequest | undefined): Promise<Answer | Refused> {
    if (this.closed) return Promise.resolve({ ok: false, refusal: { message: { zh: '读取进程池已关闭', en: 'the reading pool is closed' }, fix: { zh: '重新运行检查', en: 'run the check again' }, transient: true } });
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, name, bytes, request, resolve });
      this.pump();
    });
  }

  /** Stop every worker (the gate calls it at the end of a run). */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ ok: false, refusal: { message: { zh: '读取文件前读取进程池已关闭', en: 'the reading pool was closed before the file was read' }, fix: { zh: '重新运行检查', en: 'run the check again' }, transient: true } });
    await Promise.all(this.slots.splice(0).map((s) => this.stop(s, { zh: '读取文件前读取进程池已关闭', en: 'the reading pool was closed before the file was read' })));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => void this.expire(slot!, 'reading'), this.limits.timeoutMs);
      const message = { id: job.id, name: job.name, bytes: job.bytes, limits: this.limits, request: job.request };
      job.bytes = EMPTY;
      // Moved, not copied: a copy of a large file cost more than reading it.
      if (ownsBuffer(message.bytes)) slot.worker.postMessage(message, [message.bytes.buffer]);
      else slot.worker.postMessage(message);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./read-worker.mjs', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: this.limits.maxHeapMb } });
    const slot: Slot = { worker };
    worker.on('message', (message: { id: number; scanning?: true } & (Answer | Refused)) => {
      if (slot.job?.id !== message.id) return;
      if (message.scanning) {
        // Read: the scan of its text has a time limit of its own.
        clearTimeout(slot.timer);
        slot.timer = setTimeout(() => void this.expire(slot, 'checking'), this.limits.timeoutMs);
        return;
      }
      const { id: _id, ...answer } = message;
      this.finish(slot, answer as Answer | Refused);
    });
    const died = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      this.finish(slot, { ok: false, refusal: { message: { zh: `读取该文件时读取进程中止（${why}）：未经读取的文件不予放行`, en: `the reader stopped on the file (${why}): it is refused rather than passed unread` }, fix: { zh: '从原始文档重新导出该文件并上传该副本；仍然失败的，请联系保密管理员', en: 'export the file again from the original document and attach that copy; if it keeps failing, ask the security administrator' } } });
      this.pump();
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => {
      if (!this.closed) died(`exit code ${code}`);
    });
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot, outcome: Answer | Refused): void {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    job?.resolve(outcome);
    this.pump();
  }

  private async expire(slot: Slot, what: 'reading' | 'checking'): Promise<void> {
    const seconds = Math.round(this.limits.timeoutMs / 100) / 10;
    await this.stop(slot, {
      zh: `${what === 'reading' ? '读取文件' : '检查文件文字'}超过 ${seconds} 秒：可能是无限循环或恶意文件，予以拒绝`,
      en: `${what === 'reading' ? 'reading the file' : "checking the file's text"} took longer than ${seconds} s: it is refused as a possibly endless or hostile file`,
    });
    this.pump();
  }

  /** Stop a worker; the file it was on is refused, for this run only (a time limit or the pool closing: `transient`). */
  private async stop(slot: Slot, message: Text): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = undefined;
    slot.worker.removeAllListeners('exit');
    slot.worker.removeAllListeners('error');
    slot.worker.on('error', () => {});
    job?.resolve({ ok: false, refusal: { message, fix: { zh: '从原始文档重新导出该文件（文件 → 另存为 DOCX/XLSX/PDF），上传该副本', en: 'export the file again from the original document (文件 → 另存为 DOCX/XLSX/PDF) and attach that copy' }, transient: true } });
    await slot.worker.terminate();
  }
}
