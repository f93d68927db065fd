// `npm test`: everything CI checks, in one command. Ends with one "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { findPythonRuntime, TRAINING_RUNTIME_HINT } from '../src/core/training/python-runtime';

const results = { passed: 0, failed: 0, skipped: 0 };
mkdirSync('test-results', { recursive: true });

function step(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  console.log(`\n== ${name}: ${command} ${args.join(' ')}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit', env });
  if (status !== 0) console.log(`== ${name} failed (exit ${status})`);
  return status === 0;
}

const python = findPythonRuntime();
if (!python) {
  console.error(`npm test: ${TRAINING_RUNTIME_HINT}`);
  process.exit(1);
}

let ok = step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.node.json']);
ok = step('typecheck (shared, no node)', 'npx', ['tsc', '-p', 'tsconfig.shared.json']) && ok;
ok = step('typecheck (renderer)', 'npx', ['vue-tsc', '-p', 'tsconfig.web.json']) && ok;
ok = step('build', 'npm', ['run', 'build']) && ok;

const vitestOk = step('unit + integration (vitest)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest.json']);
try {
  const report = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  results.passed += report.numPassedTests;
  results.failed += report.numFailedTests;
  results.skipped += report.numPendingTests + report.numTodoTests;
} catch {
  results.failed += 1;
}
ok = vitestOk && ok;

const pytestOk = step('training (pytest)', python.python, ['-m', 'pytest', '-q', 'training/tests', '--junitxml=test-results/pytest.xml'], python.env);
try {
  const xml = readFileSync('test-results/pytest.xml', 'utf8');
  const attr = (name: string) => Number(new RegExp(`<testsuite[^>]* ${name}="(\\d+)"`).exec(xml)?.[1] ?? 0);
  const failed = attr('failures') + attr('errors');
  results.failed += failed;
  results.skipped += attr('skipped');
  results.passed += attr('tests') - failed - attr('skipped');
} catch {
  results.failed += 1;
}
ok = pytestOk && ok;

// The renderer in Debian's Chromium against the browser-mode server (playwright.config.ts).
const e2eOk = step('renderer end to end (playwright)', 'npx', ['playwright', 'test', '--reporter=list,json'],
  { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/playwright.json', MEDSEG_BUILT: '1' });
try {
  const { stats } = JSON.parse(readFileSync('test-results/playwright.json', 'utf8'));
  results.passed += stats.expected + stats.flaky;
  results.failed += stats.unexpected;
  results.skipped += stats.skipped;
} catch {
  results.failed += 1;
}
ok = e2eOk && ok;

console.log(`\ntests: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(ok && results.failed === 0 ? 0 : 1);
