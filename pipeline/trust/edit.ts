/**
 * The next version of a trust document, built from the stored payload (unknown
 * fields kept: they remain in what the administrators sign), and the first
 * versions `keys init` writes. Pure: bytes and values in, a payload out; the
 * caller signs it and verifies the result as the gate would before writing.
 */
import { SealpressError } from '../errors/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { parseStrictJsonBytes } from './canonical.ts';
import type { RoleGrant } from './documents.ts';
import { parseEnvelope } from './dsse.ts';

/** The stored payload of an envelope as a JSON object (to build the next version from, keeping unknown fields). */
export function storedPayload(bytes: Uint8Array): Record<string, unknown> {
  const parsed = parseEnvelope(bytes);
  if (!parsed.ok) throw new SealpressError('CONFIG_INVALID', `the envelope cannot be read: ${parsed.problems.map((p) => p.message).join('; ')}`);
  const json = parseStrictJsonBytes(parsed.envelope.payload);
  if (!json.ok || typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) {
    throw new SealpressError('CONFIG_INVALID', 'the signed payload is not a JSON object');
  }
  return json.value as Record<string, unknown>;
}

/** The next version of a document: the stored payload, version + 1, signed now, then edited. */
export function nextVersion(bytes: Uint8Array, now: Date, edit: (payload: Record<string, unknown>) => void): Record<string, unknown> {
  const payload = storedPayload(bytes);
  const version = typeof payload.version === 'number' ? payload.version : 0;
  payload.version = version + 1;
  payload.signedAt = now.toISOString();
  edit(payload);
  return payload;
}

type RawPerson = Record<string, unknown> & { id?: unknown; certificates?: unknown };

function rawPeople(payload: Record<string, unknown>): RawPerson[] {
  if (!Array.isArray(payload.people)) throw new SealpressError('CONFIG_INVALID', 'the roster payload has no people list');
  return payload.people as RawPerson[];
}

function addCertificate(person: RawPerson, fingerprint: string): void {
  const list = Array.isArray(person.certificates) ? (person.certificates as unknown[]) : [];
  person.certificates = [...list, fingerprint];
}

export interface PersonFields {
  id: string;
  name: string;
  department: string;
  site: string;
  roles: readonly RoleGrant[];
}

/** The roster with this person's fields set (added when new) and the certificate added to theirs. */
export function withPerson(roster: Uint8Array, now: Date, person: PersonFields, fingerprint: string): Record<string, unknown> {
  return nextVersion(roster, now, (p) => {
    const people = rawPeople(p);
    const raw = people.find((x) => x.id === person.id);
    const fields = { id: person.id, name: person.name, department: person.department, site: person.site, roles: person.roles.map((g) => ({ role: g.role, sites: g.sites, columns: g.columns, departments: g.departments })) };
    if (raw) {
      Object.assign(raw, fields);
      addCertificate(raw, fingerprint);
    } else people.push({ ...fields, certificates: [fingerprint] });
  });
}

/** The roster with a new certificate added to each of these people (a rotation). */
export function withCertificates(roster: Uint8Array, now: Date, added: readonly { id: string; fingerprint: string }[]): Record<string, unknown> {
  return nextVersion(roster, now, (p) => {
    const raw = rawPeople(p);
    for (const k of added) {
      const person = raw.find((x) => x.id === k.id);
      if (person) addCertificate(person, k.fingerprint);
    }
  });
}

/** One revocation as the revocations document lists it: a person or one certificate, from `effective`, with the digests of the records it froze. */
export type RevocationEntry = ({ person: string } | { certificate: string }) & { effective: string; reason: string; frozen: string[] };

/** The revocations with these entries appended (a revocation is never removed: Trust model 10). */
export function withRevocations(revocations: Uint8Array, now: Date, entries: readonly RevocationEntry[]): Record<string, unknown> {
  return nextVersion(revocations, now, (p) => {
    p.revoked = [...(Array.isArray(p.revoked) ? (p.revoked as unknown[]) : []), ...entries];
  });
}

/**
 * The default policy (the security administrators change it later by signing
 * a new version): 信息公开 needs the department that wrote it and the office;
 * a sub-site's news one approver of that sub-site; everything else one
 * approver of the entry's site and department ("each department answers for
 * its columns").
 */
export function defaultPolicy(group: SiteGroup, signedAt: string): Record<string, unknown> {
  const rules: Record<string, unknown>[] = [];
  const xxgk = group.categories.find((c) => c.name === '信息公开');
  if (xxgk) {
    rules.push({
      match: { categories: [xxgk.id] },
      require: [
        { role: 'approver', count: 1, sameDepartment: true, sameSite: true },
        { role: 'office-approver', count: 1, sameDepartment: false, sameSite: false },
      ],
    });
  }
  const news = [...group.columns.values()].filter((c) => c.type === 'news').map((c) => c.id);
  if (news.length > 0) rules.push({ match: { siteKinds: ['sub'], columns: news }, require: [{ role: 'approver', count: 1, sameDepartment: false, sameSite: true }] });
  return { type: 'policy', version: 1, signedAt, rules, default: { require: [{ role: 'approver', count: 1, sameDepartment: true, sameSite: true }] } };
}
