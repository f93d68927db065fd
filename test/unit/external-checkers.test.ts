// A missing checker (dciodvfy, scipy, dcmtk) fails its tests in CI and is a printed skip elsewhere
// (issue 10 review: validators that skipped silently in CI).
import { afterEach, expect, test, vi } from 'vitest';
import { hasCommand, required } from '../fixtures/external-checkers';

const saved = process.env.CI;
afterEach(() => {
  if (saved === undefined) delete process.env.CI;
  else process.env.CI = saved;
  vi.restoreAllMocks();
});

test('in CI a missing checker is an error naming its Debian package', () => {
  process.env.CI = 'true';
  expect(() => required('dciodvfy', 'dicom3tools', hasCommand('medseg-no-such-checker')))
    .toThrow('dciodvfy is not installed (Debian package dicom3tools; scripts/setup-system.sh installs it): CI must run the checks that need it');
  expect(required('node', 'nodejs', hasCommand(process.execPath))).toBe(true);
});

test('outside CI a missing checker skips, saying why', () => {
  delete process.env.CI;
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  expect(required('scipy', 'python3-scipy', false)).toBe(false);
  expect(warn).toHaveBeenCalledWith('skipped: scipy is not installed (Debian package python3-scipy; scripts/setup-system.sh installs it)');
});
