/**
 * Column change requests (业务需求单): the rules let a sub-site add, drop or
 * rename a column of the group's unified tree only through a business
 * requirement form approved by the office. Here a request is a DSSE envelope
 * (payloadType application/vnd.sealpress.column-change+json) of canonical
 * JSON, signed by one person holding the `office-approver` role, kept in the
 * repository at sites/_changes/<site>/<id>.dsse.json. The payload names:
 *
 *   site, action       the sub-site (11-digit code) and add | drop | rename
 *   column             the column id (a tree column for drop/rename, a new id for add)
 *   definition         add only: name, type, category (and description) of the new column
 *   name               rename only: the name the site shows instead of the group's
 *   reason, department why, and the requesting department (需求部门)
 *   requested          the date of the form, YYYY-MM-DD
 *   signedAt, signer   when and by whom (the signer's person id = the certificate's UID)
 *
 * Unknown fields are refused (fail closed): an unknown field could be a
 * condition this gate cannot enforce.
 */
import { COLUMN_TYPES, type ColumnType } from '../model/index.ts';
import { canonicalBytes, inspectCertificate, PERSON_ID, Reader, SITE_CODE, SLUG_ID, signEnvelope, type Json, type Read, type Signer } from '../trust/index.ts';
import { GovernError } from './errors.ts';

export const COLUMN_CHANGE_PAYLOAD_TYPE = 'application/vnd.sealpress.column-change+json';
export const COLUMN_CHANGE_VERSION = 1;
/** Where the requests are kept: one folder per sub-site. */
export const CHANGES_DIR = 'sites/_changes';
export const COLUMN_ACTIONS = ['add', 'drop', 'rename'] as const;
export type ColumnAction = (typeof COLUMN_ACTIONS)[number];

const REQUEST_ID = /^[a-z0-9][a-z0-9._-]{0,79}$/;
const COLUMN_ID = /^[a-z][a-z0-9-]{0,31}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ColumnDefinition {
  name: string;
  type: ColumnType;
  category: string;
  description?: string;
}

/** What the office is asked to sign (the form's fields). */
export interface ColumnChangeDraft {
  id: string;
  site: string;
  action: ColumnAction;
  column: string;
  /** add only. */
  definition?: ColumnDefinition;
  /** rename only: the new name. */
  name?: string;
  reason: string;
  department: string;
  requested: string;
}

export interface ColumnChangePayload extends ColumnChangeDraft {
  type: 'column-change';
  version: typeof COLUMN_CHANGE_VERSION;
  signedAt: string;
  signedAtMs: number;
  signer: string;
}

/** The repo-relative file of a request. */
export function columnChangePath(site: string, id: string): string {
  return `${CHANGES_DIR}/${site}/${id}.dsse.json`;
}

/** The id `sealpress column request` gives a request by default, and the one messages suggest. */
export function defaultRequestId(action: ColumnAction, column: string): string {
  return `${action}-${column}`;
}

/** Read a request payload (verified bytes only), collecting every problem. */
export function readColumnChange(value: unknown): Read<ColumnChangePayload> {
  const r = new Reader();
  const o = r.object(value, '');
  if (!o) return { ok: false, problems: r.problems };
  r.onlyKnown(o, '', ['type', 'version', 'id', 'site', 'action', 'column', 'definition', 'name', 'reason', 'department', 'requested', 'signedAt', 'signer']);
  r.literal(o, 'type', '', 'column-change');
  if (o.version !== COLUMN_CHANGE_VERSION) r.problem('version', `is ${JSON.stringify(o.version)}; this gate reads version ${COLUMN_CHANGE_VERSION}`);
  const id = r.string(o, 'id', '', { pattern: REQUEST_ID, hint: 'a request id (lower-case letters, digits, . _ -)' });
  const site = r.string(o, 'site', '', { pattern: SITE_CODE, hint: 'an 11-digit site code' });
  const action = r.oneOf(o, 'action', '', COLUMN_ACTIONS);
  const column = r.string(o, 'column', '', { pattern: COLUMN_ID, hint: 'a column id' });
  let definition: ColumnDefinition | undefined;
  if (action === 'add') {
    const d = r.object(o.definition, 'definition');
    if (d) {
      r.onlyKnown(d, 'definition', ['name', 'type', 'category', 'description']);
      const name = r.string(d, 'name', 'definition', { max: 20 });
      const type = r.oneOf(d, 'type', 'definition', COLUMN_TYPES);
      const category = r.string(d, 'category', 'definition', { pattern: SLUG_ID, hint: 'a category id' });
      const description = r.optionalString(d, 'description', 'definition', { max: 200 });
      if (name !== undefined && type && category !== undefined) {
        definition = { name, type, category };
        if (description !== undefined) definition.description = description;
      }
    }
  } else if (o.definition !== undefined) {
    r.problem('definition', `belongs to an add request, not ${String(action)}`);
  }
  let name: string | undefined;
  if (action === 'rename') name = r.string(o, 'name', '', { max: 20 });
  else if (o.name !== undefined) r.problem('name', `belongs to a rename request, not ${String(action)}`);
  const reason = r.string(o, 'reason', '', { max: 2000 });
  const department = r.string(o, 'department', '', { max: 60 });
  const requested = r.string(o, 'requested', '', { pattern: DATE, hint: 'a date YYYY-MM-DD' });
  const signedAt = r.instant(o, 'signedAt', '');
  const signer = r.string(o, 'signer', '', { pattern: PERSON_ID, hint: 'a person id' });
  if (
    r.problems.length > 0 ||
    id === undefined ||
    site === undefined ||
    !action ||
    column === undefined ||
    reason === undefined ||
    department === undefined ||
    requested === undefined ||
    !signedAt ||
    signer === undefined ||
    (action === 'add' && !definition) ||
    (action === 'rename' && name === undefined)
  ) {
    return { ok: false, problems: r.problems.length ? r.problems : ['unreadable'] };
  }
  const payload: ColumnChangePayload = { type: 'column-change', version: COLUMN_CHANGE_VERSION, id, site, action, column, reason, department, requested, signedAt: signedAt.text, signedAtMs: signedAt.t, signer };
  if (definition) payload.definition = definition;
  if (name !== undefined) payload.name = name;
  return { ok: true, value: payload };
}

/**
 * Sign a column change request as an office approver. Returns the record
 * file's bytes (a DSSE envelope). The role is the gate's to check, against the
 * signed roster; here only the form itself is checked.
 */
export function signColumnChange(options: { draft: ColumnChangeDraft; signer: Signer; now: Date }): Uint8Array {
  const inspected = inspectCertificate(options.signer.certPem);
  if (!inspected.ok || inspected.cert.uid === undefined) throw new GovernError('REQUEST_INVALID', { zh: '签名人证书无法读取或未载明人员编号（UID）', en: 'the signer certificate cannot be read or names no person id (UID)' });
  const { draft } = options;
  const payload: Json = {
    type: 'column-change',
    version: COLUMN_CHANGE_VERSION,
    id: draft.id,
    site: draft.site,
    action: draft.action,
    column: draft.column,
    reason: draft.reason,
    department: draft.department,
    requested: draft.requested,
    signedAt: options.now.toISOString(),
    signer: inspected.cert.uid,
  };
  if (draft.definition) payload.definition = { ...draft.definition };
  if (draft.name !== undefined) payload.name = draft.name;
  const bytes = canonicalBytes(payload);
  const checked = readColumnChange(JSON.parse(new TextDecoder().decode(bytes)));
  if (!checked.ok) throw new GovernError('REQUEST_INVALID', { zh: `栏目变更申请不符合格式要求：${checked.problems.slice(0, 10).join('; ')}`, en: `the column change request breaks its schema: ${checked.problems.slice(0, 10).join('; ')}` });
  return signEnvelope(COLUMN_CHANGE_PAYLOAD_TYPE, bytes, [options.signer]);
}
