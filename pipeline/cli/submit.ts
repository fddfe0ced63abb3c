/**
 * `sealpress submit`: a writer signs the exact bytes of the entries they wrote
 * (and of their assets), with their own certified key. The signers of an
 * entry's submissions are its authors: the gate refuses their approvals of it
 * (Trust model 4), and publishes an entry only when its current version was
 * submitted by a writer whose roles cover it. Who wrote an entry is proven by
 * this signature, never by the front matter's `author` (Trust model 9). The
 * record has the approval format with decision `submit`; `approve` shares
 * this machinery.
 */
import { SIGN_HELP, signCommand } from './approve.ts';

export const SUBMIT_HELP = `Usage: sealpress submit <entry>... --key FILE [--cert FILE] [--passphrase-file FILE]
                       [--yes] [--json] [--trust-anchor FP] [--root DIR] [--now ISO]

Sign ONE submission record for the entries you wrote (content/<site>/<column>/<slug>.md):
you state, with your own key, that these exact bytes (and their assets) are
yours. An entry is published only when its current version has a writer's
submission and the approvals its policy asks for; whoever submitted any version
of an entry is one of its authors, and an author's approval of it is refused.
Change one byte and submit again.

Nothing is signed (exit 1) when your roles hold no writer grant covering an
entry's site, column and department, when the gate refuses an entry for another
reason than approval (fix it first), when you already approved an entry (a
submission would make you its author), or when your certificate is not in the
roster, expired or revoked, or the key is not the certificate's.

The record is written to content/_approvals/<site>/<YYYYMMDD>-<your id>-<8 hex>-submit.json
(content/_approvals/ when the batch spans sites); commit it with the entry.

${SIGN_HELP}`;

export const submit = signCommand('submit', SUBMIT_HELP);
