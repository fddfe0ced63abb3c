/**
 * A small pool of worker threads that verify signatures (verify-worker.mjs).
 * Public keys travel once per worker as SPKI DER; jobs travel in batches.
 * A worker that fails rejects every pending verification: the run stops
 * rather than count an unverified signature (fail closed).
 */
import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';

const BATCH = 256;

interface Job {
  key: number;
  data: Uint8Array;
  sig: Uint8Array;
  resolve: (ok: boolean) => void;
  reject: (e: unknown) => void;
}

export class VerifyPool {
  private readonly workers: Worker[];
  /** How many keys each worker has been sent (keys are numbered in order). */
  private readonly sent: number[];
  private readonly keyIndex = new Map<string, number>();
  private readonly keyDer: Uint8Array[] = [];
  private readonly inflight = new Map<number, Job[]>();
  private batch: Job[] = [];
  private nextId = 0;
  private turn = 0;
  private failure: unknown;

  constructor(count: number) {
    this.workers = Array.from({ length: count }, () => new Worker(new URL('./verify-worker.mjs', import.meta.url)));
    this.sent = this.workers.map(() => 0);
    for (const w of this.workers) {
      w.on('message', ({ id, out }: { id: number; out: Uint8Array }) => {
        const jobs = this.inflight.get(id) ?? [];
        this.inflight.delete(id);
        jobs.forEach((j, i) => j.resolve(out[i] === 1));
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`signature worker exited with code ${code}`));
      });
    }
  }

  /** Verify a signature over data with the key of the certificate `fingerprint`. */
  verify(fingerprint: string, publicKey: KeyObject, data: Uint8Array, sig: Uint8Array): Promise<boolean> {
    let key = this.keyIndex.get(fingerprint);
    if (key === undefined) {
      key = this.keyDer.length;
      this.keyIndex.set(fingerprint, key);
      this.keyDer.push(publicKey.export({ type: 'spki', format: 'der' }));
    }
    const k = key;
    return new Promise((resolve, reject) => {
      if (this.failure !== undefined) return reject(this.failure);
      this.batch.push({ key: k, data, sig, resolve, reject });
      if (this.batch.length >= BATCH) this.flush();
    });
  }

  /** Send what is queued. */
  flush(): void {
    if (this.batch.length === 0) return;
    const jobs = this.batch;
    this.batch = [];
    const w = this.turn++ % this.workers.length;
    const worker = this.workers[w]!;
    const id = this.nextId++;
    const keys: [number, Uint8Array][] = [];
    for (let i = this.sent[w]!; i < this.keyDer.length; i++) keys.push([i, this.keyDer[i]!]);
    this.sent[w] = this.keyDer.length;
    this.inflight.set(id, jobs);
    worker.postMessage({ id, keys, key: jobs.map((j) => j.key), data: jobs.map((j) => j.data), sig: jobs.map((j) => j.sig) });
  }

  private fail(e: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = e;
    for (const jobs of this.inflight.values()) for (const j of jobs) j.reject(e);
    this.inflight.clear();
    for (const j of this.batch) j.reject(e);
    this.batch = [];
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the signature pool is closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
