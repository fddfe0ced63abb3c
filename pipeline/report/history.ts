/**
 * The history behind approval turnaround: when each entry was committed (one
 * `git log` for the whole repository, parsed once) and when its current bytes
 * were last approved (the verified approval records). Reading is at the edge
 * (readGitLog, loadApprovalTimes); parsing and matching are pure.
 */
import type { Text } from '../messages/text.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Plan } from '../plan/index.ts';
import type { History } from './figures.ts';

const run = promisify(execFile);

/**
 * Arguments of the one git call: every addition under content/, newest first,
 * NUL-separated paths. --relative: when the root is a folder inside a larger
 * repository, paths come out relative to the root, as the plan names them.
 */
export const GIT_LOG_ARGS = ['-c', 'core.quotePath=false', 'log', '--format=%x01%at', '--name-only', '--relative', '--diff-filter=A', '--no-renames', '-z', '--', 'content/'] as const;

/**
 * Parse the output of GIT_LOG_ARGS: path → author time (ms) of the latest
 * commit that added it (an entry deleted and added again is measured from its
 * return). The author time is kept through rebases and merges, so it is when
 * the writer committed.
 */
export function parseGitLog(output: string): Map<string, number> {
  const added = new Map<string, number>();
  for (const chunk of output.split('\u0001')) {
    if (chunk === '') continue;
    const [head, ...paths] = chunk.split('\u0000');
    const seconds = Number(head);
    if (!Number.isSafeInteger(seconds)) throw new SyntaxError(`git log: unexpected commit line ${JSON.stringify(head?.slice(0, 40))}`);
    for (const raw of paths) {
      const path = raw.replace(/^\n/, '');
      // Newest first: the first addition seen is the latest one.
      if (path !== '' && !added.has(path)) added.set(path, seconds * 1000);
    }
  }
  return added;
}

/** Run git once. A folder that is not a repository (or no git) gives no times and says why. */
export async function readGitLog(root: string): Promise<{ commits: Map<string, number> | undefined; note: Text }> {
  try {
    const { stdout } = await run('git', ['-C', root, ...GIT_LOG_ARGS], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    const commits = parseGitLog(stdout);
    return { commits, note: { zh: `git 历史：content/ 下共添加 ${commits.size} 个文件`, en: `git history: ${commits.size} files added under content/` } };
  } catch (cause) {
    const e = cause as { code?: unknown; stderr?: string; message?: string };
    const why = e.code === 'ENOENT' ? 'git is not installed' : (e.stderr?.trim().split('\n')[0] ?? e.message ?? 'git log failed');
    const whyZh = e.code === 'ENOENT' ? '未安装 git' : why;
    return { commits: undefined, note: { zh: `无 git 历史（${whyZh}）：提交时间不详`, en: `no git history (${why}): commit times unknown` } };
  }
}

/**
 * Path → time (ms) of the last valid approval of each published entry's
 * current bytes. Only verified records count (no problem, a known signer, the
 * decision "approve", the entry's current digest): a forged record could
 * otherwise set any time it likes.
 */
/**
 * When each published entry's last counted approval was signed: the gate
 * verified the records and decided which approvals counted, and the plan
 * carries the time (no second verification here).
 */
export function approvalTimes(plan: Plan): { approvals: Map<string, number>; note: Text } {
  const approvals = new Map<string, number>();
  for (const e of plan.entries) {
    if (e.status === 'publishable' && e.approvedAt !== undefined) approvals.set(e.path, Date.parse(e.approvedAt));
  }
  const note: Text = plan.approvals.verified
    ? { zh: `审批时间取自发布关口已核验的记录；${approvals.size} 个已发布条目有审批时间`, en: `approval times from the gate's verified records; ${approvals.size} published entries with an approval time` }
    : { zh: '审批未经核验：审批时间不详', en: 'approvals were not verified: approval times unknown' };
  return { approvals, note };
}

/** Both halves of the history, read at the edge. */
export async function loadHistory(root: string, plan: Plan): Promise<History> {
  const git = await readGitLog(root);
  const approvals = approvalTimes(plan);
  return { commits: git.commits, gitNote: git.note, approvals: approvals.approvals, approvalsNote: approvals.note };
}
