// A separate process using pipeline/fs/lock, for test/fs/lock.test.ts:
//   node lock-worker.mjs LOCK MODE ARG
// MODE count: take the lock ARG times (sync and async alternately) and, holding
//   it, add 1 to the number in LOCK.count by reading, pausing, then writing
//   (a lost update shows two holders at once); each hold is traced to LOCK.trace.
// MODE hold: take the lock, say "held" on stdout, and keep it until killed or
//   until stdin closes (then release it and exit).
// MODE churn: take and release the lock as fast as it can, forever (to be killed).
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { acquireLock, acquireLockSync } = await import('../../pipeline/fs/index.ts');
const [lock, mode, arg] = process.argv.slice(2);
const take = async (sync) => {
  const got = sync ? acquireLockSync(lock, { timeoutMs: 60_000 }) : await acquireLock(lock, { timeoutMs: 60_000 });
  if (!got.ok) throw new Error(`lock not taken: ${JSON.stringify({ ...got, cause: String(got.cause) })}`);
  return got.lock;
};

if (mode === 'count') {
  const goAt = Number(process.argv[5]);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, goAt - Date.now())));
  for (let i = 0; i < Number(arg); i++) {
    const held = await take(i % 2 === 0);
    try {
      appendFileSync(`${lock}.trace`, `${process.pid} in\n`);
      const n = Number(readFileSync(`${lock}.count`, 'utf8'));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
      writeFileSync(`${lock}.count`, String(n + 1));
      appendFileSync(`${lock}.trace`, `${process.pid} out\n`);
    } finally {
      held.release();
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
  }
} else if (mode === 'hold') {
  const held = await take(false);
  process.stdout.write('held\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    held.release();
    process.exit(0);
  });
} else if (mode === 'churn') {
  process.stdout.write('start\n');
  for (let i = 0; ; i++) (await take(i % 2 === 0)).release();
}
