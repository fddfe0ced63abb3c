/**
 * The check stage's rule catalogue: one entry per rule id, with its severity,
 * what it enforces, how a writer fixes it, and examples that must fire and
 * must pass (each example runs as a test, test/check/rules.test.ts, against
 * the demo configuration test/check/demo-checks.yaml).
 *
 * Examples are entry texts (`input: 'entry'`, front matter optional) or
 * attachments written `name;base64,<bytes>` (`input: 'attachment'`).
 *
 * The shape matches the gate's RuleInfo (id, severity, stage, description), so
 * the gate's catalogue can take these entries as they are.
 */
import type { Severity } from '../diagnostics/index.ts';
import type { Text } from '../messages/text.ts';

/** Built at run time, so no source file holds text that looks like a committed private key. */
const PK = ['PRIVATE', 'KEY'].join(' ');

export interface CheckRule {
  id: string;
  severity: Severity;
  stage: 'check';
  /** What is refused and which rule of the regulation it enforces. */
  description: string;
  /** What the writer does about it (English). */
  fix: string;
  /** The description and the fix in Chinese, what the writer reads by default. */
  zh: { fix: string; description: string };
  input: 'entry' | 'attachment';
  examples: { fire: readonly string[]; pass: readonly string[] };
}

export const CHECK_RULES = [
  {
    id: 'secret-marking',
    severity: 'error',
    stage: 'check',
    description: 'A state-secret classification marking (绝密/机密/秘密 with ★ and a period, 密级：…): a classified document must never reach the portal.',
    fix: 'take the entry out of content/ and report it to the security administrator; a classified document is never published, even with the marking removed',
    zh: { fix: '将该条目移出 content/ 并报告保密管理员；涉密文件即使删去密级标志也一律不得公开', description: '国家秘密密级标志（绝密/机密/秘密 加 ★ 及保密期限、密级：……）：涉密文件一律不得进入门户网站。' },
    input: 'entry',
    examples: {
      fire: [
        '机密★5年\n\n关于……的通知',
        '# 秘密★\n',
        '绝密★长期',
        '秘 密 ★ 1 年',
        '机密☆10年',
        '秘密*6个月',
        '<!-- 机密★5年 -->\n正文',
        '**机**密★5年',
        '密级：秘密',
        '【机密】',
      ],
      pass: [
        '保守国家秘密是公民的义务。',
        '依法保护纳税人的商业秘密和个人隐私。',
        '**商业秘密**受法律保护。',
        '《中华人民共和国保守国家秘密法》第二十八条',
        '不得泄露工作中知悉的秘密。',
        '本次评价为五星★★★★★。',
      ],
    },
  },
  {
    id: 'internal-marking',
    severity: 'error',
    stage: 'check',
    description: 'An internal-document marking (内部资料, 注意保存, 内部使用, 工作秘密, 不得外传, 内部明电, 仅供内部参考…): internal documents and non-public matters are not published.',
    fix: 'if the document is internal, take it out of content/; if it has been approved for release, remove the internal marking from the published copy',
    zh: { fix: '属于内部文件的，移出 content/；已批准公开的，在公开文本中删去内部标志', description: '内部文件标志（内部资料、注意保存、内部使用、工作秘密、不得外传、内部明电、仅供内部参考……）：内部文件和不宜公开的事项不予发布。' },
    input: 'entry',
    examples: {
      fire: [
        '内部资料 注意保存\n\n一、工作安排',
        '（内部明电）',
        '本文件仅供内部参考，请勿外传。',
        '工作秘密\n\n关于……',
        '## 内部文件\n',
        '<!-- 内部使用 -->',
        '**内部资料**，不得外传',
      ],
      pass: [
        '公务员应当保守国家秘密和工作秘密。',
        '请纳税人注意保存好完税凭证。',
        '根据《内部资料性出版物管理办法》规定……',
        '优化税务机关内部文件流转程序。',
        '仅供纳税人参考。',
      ],
    },
  },
  {
    id: 'draft-marking',
    severity: 'warning',
    stage: 'check',
    description: 'A draft marking (征求意见稿, 送审稿, 讨论稿…) outside a book-title mark: a draft is published only for public consultation; anything else goes back to review.',
    fix: 'publish the final version; a draft belongs only in the 意见征集 column, attached to its consultation notice',
    zh: { fix: '发布正式文本；草案只能在“意见征集”栏目随征求意见公告发布', description: '书名号之外的草案标志（征求意见稿、送审稿、讨论稿……）：草案只在公开征求意见时发布，其他情况退回审核。' },
    input: 'entry',
    examples: {
      fire: ['（征求意见稿）\n\n第一条 为规范……', '示例省税务系统办税服务厅服务规范（送审稿）', '## 讨论稿\n'],
      pass: ['关于《示例省办税服务厅服务规范（征求意见稿）》公开征求意见的通知', '征求意见稿共六章十二条。', '点击“保存草稿”按钮。'],
    },
  },
  {
    id: 'personal-id',
    severity: 'error',
    stage: 'check',
    description: 'A resident identity card number (GB 11643: region, birth date, MOD 11-2 check character; or a 15-digit first-generation number next to 身份证): personal data of a citizen.',
    fix: 'remove it or mask its middle digits (1101**********002X); where the law requires publishing it (a tax-arrears notice), a security administrator signs a waiver for it',
    zh: { fix: '删除或对中间位打码（1101**********002X）；法律要求公开的（如欠税公告），由保密管理员签署豁免', description: '居民身份证号码（GB 11643：地址码、出生日期、MOD 11-2 校验码；或身份证字样旁的 15 位第一代号码）：属于公民个人信息。' },
    input: 'entry',
    examples: {
      fire: [
        '身份证号码：11010519491231002X',
        '纳税人 11010519491231002x 欠税',
        '１１０１０５１９４９１２３１００２Ｘ',
        '110105 19491231 002X',
        '1101\u200B0519\u200B4912\u200B3100\u200B2X',
        '11010519**491231**002X',
        '<!-- 320582198506152718 -->',
        '身份证：110105491231002',
        '---\ntitle: 通知\nauthor: "44030419900307123X"\n---\n',
      ],
      pass: [
        '身份证号码：110105********002X',
        '11010519491231002Y',
        '11010519491231003X',
        '统一社会信用代码：91110000100000589B',
        '发票号码：24442000000012345678',
        '税务登记号：440301192834567',
      ],
    },
  },
  {
    id: 'personal-mobile',
    severity: 'error',
    stage: 'check',
    description: 'A mobile phone number of the current numbering plan (13x, 145-149, 15x, 162/165-167, 170-178, 18x, 19x; +86 allowed) that is not a published number of the group.',
    fix: 'remove it or mask it (138****5678); publish an office number instead, or add a number that is public by nature to publicPhones in sites/checks.yaml',
    zh: { fix: '删除或打码（138****5678）；改为公布办公电话，或将本身公开的号码加入 sites/checks.yaml 的 publicPhones', description: '现行号段的手机号码（13x、145-149、15x、162/165-167、170-178、18x、19x；可带 +86），且不是本站群公布的号码。' },
    input: 'entry',
    examples: {
      fire: ['联系人：张先生，电话13812345678', '+86 139 1234 5678', '手机：１５９－１２３４－５６７８', '<span>138</span>1234<b>5678</b>', '[联系我们](tel:13612345678 "13612345678")'],
      pass: ['咨询电话：12366', '联系电话：0999-12366', '手机：138****5678', '流动办税服务车：13900001234', '编号 12012345678', '文件编号12345678901'],
    },
  },
  {
    id: 'personal-bankcard',
    severity: 'error',
    stage: 'check',
    description: 'A payment card number (13-19 digits, a known issuer prefix, Luhn check digit) next to 卡号/银行卡/账号 or written in groups of four.',
    fix: 'remove it or mask it (6222 **** **** 0128)',
    zh: { fix: '删除或打码（6222 **** **** 0128）', description: '银行卡号（13-19 位、已知发卡行前缀、Luhn 校验位），位于卡号/银行卡/账号旁或按四位一组书写。' },
    input: 'entry',
    examples: {
      fire: ['银行卡号：6222021234567890128', '6222 0212 3456 7890 128', '退税账户 6217-0000-1000-0000-003', '卡号 ６２２８４８００１２３４５６７１'],
      pass: ['银行卡号：6222 **** **** 0128', '卡号：6222021234567890127', '序号6222021234567890128'],
    },
  },
  {
    id: 'personal-passport',
    severity: 'error',
    stage: 'check',
    description: 'A passport or travel-permit number (E/G + 8 digits, 港澳通行证 C…, 台湾通行证 L/T…, 回乡证 H/M…, 台胞证) next to its keyword.',
    fix: 'remove it or mask it (E12****78)',
    zh: { fix: '删除或打码（E12****78）', description: '护照或通行证号码（E/G 加 8 位数字、港澳通行证 C…、台湾通行证 L/T…、回乡证 H/M…、台胞证），位于相应关键词旁。' },
    input: 'entry',
    examples: {
      fire: ['护照号码：E12345678', '港澳通行证 C12345678', '往来台湾通行证号码：L12345678', 'Passport No. EA1234567', '回乡证：H1234567801'],
      pass: ['护照号码：E1234****', '型号E12345678的设备', '办理港澳通行证的流程'],
    },
  },
  {
    id: 'personal-email',
    severity: 'error',
    stage: 'check',
    description: 'An e-mail address outside the group\'s public mail domains (a free-mail or any other private address).',
    fix: 'remove it, or publish the office mailbox on a domain listed in publicEmailDomains',
    zh: { fix: '删除，或改为公布 publicEmailDomains 所列域名下的单位邮箱', description: '本站群公开邮箱域名之外的电子邮箱（免费邮箱或其他个人邮箱）。' },
    input: 'entry',
    examples: {
      fire: ['联系邮箱：zhangsan@qq.com', 'wang.li@gmail.com', 'li_si＠163．com', 'zhao[at]126.com', 'contact@example-company.com'],
      pass: ['邮箱：nsfw@tax.example.gov.cn', '12366@chinatax.gov.cn', '邮箱：zh***@qq.com'],
    },
  },
  {
    id: 'personal-account',
    severity: 'error',
    stage: 'check',
    description: 'A bank account number next to 账号/户名/开户行 (not a card number, not a published organisational account).',
    fix: 'remove it or mask it; add an organisation\'s published account to publicAccounts in sites/checks.yaml',
    zh: { fix: '删除或打码；单位已公开的账户加入 sites/checks.yaml 的 publicAccounts', description: '账号/户名/开户行旁的银行账号（不是卡号，也不是已公开的单位账户）。' },
    input: 'entry',
    examples: {
      fire: ['户名：张三 开户行：示例银行中山路支行 账号：1234 5678 9012 345', '收款账号：310066771018000123456'],
      pass: ['通过账号密码登录电子税务局。', '账户余额1,234,567.89元', '开户行行号：102100099996', '账号：**** **** 3456', '国库账号：270100100010000001'],
    },
  },
  {
    id: 'secret-private-key',
    severity: 'error',
    stage: 'check',
    description: 'Private key material (PEM `-----BEGIN … PRIVATE KEY-----`, PuTTY, or a bare PKCS#1/#8 key body): secrets never enter the repository (Trust model 8).',
    fix: 'delete the key from the repository (and its history) and have the key owner revoke and replace it',
    zh: { fix: '从仓库（及其历史）中删除该密钥，并由密钥持有人吊销、更换', description: '私钥内容（PEM `-----BEGIN … PRIVATE KEY-----`、PuTTY，或裸的 PKCS#1/#8 密钥正文）：密钥一律不得进入仓库（信任模型第 8 条）。' },
    input: 'entry',
    examples: {
      fire: ['-----BEGIN ' + PK + '-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END ' + PK + '-----', '-----BEGIN ENCRYPTED ' + PK + '-----', '-----BEGIN OPENSSH ' + PK + '-----', 'MIIEpAIBAAKCAQEAx7'],
      pass: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', '-----BEGIN PUBLIC KEY-----', '请妥善保管私钥。'],
    },
  },
  {
    id: 'secret-password',
    severity: 'error',
    stage: 'check',
    description: 'A password written out (密码：…, password=…, credentials in a URL).',
    fix: 'remove the password and change it: a password that was in the repository is no longer secret',
    zh: { fix: '删除密码并立即修改：进入过仓库的密码已不再保密', description: '写明的密码（密码：……、password=……、网址中的用户名和密码）。' },
    input: 'entry',
    examples: {
      fire: ['初始密码：Tax@2026', 'password=changeme', '"passwd": "s3cr3t!"', 'ftp://admin:Qw3rty@files.example.com/', '口令: abcd1234'],
      pass: ['通过账号密码登录电子税务局', '密码：请输入6至20位字母和数字', '密码：******', '初始密码为身份证号码后六位', 'password: <your password>', '设置密码：6-20位'],
    },
  },
  {
    id: 'secret-token',
    severity: 'error',
    stage: 'check',
    description: 'An access token or API key (AWS AKIA…, GitHub ghp_…, Slack xox…, sk-…, Google AIza…, Alibaba Cloud LTAI…, Tencent Cloud AKID…, a JWT eyJ….eyJ….…).',
    fix: 'remove it and revoke the token with its issuer',
    zh: { fix: '删除，并向签发方吊销该令牌', description: '访问令牌或 API 密钥（AWS AKIA…、GitHub ghp_…、Slack xox…、sk-…、Google AIza…、阿里云 LTAI…、腾讯云 AKID…、JWT eyJ….eyJ….…）。' },
    input: 'entry',
    examples: {
      fire: ['AKIAIOSFODNN7EXAMPLE', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'xoxb-1234567890-abcdefghij', 'sk-proj-abcdefghijklmnopqrstuvwx', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'LTAI5tAbCdEfGhIjKlMn'],
      pass: ['task-management-system', '风险提示：请勿泄露验证码', 'AKIA'],
    },
  },
  {
    id: 'secret-internal-host',
    severity: 'error',
    stage: 'check',
    description: 'An internal host name (.local, .internal, .lan, .intranet, .corp, or a configured internal domain such as *.tax.intra) or a UNC path: the intranet is not published.',
    fix: 'remove the internal address; link to the public site instead',
    zh: { fix: '删除内网地址；改为链接到公开网站', description: '内网主机名（.local、.internal、.lan、.intranet、.corp，或配置的内网域名如 *.tax.intra）或 UNC 路径：内网不对外公开。' },
    input: 'entry',
    examples: {
      fire: ['访问 http://oa.tax.intra/notice 查看', 'files.internal', '\\\\fileserver\\share\\报表', 'nas.local'],
      pass: ['https://www.tax.example.gov.cn/', 'local government', 'user@example.local.gov.cn.example.com'],
    },
  },
  {
    id: 'secret-intranet-ip',
    severity: 'error',
    stage: 'check',
    description: 'A private or link-local IPv4 address (RFC 1918 10/8, 172.16/12, 192.168/16; 169.254/16): the intranet is not published.',
    fix: 'remove the internal address',
    zh: { fix: '删除内网地址', description: '私有或链路本地 IPv4 地址（RFC 1918 10/8、172.16/12、192.168/16；169.254/16）：内网不对外公开。' },
    input: 'entry',
    examples: {
      fire: ['服务器 192.168.1.10', 'http://10.12.0.5:8080/', '172.20.3.4', '１９２．１６８．０．１'],
      pass: ['版本 10.0.19041.1', '172.32.0.1', '8.8.8.8', '第10.1.2条'],
    },
  },
  {
    id: 'lexicon-term',
    severity: 'error',
    stage: 'check',
    description: 'A term of the group\'s sensitive-term lexicon (sites/checks.yaml); each term has its own severity and a note saying why.',
    fix: 'reword as the term\'s note says',
    zh: { fix: '按该词条的说明修改措辞', description: '本站群敏感词表（sites/checks.yaml）中的词条；每个词条有各自的严重程度和说明。' },
    input: 'entry',
    examples: {
      fire: ['坚决杜绝收“过头税”', '完成全年税收任务', '过 头 税'],
      pass: ['依法依规组织税费收入'],
    },
  },
  {
    id: 'reprint-incomplete',
    severity: 'error',
    stage: 'check',
    description: 'A `reprint` block that does not name the source, the original author, the original title, a traceable URL or publication, and the permission or licence (reprints respect copyright).',
    fix: 'complete the reprint block: source, author, title, url (or publication: 《报刊名》日期 版次), permission',
    zh: { fix: '补全转载信息块：source、author、title、url（或 publication：《报刊名》日期 版次）、permission', description: '`reprint` 信息块未注明来源、原作者、原标题、可追溯的网址或出版物，以及授权或许可（转载须尊重版权）。' },
    input: 'entry',
    examples: {
      fire: [
        '---\ntitle: t\nreprint:\n  source: 中国税务报\n  author: 杨帆\n  title: 示例\n---\n正文',
        '---\ntitle: t\nreprint:\n  source: 中国税务报\n  title: 示例\n  url: https://www.example.com/a.html\n  permission: 授权转载\n---\n',
        '---\ntitle: t\nreprint: 中国税务报\n---\n',
      ],
      pass: [
        '---\ntitle: t\nreprint:\n  source: 中国税务报\n  author: 杨帆\n  title: 示例\n  url: https://www.example.com/a.html\n  permission: 经中国税务报社书面授权转载\n---\n（本文转载自《中国税务报》）',
        '---\ntitle: t\nreprint:\n  source: 中国税务报\n  author: 杨帆\n  title: 示例\n  publication: 《中国税务报》2026年9月24日第3版\n  permission: 经书面授权转载\n---\n',
      ],
    },
  },
  {
    id: 'reprint-undeclared',
    severity: 'error',
    stage: 'check',
    description: 'The text says it is a reprint (转载自…, 本文转自…, 来源：<not the group>) but the entry has no `reprint` block (or names another source).',
    fix: 'add a reprint block (source, author, title, url or publication, permission); if the text is the group\'s own, name the group as the source',
    zh: { fix: '增加转载信息块（source、author、title、url 或 publication、permission）；属于本单位原创的，来源写本单位', description: '正文称为转载（转载自……、本文转自……、来源：<非本单位>），但条目没有 `reprint` 信息块（或写的是其他来源）。' },
    input: 'entry',
    examples: {
      fire: ['来源：新华社', '（本文转载自《经济日报》）', '本文转自：某某网', '文章来源：人民网'],
      pass: ['来源：国家税务总局示例省税务局', '数据来源：国家统计局', '可转自然人电子税务局办理。', '未经许可，不得转载。', '主要区别在于申报数据的来源。'],
    },
  },
  {
    id: 'image-credit-missing',
    severity: 'error',
    stage: 'check',
    description: 'An image that is not the group\'s own lacks its credit or licence: a front-matter image with a `credit` naming someone else but no `license` (or a licence without a credit), or a caption 图片来源/图源/供图 naming another source that no front-matter image credits with a licence.',
    fix: 'give the image both `credit` and `license` in the front matter (images: - src, alt, credit, license), or use the group\'s own photograph',
    zh: { fix: '在前置信息中为图片同时填写 `credit` 和 `license`（images: - src, alt, credit, license），或改用本单位拍摄的照片', description: '非本单位的图片缺少署名或授权：前置信息中的图片 `credit` 署名他人但没有 `license`（或有授权没有署名），或图片来源/图源/供图说明写的是其他来源，而前置信息中没有带此署名和授权的图片。' },
    input: 'entry',
    examples: {
      fire: [
        '---\ntitle: t\nimages:\n  - src: ./a/p.png\n    alt: 图\n    credit: 新华社\n---\n',
        '---\ntitle: t\nimages:\n  - src: ./a/p.png\n    alt: 图\n    license: CC BY 4.0\n---\n',
        '![会场](./a/p.png)\n\n图片来源：视觉中国',
      ],
      pass: [
        '---\ntitle: t\nimages:\n  - src: ./a/p.png\n    alt: 图\n    credit: 新华社\n    license: 经新华社授权使用\n---\n图片来源：新华社',
        '---\ntitle: t\nimages:\n  - src: ./a/p.png\n    alt: 图\n    credit: 示例省税务局\n---\n',
        '![会场](./a/p.png)\n\n图片来源：示例省税务局',
      ],
    },
  },
  {
    id: 'image-hotlink',
    severity: 'error',
    stage: 'check',
    description: 'An image or media file loaded from another server (an http(s), protocol-relative or data: URL): it is not bound to the approval and cannot be checked; it can change after approval.',
    fix: 'save the image in the entry\'s folder and reference it by a relative path (./<slug>/image.png)',
    zh: { fix: '将图片保存到条目所在文件夹，用相对路径引用（./<slug>/image.png）', description: '从其他服务器加载的图片或媒体文件（http(s)、协议相对或 data: 网址）：不受审批约束，无法检查，审批后仍可能被更换。' },
    input: 'entry',
    examples: {
      fire: ['![图](https://img.example.com/a.png)', '<img src="http://example.com/a.jpg" alt="x">', '<Figure src="//cdn.example.com/b.png" />', '![图][ref]\n\n[ref]: https://img.example.com/a.png', '<div style="background:url(https://x.example.com/bg.png)"></div>', '---\ntitle: t\nimages:\n  - src: https://img.example.com/a.png\n    alt: 图\n---\n'],
      pass: ['![图](./entry/a.png)', '[原文链接](https://www.example.com/a.html)', '<img src="./entry/a.png" alt="x">'],
    },
  },
  {
    id: 'image-metadata',
    severity: 'error',
    stage: 'check',
    description: 'An image carries embedded metadata that can identify a person or a place: EXIF GPS position, Artist/XPAuthor/camera owner/serial, PNG Author/GPS text, XMP creator or GPS, IPTC by-line; TIFF tags alike.',
    fix: 'let the build strip the metadata (stripImageMetadata), or export the image again without metadata',
    zh: { fix: '由构建过程去除元数据（stripImageMetadata），或重新导出不含元数据的图片', description: '图片内嵌可识别个人或地点的元数据：EXIF GPS 位置、Artist/XPAuthor/相机所有人/序列号、PNG Author/GPS 文本、XMP 创建者或 GPS、IPTC 署名；TIFF 图片的同类标签亦然。' },
    input: 'attachment',
    examples: {
      fire: [
        // PNG with a tEXt Author chunk; PNG with an eXIf chunk holding GPS latitude/longitude
        'photo.png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAAEHRFWHRBdXRob3IAWmhhbmcgU2FuT7bUcgAAAAxJREFUeJxjOCEnBwACtgEFNKZ1qgAAAABJRU5ErkJggg==',
        'site.png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAAjGVYSWZNTQAqAAAACAABiCUABAAAAAEAAAAaAAAAAAAFAAAAAQAAAAQCAwAAAAEAAgAAAAJOAAAAAAIABQAAAAMAAABcAAMAAgAAAAJFAAAAAAQABQAAAAMAAAB0AAAAAAAAAB4AAAABAAAADwAAAAEAAAvNAAAAZAAAAHgAAAABAAAACgAAAAEAAATSAAAAZFT40+MAAAAMSURBVHicYzghJwcAArYBBTSmdaoAAAAASUVORK5CYII=',
      ],
      pass: ['clean.png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGM4IScHAAK2AQU0pnWqAAAAAElFTkSuQmCC'],
    },
  },
  {
    id: 'attachment-unscannable',
    severity: 'error',
    stage: 'check',
    description: 'An attachment the checks cannot read to its end: a legacy DOC/XLS/PPT or WPS file, a RAR/7z archive, a ZIP archive with a member that cannot be read, a damaged, encrypted or truncated document, a zip bomb, a DOCTYPE in an Office or OFD part, files nested too deep, a PDF with too many pages or one whose reading takes too long, or any type without a reader (an SVG on its own…), or a picture (EMF, WMF) whose records run out of bounds. It is refused, with a fix, unless a security administrator signs a waiver for its exact bytes.',
    fix: 'save the document again as DOCX, XLSX or PDF (WPS or Office: 文件 → 另存为) and attach that copy; extract an archive and attach its files one by one (解压后分别上传)',
    zh: { fix: '将文件另存为 DOCX、XLSX 或 PDF（WPS 或 Office：文件 → 另存为）后上传该副本；压缩包解压后分别上传（解压后分别上传）', description: '检查无法完整读取的附件：旧版 DOC/XLS/PPT 或 WPS 文件、RAR/7z 压缩包、含无法读取成员的 ZIP 压缩包、损坏、加密或不完整的文档、压缩炸弹、Office 或 OFD 部件中的 DOCTYPE、嵌套过深的文件、页数过多的 PDF、记录越界的 EMF/WMF 图片等：未经读取的文件不予放行。' },
    input: 'attachment',
    examples: {
      // a truncated PDF; a zip that is no Office package; a legacy Word file; a RAR archive; an SVG
      fire: ['report.pdf;base64,JVBERi0xLjcK', 'table.xlsx;base64,UEsDBBQ=', 'old.doc;base64,0M8R4KGxGuE=', 'files.rar;base64,UmFyIRoHAQA=', 'logo.svg;base64,PHN2Zy8+'],
      pass: ['data.csv;base64,5qCP5qyhLOmhueebrgoxLOmUgOWUruminQo=', 'readme.txt;base64,5aGr5oql6K+05piO77ya5oyJ5pyI55Sz5oql44CCCg==', 'blank.pdf;base64,JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFs0IDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL0xlbmd0aCAwID4+CnN0cmVhbQoKZW5kc3RyZWFtCmVuZG9iago0IDAgb2JqCjw8IC9UeXBlIC9QYWdlIC9QYXJlbnQgMiAwIFIgL01lZGlhQm94IFswIDAgNTk1IDg0Ml0gL1Jlc291cmNlcyA8PCA+PiAvQ29udGVudHMgMyAwIFIgPj4KZW5kb2JqCnhyZWYKMCA1CjAwMDAwMDAwMDAgNjU1MzUgZiAKMDAwMDAwMDAxNSAwMDAwMCBuIAowMDAwMDAwMDY0IDAwMDAwIG4gCjAwMDAwMDAxMjEgMDAwMDAgbiAKMDAwMDAwMDE3MCAwMDAwMCBuIAp0cmFpbGVyCjw8IC9TaXplIDUgL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjI3NAolJUVPRgo='],
    },
  },
  {
    id: 'attachment-encoding',
    severity: 'error',
    stage: 'check',
    description: 'A text attachment that decodes as none of UTF-8, GB18030/GBK or UTF-16 with a byte-order mark (UTF-16 without one, UTF-32, bytes that are no text): it is refused rather than scanned wrongly.',
    fix: 'save the file as UTF-8 (in Excel: 另存为 → CSV UTF-8; in Notepad: 编码 UTF-8)',
    zh: { fix: '将文件保存为 UTF-8 编码（Excel：另存为 → CSV UTF-8；记事本：编码 UTF-8）', description: '文本附件不是 UTF-8、GB18030/GBK 或带字节顺序标记的 UTF-16（不带标记的 UTF-16、UTF-32、非文本字节）：予以拒绝，不按错误编码检查。' },
    input: 'attachment',
    examples: {
      // UTF-16LE without a BOM; Latin-1 bytes. GBK 栏次,项目名称 / 1,销售额, UTF-16LE "b" with a BOM and UTF-8 with a BOM pass
      fire: ['notes.txt;base64,TgBhAG0AZQAsAFAAaABvAG4AZQANAAoA', 'data.csv;base64,Y2Fm6Qo='],
      pass: ['data.csv;base64,wLi0zizP7sS/w/uzxgoxLM/6ytu27go=', 'notes.txt;base64,//5iAA==', 'data.csv;base64,77u/5qCP5qyhLOmhueebrgo='],
    },
  },
  {
    id: 'attachment-active',
    severity: 'error',
    stage: 'check',
    description: 'An attachment carries content that runs when it is opened: a VBA macro or ActiveX control (.docm/.xlsm/.pptm, vbaProject.bin), PDF JavaScript (an open action, a form field script), a Launch action, rich media, or an embedded program. Nothing that runs is published (Trust model 11), whatever it does.',
    fix: 'save the document without macros (文件 → 另存为 → .docx/.xlsx/.pptx), or print it to PDF again without scripts and attachments, and attach that copy',
    zh: { fix: '将文件另存为不含宏的格式（文件 → 另存为 → .docx/.xlsx/.pptx），或重新打印为不含脚本和附件的 PDF，上传该副本', description: '附件含有打开时会运行的内容：VBA 宏或 ActiveX 控件（.docm/.xlsm/.pptm、vbaProject.bin）、PDF JavaScript（打开动作、表单域脚本）、启动动作、富媒体或嵌入的程序。任何会运行的内容都不予发布。' },
    input: 'attachment',
    examples: {
      // a PDF that runs JavaScript when opened; one that launches a program; a PDF with nothing to run passes
      fire: ['open.pdf;base64,JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgL09wZW5BY3Rpb24gPDwgL1MgL0phdmFTY3JpcHQgL0pTIDxGRUZGMDA2MTAwNzAwMDcwMDAyRTAwNjEwMDZDMDA2NTAwNzIwMDc0MDAyODAwMzEwMDI5PiA+PiA+PgplbmRvYmoKMiAwIG9iago8PCAvVHlwZSAvUGFnZXMgL0tpZHMgWzQgMCBSXSAvQ291bnQgMSA+PgplbmRvYmoKMyAwIG9iago8PCAvTGVuZ3RoIDAgPj4Kc3RyZWFtCgplbmRzdHJlYW0KZW5kb2JqCjQgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCA1OTUgODQyXSAvUmVzb3VyY2VzIDw8ID4+IC9Db250ZW50cyAzIDAgUiA+PgplbmRvYmoKeHJlZgowIDUKMDAwMDAwMDAwMCA2NTUzNSBmIAowMDAwMDAwMDE1IDAwMDAwIG4gCjAwMDAwMDAxNTYgMDAwMDAgbiAKMDAwMDAwMDIxMyAwMDAwMCBuIAowMDAwMDAwMjYyIDAwMDAwIG4gCnRyYWlsZXIKPDwgL1NpemUgNSAvUm9vdCAxIDAgUiA+PgpzdGFydHhyZWYKMzY2CiUlRU9GCg==', 'launch.pdf;base64,JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgL09wZW5BY3Rpb24gPDwgL1MgL0xhdW5jaCAvRiAoY21kLmV4ZSkgPj4gPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFs0IDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL0xlbmd0aCAwID4+CnN0cmVhbQoKZW5kc3RyZWFtCmVuZG9iago0IDAgb2JqCjw8IC9UeXBlIC9QYWdlIC9QYXJlbnQgMiAwIFIgL01lZGlhQm94IFswIDAgNTk1IDg0Ml0gL1Jlc291cmNlcyA8PCA+PiAvQ29udGVudHMgMyAwIFIgPj4KZW5kb2JqCnhyZWYKMCA1CjAwMDAwMDAwMDAgNjU1MzUgZiAKMDAwMDAwMDAxNSAwMDAwMCBuIAowMDAwMDAwMTA2IDAwMDAwIG4gCjAwMDAwMDAxNjMgMDAwMDAgbiAKMDAwMDAwMDIxMiAwMDAwMCBuIAp0cmFpbGVyCjw8IC9TaXplIDUgL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjMxNgolJUVPRgo='],
      pass: ['blank.pdf;base64,JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFs0IDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL0xlbmd0aCAwID4+CnN0cmVhbQoKZW5kc3RyZWFtCmVuZG9iago0IDAgb2JqCjw8IC9UeXBlIC9QYWdlIC9QYXJlbnQgMiAwIFIgL01lZGlhQm94IFswIDAgNTk1IDg0Ml0gL1Jlc291cmNlcyA8PCA+PiAvQ29udGVudHMgMyAwIFIgPj4KZW5kb2JqCnhyZWYKMCA1CjAwMDAwMDAwMDAgNjU1MzUgZiAKMDAwMDAwMDAxNSAwMDAwMCBuIAowMDAwMDAwMDY0IDAwMDAwIG4gCjAwMDAwMDAxMjEgMDAwMDAgbiAKMDAwMDAwMDE3MCAwMDAwMCBuIAp0cmFpbGVyCjw8IC9TaXplIDUgL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjI3NAolJUVPRgo='],
    },
  },
  {
    id: 'attachment-redaction',
    severity: 'error',
    stage: 'check',
    description: 'A PDF or OFD page hides text that is still in the file: a dark filled box drawn over text drawn before it, an annotation filled dark or a redaction mark never applied (Square/Redact) over it, or text drawn in white on the white page. No one sees it on screen or on paper, but anyone can copy it out (a fake redaction). It is an error whatever the text says.',
    fix: 'delete the text itself before making the PDF (or redact it with a real redaction tool: Acrobat 编辑 → 涂黑/密文, WPS PDF 文档 → 涂黑), then export the PDF again and check that the text cannot be selected',
    zh: { fix: '在生成 PDF 之前删除文字本身（或用真正的涂黑工具处理：Acrobat 编辑 → 涂黑/密文，WPS PDF 文档 → 涂黑），重新导出 PDF，并确认该文字无法被选中', description: 'PDF 或 OFD 页面隐藏了仍在文件中的文字：文字上绘制了深色填充方框、深色注释或未应用的涂黑标记（Square/Redact），或在白色页面上用白色绘制文字。屏幕和纸面上都看不见，但任何人都能复制出来（假涂黑）。无论文字内容如何，一律为错误。' },
    input: 'attachment',
    examples: {
      // a line of text with a black box drawn over it; white text on a dark band drawn first passes
      fire: ['redacted.pdf;base64,JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFs1IDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL0ZvbnQgL1N1YnR5cGUgL1R5cGUxIC9CYXNlRm9udCAvSGVsdmV0aWNhID4+CmVuZG9iago0IDAgb2JqCjw8IC9MZW5ndGggNzcgPj4Kc3RyZWFtCkJUIC9GMSAxMiBUZiAxIDAgMCAxIDcyIDc2MCBUbSAoTmFtZTogV2FuZykgVGogRVQKMCAwIDAgcmcgNjggNzU0IDEyOCAxOCByZSBmCmVuZHN0cmVhbQplbmRvYmoKNSAwIG9iago8PCAvVHlwZSAvUGFnZSAvUGFyZW50IDIgMCBSIC9NZWRpYUJveCBbMCAwIDU5NSA4NDJdIC9SZXNvdXJjZXMgPDwgL0ZvbnQgPDwgL0YxIDMgMCBSID4+ID4+IC9Db250ZW50cyA0IDAgUiA+PgplbmRvYmoKeHJlZgowIDYKMDAwMDAwMDAwMCA2NTUzNSBmIAowMDAwMDAwMDE1IDAwMDAwIG4gCjAwMDAwMDAwNjQgMDAwMDAgbiAKMDAwMDAwMDEyMSAwMDAwMCBuIAowMDAwMDAwMTkxIDAwMDAwIG4gCjAwMDAwMDAzMTggMDAwMDAgbiAKdHJhaWxlcgo8PCAvU2l6ZSA2IC9Sb290IDEgMCBSID4+CnN0YXJ0eHJlZgo0NDQKJSVFT0YK'],
      pass: ['banner.pdf;base64,JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFs1IDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL0ZvbnQgL1N1YnR5cGUgL1R5cGUxIC9CYXNlRm9udCAvSGVsdmV0aWNhID4+CmVuZG9iago0IDAgb2JqCjw8IC9MZW5ndGggODYgPj4Kc3RyZWFtCjAgMCAwIHJnIDY4IDc1NCAzMDAgMTggcmUgZgoxIDEgMSByZwpCVCAvRjEgMTIgVGYgMSAwIDAgMSA3MiA3NjAgVG0gKE5hbWU6IFdhbmcpIFRqIEVUCmVuZHN0cmVhbQplbmRvYmoKNSAwIG9iago8PCAvVHlwZSAvUGFnZSAvUGFyZW50IDIgMCBSIC9NZWRpYUJveCBbMCAwIDU5NSA4NDJdIC9SZXNvdXJjZXMgPDwgL0ZvbnQgPDwgL0YxIDMgMCBSID4+ID4+IC9Db250ZW50cyA0IDAgUiA+PgplbmRvYmoKeHJlZgowIDYKMDAwMDAwMDAwMCA2NTUzNSBmIAowMDAwMDAwMDE1IDAwMDAwIG4gCjAwMDAwMDAwNjQgMDAwMDAgbiAKMDAwMDAwMDEyMSAwMDAwMCBuIAowMDAwMDAwMTkxIDAwMDAwIG4gCjAwMDAwMDAzMjcgMDAwMDAgbiAKdHJhaWxlcgo8PCAvU2l6ZSA2IC9Sb290IDEgMCBSID4+CnN0YXJ0eHJlZgo0NTMKJSVFT0YK'],
    },
  },
  {
    id: 'attachment-hidden',
    severity: 'warning',
    stage: 'check',
    description: 'A published document keeps content its reader does not see at first: hidden or very hidden sheets, hidden rows or columns, cell notes and comments, tracked changes (insertions and deletions), hidden text, hidden slides, PDF comments. Its text is checked like the rest; this warns even when it is clean, because whoever downloads the file can show it.',
    fix: 'remove what is hidden before publishing: in Word/WPS accept or reject all revisions (审阅 → 接受/拒绝所有修订) and delete the comments (删除所有批注), or use 文件 → 检查文档 (Document Inspector) to remove hidden content and personal information; in Excel unhide (取消隐藏) and delete hidden sheets, rows and columns and delete the notes',
    zh: { fix: '公开前删除隐藏内容：在 Word/WPS 中接受或拒绝所有修订（审阅 → 接受/拒绝所有修订）并删除所有批注（删除所有批注），或用 文件 → 检查文档（文档检查器）删除隐藏内容和个人信息；在 Excel 中取消隐藏（取消隐藏）并删除隐藏的工作表、行、列和批注', description: '公开的文档保留有读者一开始看不到的内容：隐藏或深度隐藏的工作表、隐藏的行或列、单元格批注和注释、修订（插入和删除）、隐藏文字、隐藏的幻灯片、PDF 注释。其文字与其他内容一样接受检查；即使内容无问题也会警告，因为任何下载者都能将其显示出来。' },
    input: 'attachment',
    examples: {
      // a PDF with a sticky note on its page; the same PDF without it passes
      fire: ['note.pdf;base64,JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFs1IDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL0Fubm90IC9TdWJ0eXBlIC9UZXh0IC9SZWN0IFs1MCA3MDAgNzAgNzIwXSAvQ29udGVudHMgPEZFRkYwMDZGMDA2Qj4gPj4KZW5kb2JqCjQgMCBvYmoKPDwgL0xlbmd0aCAwID4+CnN0cmVhbQoKZW5kc3RyZWFtCmVuZG9iago1IDAgb2JqCjw8IC9UeXBlIC9QYWdlIC9QYXJlbnQgMiAwIFIgL01lZGlhQm94IFswIDAgNTk1IDg0Ml0gL1Jlc291cmNlcyA8PCA+PiAvQ29udGVudHMgNCAwIFIgL0Fubm90cyBbMyAwIFJdID4+CmVuZG9iagp4cmVmCjAgNgowMDAwMDAwMDAwIDY1NTM1IGYgCjAwMDAwMDAwMTUgMDAwMDAgbiAKMDAwMDAwMDA2NCAwMDAwMCBuIAowMDAwMDAwMTIxIDAwMDAwIG4gCjAwMDAwMDAyMTcgMDAwMDAgbiAKMDAwMDAwMDI2NiAwMDAwMCBuIAp0cmFpbGVyCjw8IC9TaXplIDYgL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjM4NgolJUVPRgo='],
      pass: ['blank.pdf;base64,JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFs0IDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL0xlbmd0aCAwID4+CnN0cmVhbQoKZW5kc3RyZWFtCmVuZG9iago0IDAgb2JqCjw8IC9UeXBlIC9QYWdlIC9QYXJlbnQgMiAwIFIgL01lZGlhQm94IFswIDAgNTk1IDg0Ml0gL1Jlc291cmNlcyA8PCA+PiAvQ29udGVudHMgMyAwIFIgPj4KZW5kb2JqCnhyZWYKMCA1CjAwMDAwMDAwMDAgNjU1MzUgZiAKMDAwMDAwMDAxNSAwMDAwMCBuIAowMDAwMDAwMDY0IDAwMDAwIG4gCjAwMDAwMDAxMjEgMDAwMDAgbiAKMDAwMDAwMDE3MCAwMDAwMCBuIAp0cmFpbGVyCjw8IC9TaXplIDUgL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjI3NAolJUVPRgo='],
    },
  },
] as const satisfies readonly CheckRule[];

export type CheckRuleId = (typeof CHECK_RULES)[number]['id'];

const byId = new Map<string, CheckRule>(CHECK_RULES.map((r) => [r.id, r]));

export function checkRule(id: CheckRuleId): CheckRule {
  return byId.get(id)!;
}

/** A rule's fix in both languages. */
export function ruleFix(rule: Pick<CheckRule, 'fix' | 'zh'>): Text {
  return { zh: rule.zh.fix, en: rule.fix };
}
