// Worker thread for prepareRecordsParallel: verifies RSA-PSS/SHA-256
// signatures over PAE bytes with node:crypto, nothing else. Plain JavaScript,
// no loader, so it starts in milliseconds.
import { constants, createPublicKey, verify } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

const keys = new Map();
parentPort.on('message', ({ id, keys: added, key, data, sig }) => {
  for (const [index, der] of added) keys.set(index, createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }));
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) {
    try {
      out[i] = verify('sha256', data[i], { key: keys.get(key[i]), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig[i]) ? 1 : 0;
    } catch {
      out[i] = 0;
    }
  }
  parentPort.postMessage({ id, out }, [out.buffer]);
});
