/**
 * Column governance. Every sub-site keeps the group's unified column tree
 * (sites/group.yaml); it adds, drops or renames a column only through a column
 * change request signed by the office (column-change.ts). Here, pure:
 *
 *   verifyColumnChanges  each request against the trust material: one
 *                        signature, over the stored bytes, by a certificate the
 *                        group CA issued, valid and not revoked at signing,
 *                        listed in the roster under a person holding
 *                        `office-approver` for that site; the request in its
 *                        own site's folder, under its own id.
 *   governColumns        each sub-site's site.yaml against the tree and the
 *                        verified requests:
 *     add     (a column listed in `columns` and declared under `extraColumns`)
 *             usable only with an `add` request of the same definition; else
 *             its entries are refused (column-not-approved), naming the file
 *             the request should be in.
 *     drop    (a tree column the site leaves out) without a request: a warning
 *             (a missing column publishes nothing unsafe).
 *     rename  (`renameColumns`) without a request: the group's name is shown,
 *             with a warning.
 *
 * The main site carries the whole tree: it is the group's own portal, and the
 * tree is changed in sites/group.yaml (by the office, who owns both), so the
 * main site has no requests; the loader refuses added or renamed columns on
 * it, and a tree column it leaves out is a column-dropped warning no request
 * can clear.
 *
 * The result is an effective site group: the approved added columns join the
 * tree in their category and the site's columns, and approved names are given
 * per site (Site.columnNames). The gate validates and renders against it.
 */
import type { Text } from '../messages/text.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import type { Category, Column, Site, SiteGroup } from '../model/index.ts';
import type { RecordFile } from '../load/index.ts';
import { chainProblemText, eachSigned, keepByClock, openSingleSigned, signedRecordStanding, signingTimeProblem, type CertInfo, type Trust } from '../trust/index.ts';
import { CHANGES_DIR, COLUMN_CHANGE_PAYLOAD_TYPE, columnChangePath, defaultRequestId, readColumnChange, type ColumnAction, type ColumnChangePayload } from './column-change.ts';

export const OFFICE_ROLE = 'office-approver';

export interface VerifiedColumnChange {
  file: string;
  payload: ColumnChangePayload;
  cert: CertInfo;
  /** SHA-256 of the signed payload (what a revocation freezes). */
  digest: string;
  /** Frozen by every revocation of its signer: it survives the certificate's expiry. */
  frozen: boolean;
}

const REQUEST_FIX: Text = { zh: '删除该文件，请办公室审批人签署新的申请（`sealpress column request`）', en: 'remove it, and have an office approver sign a new request (`sealpress column request`)' };

const refusal = (file: string, why: Text, fix = REQUEST_FIX) =>
  diagnostic('column-change-invalid', 'error', file, undefined, { zh: `栏目变更申请无效：${why.zh}；不批准任何变更`, en: `the column change request is not valid: ${why.en}; it approves nothing` }, { fix });

/**
 * Verify the request files against the trust material and the clock. Pure.
 * A request has one signer, so the revocation and expiry rules of approval
 * records apply (trust/signer.ts revokedRecord, expiredUnfrozen): a revoked
 * or expired office key cannot back-date a request.
 */
export function verifyColumnChanges(records: readonly RecordFile[], trust: Trust | undefined, group: SiteGroup, now: Date): { changes: VerifiedColumnChange[]; diagnostics: Diagnostic[] } {
  const opened = openColumnChanges(records, trust, group);
  const clocked = keepByClock(opened.changes, now, REQUEST_FIX);
  return { changes: clocked.kept, diagnostics: [...opened.diagnostics, ...clocked.refused.map((r) => refusal(r.file, r.why, r.fix))] };
}

/** The request files against the trust material, without a clock (`keys revoke` freezes what this accepts). Pure. */
export function openColumnChanges(records: readonly RecordFile[], trust: Trust | undefined, group: SiteGroup): { changes: VerifiedColumnChange[]; diagnostics: Diagnostic[] } {
  const changes: VerifiedColumnChange[] = [];
  const diagnostics: Diagnostic[] = [];
  const refuse = (file: string, why: Text) => diagnostics.push(refusal(file, why));
  eachSigned(records, trust, (bytes) => openSingleSigned(bytes, COLUMN_CHANGE_PAYLOAD_TYPE, readColumnChange, { zh: '申请', en: 'the request' }), refuse, (file, opened, trust) => {
    const { cert } = opened;
    const p = opened.value;
    // Bound to its place: a request copied into another site's folder, or renamed, approves nothing.
    const expected = columnChangePath(p.site, p.id);
    if (file !== expected) {
      refuse(
        file,
        file.split('/')[2] !== p.site
          ? { zh: `这是站点 ${p.site} 的申请，不属于其所在文件夹的站点`, en: `it is a request for site ${p.site}, not for the site whose folder it is in` }
          : { zh: `这是申请 ${p.id}，应放在 ${expected}`, en: `it is request ${p.id}; it belongs at ${expected}` },
      );
      return;
    }
    const site = group.sites.get(p.site);
    if (!site) {
      refuse(file, { zh: `站点 ${p.site} 不属于本站群`, en: `site ${p.site} is not a site of the group` });
      return;
    }
    if (site.kind === 'main') {
      refuse(file, { zh: '主站本身承载站群栏目树；请改为修改 sites/group.yaml', en: 'the main site carries the group tree itself; change sites/group.yaml instead' });
      return;
    }
    const uid = cert.uid ?? '';
    if (p.signer !== uid) {
      refuse(file, { zh: `申请写明签署人为 ${p.signer}，实际由 ${uid || '未载明人员编号的证书'} 签署`, en: `it names ${p.signer} as signer but was signed by ${uid || 'a certificate without a person id'}` });
      return;
    }
    const chain = chainProblemText(cert, trust.anchor.cert);
    if (chain) {
      refuse(file, { zh: `签名证书：${chain.zh}`, en: `the signing certificate: ${chain.en}` });
      return;
    }
    const time = signingTimeProblem(cert, trust.anchor.cert, p.signedAtMs);
    if (time) {
      refuse(file, { zh: `签名证书：${time.zh}`, en: `the signing certificate: ${time.message}` });
      return;
    }
    const standing = signedRecordStanding(trust.revocationIndex, uid, cert.fingerprint, opened.payload, p.signedAt, p.signedAtMs);
    if (standing.problem) {
      refuse(file, { zh: `签名证书：${standing.problem.zh}`, en: `the signing certificate: ${standing.problem.en}` });
      return;
    }
    const person = trust.personByCertificate.get(cert.fingerprint);
    if (person?.id !== uid) {
      refuse(file, { zh: `名册中没有持有该证书的 ${cert.name ?? uid}`, en: `${cert.name ?? uid} is not in the roster with this certificate` });
      return;
    }
    const office = person.roles.some((g) => g.role === OFFICE_ROLE && (g.sites === '*' || g.sites.includes(p.site)));
    if (!office) {
      refuse(file, { zh: `${person.name}（${person.id}）不具有站点 ${p.site} 的 ${OFFICE_ROLE} 角色：栏目变更只能由办公室审批`, en: `${person.name} (${person.id}) does not hold the ${OFFICE_ROLE} role for site ${p.site}: only the office approves column changes` });
      return;
    }
    const inTree = group.columns.has(p.column);
    if (p.action === 'add' && inTree) {
      refuse(file, { zh: `申请新增的 ${p.column} 已是站群栏目树中的栏目`, en: `it adds ${p.column}, which is already a column of the group tree` });
      return;
    }
    if (p.action !== 'add' && !inTree) {
      refuse(file, { zh: `申请${p.action === 'drop' ? '删除' : '重命名'}的 ${p.column} 不是站群栏目树中的栏目`, en: `it ${p.action}s ${p.column}, which is not a column of the group tree` });
      return;
    }
    changes.push({ file, payload: p, cert, digest: standing.digest, frozen: standing.frozen });
  });
  return { changes, diagnostics };
}

/** What governance decided for one sub-site, for reports. */
export interface SiteColumnChanges {
  site: string;
  added: { column: Column; request?: string }[];
  dropped: { column: string; request?: string }[];
  renamed: { column: string; name: string; request?: string }[];
}

export interface ColumnGovernance {
  /** The site group as governed: approved added columns in the tree and the sites, approved names per site. */
  group: SiteGroup;
  /** Findings about the sites (drops, renames, added columns without a request), on their site.yaml. */
  diagnostics: Diagnostic[];
  /** Per sub-site: each change and the request that approves it (absent: none does). */
  sites: Map<string, SiteColumnChanges>;
  /**
   * An entry's findings after governance: an entry in an added column that no
   * request approves is refused with column-not-approved (in place of the
   * generic column-not-enabled).
   */
  review(entry: { path: string; site: string; column: string }, findings: Diagnostic[]): Diagnostic[];
}

const sameDefinition = (c: Column, d: ColumnChangePayload['definition']) =>
  !!d && d.name === c.name && d.type === c.type && d.category === c.category && (d.description ?? '') === (c.description ?? '');

/** Judge every site's columns against the tree and the verified requests. Pure. */
export function governColumns(group: SiteGroup, changes: readonly VerifiedColumnChange[]): ColumnGovernance {
  const diagnostics: Diagnostic[] = [];
  const sites = new Map<string, SiteColumnChanges>();
  const requestsOf = (site: string, action: ColumnAction, column: string) => changes.filter((c) => c.payload.site === site && c.payload.action === action && c.payload.column === column);
  const expectedPath = (site: string, action: ColumnAction, column: string) => columnChangePath(site, defaultRequestId(action, column));
  /** Site code → ids of its added columns that no request approves. */
  const unapproved = new Map<string, Set<string>>();
  const approvedExtra: Column[] = [];
  const effectiveSites: Site[] = [];
  const tree = [...group.columns.keys()];

  for (const site of group.sites.values()) {
    const at = (key: string) => site.positions?.[key] ?? site.positions?.['columns'];
    const state: SiteColumnChanges = { site: site.code, added: [], dropped: [], renamed: [] };
    const effective: Site = { ...site };
    const enabled = new Set(site.columns);
    for (const id of tree) {
      if (enabled.has(id)) continue;
      const column = group.columns.get(id)!;
      if (site.kind === 'main') {
        diagnostics.push(diagnostic('column-dropped', 'warning', site.source, at('columns'), { zh: `主站缺少栏目 ${column.name}（${id}）：主站须包含站群的全部栏目`, en: `the main site leaves out ${column.name} (${id}): the main site carries the group's whole column tree` }, { fix: { zh: '在 `columns` 中列出该栏目（或写 `columns: all`），或从 sites/group.yaml 中删除该栏目', en: 'list it in `columns` (or write `columns: all`), or remove the column from sites/group.yaml' } }));
        continue;
      }
      const request = requestsOf(site.code, 'drop', id)[0];
      state.dropped.push({ column: id, ...(request ? { request: request.file } : {}) });
      if (!request) {
        diagnostics.push(
          diagnostic('column-dropped', 'warning', site.source, at('columns'), { zh: `${site.name} 未开设站群栏目 ${column.name}（${id}），且没有办公室签署的栏目变更申请（应在 ${expectedPath(site.code, 'drop', id)}）`, en: `${site.name} leaves out the group column ${column.name} (${id}) without a column change request signed by the office (expected at ${expectedPath(site.code, 'drop', id)})` }, {
            fix: { zh: `在 \`columns\` 中列出 ${id}，或请办公室审批人签署删除申请：sealpress column request --site ${site.code} --drop ${id} --reason … --department …`, en: `list ${id} in \`columns\`, or have an office approver sign a drop request: sealpress column request --site ${site.code} --drop ${id} --reason … --department …` },
          }),
        );
      }
    }
    const missing = new Set<string>();
    for (const column of site.extraColumns ?? []) {
      const requests = requestsOf(site.code, 'add', column.id);
      const request = requests.find((r) => sameDefinition(column, r.payload.definition));
      state.added.push({ column, ...(request ? { request: request.file } : {}) });
      if (request) {
        approvedExtra.push(column);
        continue;
      }
      missing.add(column.id);
      const other = requests[0];
      diagnostics.push(
        diagnostic(
          'column-not-approved',
          'error',
          site.source,
          at(`extraColumns.${column.id}`),
          other
            ? { zh: `${site.name} 新增栏目 ${column.name}（${column.id}），但申请 ${other.file} 批准的是另一种定义（${other.payload.definition?.name}/${other.payload.definition?.type}/${other.payload.definition?.category}）：该栏目的条目不予发布`, en: `${site.name} adds the column ${column.name} (${column.id}), but the request ${other.file} approves another definition (${other.payload.definition?.name}/${other.payload.definition?.type}/${other.payload.definition?.category}): its entries are refused` }
            : { zh: `${site.name} 在站群栏目树中新增栏目 ${column.name}（${column.id}），但没有办公室签署的栏目变更申请（应在 ${expectedPath(site.code, 'add', column.id)}）：该栏目的条目不予发布`, en: `${site.name} adds the column ${column.name} (${column.id}) to the group tree without a column change request signed by the office (expected at ${expectedPath(site.code, 'add', column.id)}): its entries are refused` },
          { fix: { zh: `请办公室审批人按此定义签署新增申请：sealpress column request --site ${site.code} --add ${column.id} --name ${column.name} --type ${column.type} --category ${column.category} --reason … --department …`, en: `have an office approver sign an add request for this definition: sealpress column request --site ${site.code} --add ${column.id} --name ${column.name} --type ${column.type} --category ${column.category} --reason … --department …` } },
        ),
      );
    }
    if (missing.size > 0) unapproved.set(site.code, missing);
    const names: Record<string, string> = {};
    for (const [id, name] of Object.entries(site.renameColumns ?? {})) {
      const request = requestsOf(site.code, 'rename', id).find((r) => r.payload.name === name);
      state.renamed.push({ column: id, name, ...(request ? { request: request.file } : {}) });
      if (request) {
        names[id] = name;
        continue;
      }
      const groupName = group.columns.get(id)?.name ?? id;
      diagnostics.push(
        diagnostic('column-rename-not-approved', 'warning', site.source, at(`renameColumns.${id}`), { zh: `${site.name} 将 ${groupName}（${id}）改名为 ${name}，但没有办公室签署的栏目变更申请（应在 ${expectedPath(site.code, 'rename', id)}）：仍显示站群名称 ${groupName}`, en: `${site.name} renames ${groupName} (${id}) to ${name} without a column change request signed by the office (expected at ${expectedPath(site.code, 'rename', id)}): the group's name ${groupName} is shown` }, {
          fix: { zh: `请办公室审批人签署重命名申请（sealpress column request --site ${site.code} --rename ${id} --name ${name} …），或取消重命名`, en: `have an office approver sign a rename request (sealpress column request --site ${site.code} --rename ${id} --name ${name} …), or remove the rename` },
        }),
      );
    }
    if (Object.keys(names).length > 0) effective.columnNames = names;
    if (site.kind === 'sub') sites.set(site.code, state);
    effectiveSites.push(effective);
  }

  // The approved added columns join the tree after their category's own columns; one id is one column group-wide (the loader checks).
  const seen = new Set<string>();
  const categories: Category[] = group.categories.map((c) => {
    const extra = approvedExtra.filter((x) => x.category === c.id && !seen.has(x.id) && seen.add(x.id));
    return extra.length ? { ...c, columns: [...c.columns, ...extra] } : c;
  });
  // Declared added columns are known to validation (so an entry in one is refused for the missing request, not as an unknown column).
  const columns = new Map(group.columns);
  for (const site of group.sites.values()) for (const c of site.extraColumns ?? []) if (!columns.has(c.id)) columns.set(c.id, c);
  const order = categories.flatMap((c) => c.columns.map((col) => col.id));
  const effectiveGroup: SiteGroup = { ...group, categories, columns, sites: new Map() };
  for (const site of effectiveSites) {
    const approved = new Set((sites.get(site.code)?.added ?? []).filter((a) => a.request).map((a) => a.column.id));
    effectiveGroup.sites.set(site.code, { ...site, columns: order.filter((id) => site.columns.includes(id) || approved.has(id)) });
  }

  return {
    group: effectiveGroup,
    diagnostics,
    sites,
    review(entry, findings) {
      if (!unapproved.get(entry.site)?.has(entry.column)) return findings;
      const site = group.sites.get(entry.site)!;
      const column = columns.get(entry.column)!;
      return [
        ...findings.filter((f) => f.rule !== 'column-not-enabled'),
        diagnostic('column-not-approved', 'error', entry.path, undefined, { zh: `栏目 ${column.name}（${column.id}）由 ${site.name} 加入站群栏目树，但没有办公室签署的栏目变更申请：${expectedPath(site.code, 'add', column.id)} 处没有有效申请`, en: `column ${column.name} (${column.id}) is added by ${site.name} to the group tree without a column change request signed by the office: no valid request at ${expectedPath(site.code, 'add', column.id)}` }, {
          fix: { zh: `请办公室审批人签署申请（sealpress column request --site ${site.code} --add ${column.id} …）并提交到 ${CHANGES_DIR}/${site.code}/，或将条目移到站群栏目树中的栏目`, en: `have an office approver sign it (sealpress column request --site ${site.code} --add ${column.id} …) and commit it under ${CHANGES_DIR}/${site.code}/, or move the entry into a column of the group tree` },
        }),
      ];
    },
  };
}
