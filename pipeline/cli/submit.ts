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
import { signCommand } from './approve.ts';

export const submit = signCommand('submit');
