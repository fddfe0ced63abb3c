import type { Severity } from './diagnostic.ts';

/**
 * The gate's rule catalogue. Every diagnostic the gate emits names one of these
 * ids; the README's rule table is generated from the same list.
 */
export interface RuleInfo {
  id: string;
  severity: Severity;
  /** Which stage raises it. */
  stage: 'load' | 'parse' | 'validate' | 'check' | 'approve' | 'plan' | 'govern';
  description: string;
  /** What to do, when one answer fits every case (the diagnostic's own fix is more precise). */
  fix?: string;
  /** The description in Chinese (SARIF's rule text when the run is in Chinese). */
  zh: { description: string };
}

export const RULES = [
  { id: 'config-invalid', severity: 'error', stage: 'load', description: 'A file under sites/ is missing, not well-formed YAML, or breaks the site-group schema.', zh: { description: 'sites/ 下的文件缺失、不是格式正确的 YAML，或不符合站群配置格式。' } },
  { id: 'path-hostile', severity: 'error', stage: 'load', description: 'A symlink, `..` or other path under content/ leads outside the repository or is not a plain file.', zh: { description: 'content/ 下的符号链接、`..` 或其他路径指向仓库之外，或不是普通文件。' } },
  { id: 'path-layout', severity: 'error', stage: 'load', description: 'An entry is not at content/<site>/<column>/<slug>.md|.mdx, or its slug is not lower-case ASCII.', zh: { description: '条目不在 content/<站点>/<栏目>/<slug>.md|.mdx，或其 slug 不是小写英文字母和数字。' } },
  { id: 'file-too-large', severity: 'error', stage: 'load', description: 'An entry or asset is larger than the configured limit.', zh: { description: '条目或附件超过配置的大小上限。' } },
  { id: 'encoding-invalid', severity: 'error', stage: 'parse', description: 'An entry is not valid UTF-8 (or has a NUL byte).', zh: { description: '条目不是有效的 UTF-8（或含有 NUL 字节）。' } },
  { id: 'frontmatter-missing', severity: 'error', stage: 'parse', description: 'An entry does not start with a `---` YAML front-matter block.', zh: { description: '条目没有以 `---` YAML 前置信息块开头。' } },
  { id: 'frontmatter-engine', severity: 'error', stage: 'parse', description: 'Front matter declares a language other than YAML (`---js`, `---coffee`…); it is refused, never executed.', zh: { description: '前置信息声明了 YAML 以外的语言（`---js`、`---coffee`……）；予以拒绝，绝不执行。' } },
  { id: 'frontmatter-yaml', severity: 'error', stage: 'parse', description: 'Front matter is not well-formed YAML.', zh: { description: '前置信息不是格式正确的 YAML。' } },
  { id: 'body-syntax', severity: 'error', stage: 'parse', description: 'The Markdown/MDX body cannot be parsed.', zh: { description: '无法解析 Markdown/MDX 正文。' } },
  { id: 'frontmatter-invalid', severity: 'error', stage: 'validate', description: 'A front-matter field is missing or has the wrong type or format.', zh: { description: '前置信息字段缺失，或类型、格式有误。' } },
  { id: 'frontmatter-unknown-field', severity: 'error', stage: 'validate', description: 'Front matter has a field the schema does not know (often a typo).', zh: { description: '前置信息中有格式不认识的字段（通常是拼写错误）。' } },
  { id: 'site-unknown', severity: 'error', stage: 'validate', description: 'The entry\'s site folder is not a site of the group.', zh: { description: '条目所在的站点文件夹不是本站群的站点。' } },
  { id: 'column-unknown', severity: 'error', stage: 'validate', description: 'The entry\'s column folder is not in the group\'s column tree.', zh: { description: '条目所在的栏目文件夹不在站群栏目树中。' } },
  { id: 'column-not-enabled', severity: 'error', stage: 'validate', description: 'The column exists in the group but is not enabled for this sub-site.', zh: { description: '该栏目在站群中存在，但本子站未开设。' } },
  { id: 'department-unknown', severity: 'error', stage: 'validate', description: 'The department is not one of the site\'s departments.', zh: { description: '部门不是本站点的部门之一。' } },
  { id: 'disclosure-withheld', severity: 'error', stage: 'validate', description: 'The entry is marked 不予公开 (not to be disclosed) and can never be published.', zh: { description: '条目标注为“不予公开”，一律不得发布。' } },
  { id: 'disclosure-on-request', severity: 'error', stage: 'validate', description: 'The entry is marked 依申请公开 (disclosed on request only); only 主动公开 entries go on the portal.', zh: { description: '条目标注为“依申请公开”；门户网站只发布“主动公开”的条目。' } },
  { id: 'date-order', severity: 'error', stage: 'validate', description: 'Dates contradict each other (unpublishAt before publishAt, answer before question).', zh: { description: '日期相互矛盾（下线时间早于发布时间、答复早于提问）。' } },
  { id: 'asset-missing', severity: 'error', stage: 'validate', description: 'An image or attachment the entry references does not exist.', zh: { description: '条目引用的图片或附件不存在。' } },
  { id: 'asset-hostile', severity: 'error', stage: 'validate', description: 'An asset reference leads outside the entry\'s site folder, or is a symlink.', zh: { description: '附件引用指向条目所在站点文件夹之外，或是符号链接。' } },
  { id: 'mdx-esm', severity: 'error', stage: 'validate', description: 'An MDX entry has import/export statements; they would run code at build time.', zh: { description: 'MDX 条目含有 import/export 语句；它们会在构建时执行代码。' } },
  { id: 'mdx-expression', severity: 'error', stage: 'validate', description: 'An MDX entry has a JavaScript expression; only literal props of the allowed components are accepted.', zh: { description: 'MDX 条目含有 JavaScript 表达式；只接受允许使用的组件的字面属性。' } },
  { id: 'mdx-component-unknown', severity: 'error', stage: 'validate', description: 'An MDX entry uses a component or HTML element that the theme does not provide.', zh: { description: 'MDX 条目使用了主题未提供的组件或 HTML 元素。' } },
  { id: 'html-active', severity: 'error', stage: 'validate', description: 'Raw HTML with scripts, frames, forms, event handlers (`on…` in any case), `srcdoc`, or an inline style that loads or runs anything (`url(`, `expression(`, `@import`); pages carry no active content. Judged on the HTML as a browser parses it, by the renderer\'s own judge.', zh: { description: '原始 HTML 含有脚本、框架、表单、事件处理属性（任意大小写的 `on…`）、`srcdoc`，或会加载、运行内容的内联样式（`url(`、`expression(`、`@import`）；页面不得含有活动内容。按浏览器解析 HTML 的方式，由渲染器自己的判定程序判定。' } },
  { id: 'url-scheme', severity: 'error', stage: 'validate', description: 'A link, image, definition or URL attribute (`href`, `src`, `action`, `formaction`, `srcset`, `poster`, `data`, `xlink:href`…) whose scheme, as a browser parses it (character references decoded, leading C0 controls and spaces stripped, tabs and newlines removed, any case), is not http:, https:, mailto: or tel: (`javascript:`, `vbscript:`, `data:`, `file:`, `blob:`…).', fix: 'link to an http(s) page, or to a file of the entry with a relative path', zh: { description: '链接、图片、定义或网址属性（`href`、`src`、`action`、`formaction`、`srcset`、`poster`、`data`、`xlink:href`……）按浏览器解析后的协议不是 http:、https:、mailto: 或 tel:（`javascript:`、`vbscript:`、`data:`、`file:`、`blob:`……）。' } },
  { id: 'asset-active', severity: 'error', stage: 'validate', description: 'An image, attachment or linked file that a browser would run as a page or a script if the site served it (`.html`, `.svg`, `.xml`, `.js`, `.swf`… in any extension of its name, or markup where its content starts, whatever its name): it would be a page on the portal\'s own origin that nobody approved as one.', fix: 'convert it to PDF (or a PNG/JPEG image), or link to the official source over https', zh: { description: '图片、附件或链接的文件若由本站提供，浏览器会将其作为网页或脚本运行（文件名任一扩展名为 `.html`、`.svg`、`.xml`、`.js`、`.swf`……，或内容以标记语言开头）：它将成为门户网站自身来源下一个未经审批的页面。' } },
  { id: 'slug-duplicate', severity: 'error', stage: 'validate', description: 'Two entries in one column share a slug (for instance x.md and x.mdx).', zh: { description: '同一栏目中两个条目使用相同的 slug（例如 x.md 与 x.mdx）。' } },
  { id: 'trust-invalid', severity: 'error', stage: 'approve', description: 'The trust material (CA, root, roster, policy, revocations) is missing, malformed, or not signed as the root requires: every entry is refused.', zh: { description: '信任材料（CA、根文件、人员名册、审批规则、吊销清单）缺失、格式有误，或未按根文件要求签署：所有条目均不予发布。' } },
  { id: 'trust-warning', severity: 'warning', stage: 'approve', description: 'The trust material verifies but deserves attention: an unpinned CA, a certificate about to expire, a weak threshold.', zh: { description: '信任材料通过核验，但需要注意：CA 未固定、证书即将到期、门限过低。' } },
  { id: 'waiver-invalid', severity: 'error', stage: 'check', description: 'A waiver record is malformed, forged, or not signed by a security administrator of the roster; it waives nothing.', zh: { description: '豁免记录格式有误、系伪造，或不是由名册中的保密管理员签署；不豁免任何问题。' } },
  { id: 'waiver-unused', severity: 'warning', stage: 'check', description: 'A waiver covers no current finding (the file or the value changed): it no longer applies.', zh: { description: '豁免没有对应的现有问题（文件或相关内容已变化）：已不再适用。' } },
  { id: 'approval-invalid', severity: 'error', stage: 'approve', description: 'An approval or submission record for this entry is forged, tampered, malformed, signed by an uncertified, expired or revoked key, or out of scope (a submission by someone without a writer grant for it), or the approval is a self-approval: its signer submitted a version of the entry, or the author field names them.', zh: { description: '该条目的审批或提交记录系伪造、被篡改、格式有误，或由未经认证、已到期或已吊销的密钥签署，或超出权限（无撰稿权限者提交），或属于自我审批：签名人提交过该条目的某个版本，或作者字段写的是其本人。' } },
  { id: 'approval-stale', severity: 'error', stage: 'approve', description: 'The entry or one of its assets changed after it was approved.', zh: { description: '条目或其附件在审批后有改动。' } },
  { id: 'approval-pending', severity: 'info', stage: 'approve', description: 'The entry awaits approval: no record yet, or not enough distinct entitled approvers.', zh: { description: '条目等待审批：尚无记录，或有权审批的不同审批人人数不足。' } },
  { id: 'approval-rejected', severity: 'warning', stage: 'approve', description: 'An approver rejected (驳回) the current version with a signed reason: it is not published until the writer changes it and it is approved, or the same approver approves these bytes after all.', fix: 'read the reason, change the entry, then submit it again (`sealpress submit`)', zh: { description: '审批人已签署驳回当前版本并说明理由：在撰稿人修改并重新获得审批之前，或同一审批人事后批准这一版本之前，条目不予发布。' } },
  { id: 'submission-pending', severity: 'info', stage: 'approve', description: 'No writer has submitted the current version: nobody with a writer grant for it signed these bytes (`sealpress submit`), or the entry or an asset changed after the last submission. Authorship is proven by that signature, not by the author field.', fix: 'the writer signs the current version with `sealpress submit <file>`', zh: { description: '当前版本尚无撰稿人提交：没有具有撰稿权限的人签署这些内容（`sealpress submit`），或条目、附件在最近一次提交后有改动。作者身份以该签名为证，而不是作者字段。' } },
  { id: 'withdrawn', severity: 'info', stage: 'approve', description: 'A signed withdrawal takes the entry off the sites; the record is kept.', zh: { description: '已签署的撤下记录使该条目从网站下线；记录予以保留。' } },
  { id: 'embargoed', severity: 'info', stage: 'plan', description: 'publishAt is in the future: the entry is pending until then.', zh: { description: 'publishAt 晚于当前时间：在此之前条目待发布。' } },
  { id: 'unpublished', severity: 'info', stage: 'plan', description: 'unpublishAt has passed: the entry is taken off the site.', zh: { description: 'unpublishAt 已过：条目已从网站下线。' } },
  { id: 'column-not-approved', severity: 'error', stage: 'govern', description: 'The entry is in a column its sub-site adds to the group tree (extraColumns) without a valid column change request signed by the office.', fix: 'have an office approver sign an `add` request (`sealpress column request --site CODE --add ID …`) into sites/_changes/<site>/, or move the entry into a column of the group tree', zh: { description: '条目所在的栏目是其子站加入站群栏目树的（extraColumns），但没有办公室签署的有效栏目变更申请。' } },
  { id: 'column-dropped', severity: 'warning', stage: 'govern', description: 'A sub-site leaves out a column of the group tree without a signed `drop` request (the main site carries the whole tree).', fix: 'list the column in the site\'s `columns`, or have an office approver sign a `drop` request', zh: { description: '子站未开设站群栏目树中的某个栏目，且没有已签署的 `drop` 申请（主站须包含全部栏目）。' } },
  { id: 'column-rename-not-approved', severity: 'warning', stage: 'govern', description: 'A sub-site renames a group column (renameColumns) without a signed `rename` request: the group\'s name is shown.', fix: 'have an office approver sign a `rename` request, or remove the rename', zh: { description: '子站重命名了站群栏目（renameColumns），但没有已签署的 `rename` 申请：仍显示站群名称。' } },
  { id: 'column-change-invalid', severity: 'error', stage: 'govern', description: 'A column change request under sites/_changes/ is malformed, forged, for another site, or not signed by an office approver of the roster; it approves nothing.', fix: 'remove it and have an office approver sign a new one (`sealpress column request`)', zh: { description: 'sites/_changes/ 下的栏目变更申请格式有误、系伪造、属于其他站点，或不是由名册中的办公室审批人签署；不批准任何变更。' } },
  { id: 'admin-filing-late', severity: 'warning', stage: 'govern', description: 'A site administrator\'s appointment was filed (or is still unfiled) more than 15 working days after it, by the Chinese working calendar with its adjusted working weekends.', fix: 'file the appointment with the office; record the filing date in site.yaml', zh: { description: '站点管理员的任命在任命后超过 15 个工作日才备案（或至今未备案），工作日按含调休的中国工作日历计算。' } },
  { id: 'admin-calendar-unknown', severity: 'error', stage: 'govern', description: 'An administrator\'s dates reach a year the working-day calendar (npm chinese-days and sites/calendar/<year>.yaml) has no holiday arrangement for, and the answer depends on it: the working days cannot be counted, and are not guessed.', fix: 'add sites/calendar/<year>.yaml with that year\'s State Council holiday arrangement (format: sites/calendar/README.md), or correct it if it is invalid', zh: { description: '管理员的日期涉及工作日历（npm chinese-days 和 sites/calendar/<year>.yaml）没有放假安排的年份，且结论取决于该年：无法计算工作日，也不作推测。' } },
  { id: 'calendar-invalid', severity: 'error', stage: 'govern', description: 'A working-day calendar file under sites/calendar/ is misnamed, not well-formed YAML, or breaks its format (dates that are not real or outside the year, a working day that is not a weekend, overlapping holidays, no notice number): its year is not covered, so counts that need it are unknown.', fix: 'correct the file as sites/calendar/README.md describes', zh: { description: 'sites/calendar/ 下的工作日历文件命名有误、不是格式正确的 YAML，或不符合格式（日期无效或不在该年内、调休上班日不是周末、节假日重叠、缺少通知文号）：该年未覆盖，需要该年的计算结果不详。' } },
] as const satisfies readonly RuleInfo[];

export type RuleId = (typeof RULES)[number]['id'];

const byId = new Map<string, RuleInfo>(RULES.map((r) => [r.id, r]));

export function ruleInfo(id: string): RuleInfo | undefined {
  return byId.get(id);
}
