/**
 * `license-policy demo` in-process on a small synthetic org: the whole job (validate, plan,
 * apply under the override an admin would give, audit) and the files it leaves behind.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demoCommand } from '../../src/commands/demo.js';
import type { CliIo } from '../../src/commands/io.js';
import { AUDIT_COLUMNS } from '../../src/audit/types.js';
import { parsePlan, verifyPlanDigest } from '../../src/plan/plan-file.js';

const cwd = mkdtempSync(path.join(tmpdir(), 'license-policy-demo-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('license-policy demo', () => {
  it('plans, applies under the reviewed override, and leaves the plan, its Markdown and the audit', async () => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      env: {},
      cwd,
    };
    const code = await demoCommand(['--users', '6500', '--out', 'out'], io);
    expect(stderr).not.toContain('license-policy demo:');
    expect(code).toBe(0);

    const files = readdirSync(path.join(cwd, 'out')).sort();
    const planFile = files.find((f) => /^\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.json$/.test(f))!;
    const planId = planFile.replace(/\.json$/, '');
    expect(files).toEqual(
      [planFile, `${planId}.md`, `audit-${planId}.csv`, `apply-${planId}.md`, 'state.json'].sort(),
    );
    const plan = parsePlan(readFileSync(path.join(cwd, 'out', planFile), 'utf8'), planFile);
    expect(verifyPlanDigest(plan)).toBe(true);
    const planned = plan.actions.filter((a) => a.status === 'planned').length;
    expect(planned).toBeGreaterThan(0);

    // The plan's Markdown on stdout, the story on stderr.
    expect(stdout).toContain(`## License policy plan \`${planId}\``);
    expect(stdout).toMatch(new RegExp(`Applied plan ${planId}: ${planned} planned action\\(s\\)`));
    expect(stdout).toContain(`${path.join('out', `${planId}.md`)}`);
    expect(stderr).toContain('starting the sandbox');
    expect(stderr).toMatch(/actions applied \d+\/\d+/);
    expect(stdout).not.toMatch(/pages fetched/);
    // The synthetic org removes more than 10% of Jira on acme: blocked, and overridden as a reviewer would.
    expect(plan.blocked.map((b) => b.code)).toContain('max-removals-percent');
    expect(stdout).toContain('the demo does the same');

    // The audit holds the plan's decisions and the apply's, each applied action verified.
    const audit = readFileSync(path.join(cwd, 'out', `audit-${planId}.csv`), 'utf8');
    const lines = audit.trimEnd().split('\r\n');
    expect(lines[0]).toBe(AUDIT_COLUMNS.join(','));
    const applyActionRows = lines.filter(
      (l) => l.includes(',apply,') && /,,[^,]*,applied,/.test(l),
    );
    expect(applyActionRows.length).toBe(planned);
  });
});
