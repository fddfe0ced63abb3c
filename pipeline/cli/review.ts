/**
 * `sealpress review`: the review desk (pipeline/review/), a web page on
 * loopback for one approver. This file opens the key where it can be asked
 * for (a terminal, a file, the environment), starts the desk, prints its URL
 * and waits for Ctrl-C.
 */
import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { signerCertificate, type LoadedSigner, type SignerFiles } from '../pki/signers.ts';
import { PASSPHRASE_ENV } from '../pki/passphrases.ts';
import { actRecorder } from '../publish/index.ts';
import { livePreviews, startDesk } from '../review/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import type { Io } from './output.ts';
import { cliPassphrases, interactive, keyStep } from './passphrase.ts';
import { loadSigner } from '../pki/signers.ts';

export const review = command(
  'review',
  {
    key: { type: 'string' },
    cert: { type: 'string' },
    'passphrase-file': { type: 'string' },
    port: { type: 'string' },
    'no-preview': { type: 'boolean' },
    'trust-anchor': { type: 'string' },
  },
  async ({ values }, io: Io) => {
    if (values.key === undefined) throw new SealpressError('USAGE', '--key FILE is required: your encrypted private key (its certificate beside it, or --cert FILE)');
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SealpressError('USAGE', `--port must be a port number, found "${values.port}"`);
    const root = resolve(values.root ?? '.');
    const fixed = values.now === undefined ? undefined : clock(values.now);
    const now = () => fixed ?? new Date();
    const anchor = trustAnchor(values['trust-anchor']).trustAnchor;
    const key: SignerFiles = { key: values.key, cert: values.cert, passphraseFile: values['passphrase-file'], option: '--key', passphraseOption: '--passphrase-file' };
    const { cert } = signerCertificate(key);
    // The passphrase where the desk was started, when it can be asked there; else the page asks at each signature.
    const here = values['passphrase-file'] !== undefined || process.env[PASSPHRASE_ENV] !== undefined || interactive();
    const signer: LoadedSigner | undefined = here ? await keyStep(() => loadSigner(key, cliPassphrases(io))) : undefined;
    const desk = await startDesk({
      root,
      clock: now,
      trustAnchor: anchor,
      key,
      cert,
      signer,
      record: actRecorder(io.err, { root, now: values.now, env: process.env }),
      env: process.env,
      port,
      ...(values['no-preview'] ? {} : { startPreview: livePreviews({ root, clock: now, trustAnchor: anchor }) }),
    });
    io.out(`审核台已启动（仅本机可用）：${desk.url}`);
    io.out(signer ? '私钥已在此打开，签名时不再询问口令。按 Ctrl-C 停止。' : '签名时在页面中输入私钥口令。按 Ctrl-C 停止。');
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void desk.stop().then(done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return EXIT.OK;
  },
);
