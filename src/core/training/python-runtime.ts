// Finds a Python that can import the training runtime (torch, onnx). Debian's /usr/bin/python3 is
// preferred over whatever `python3` is first on PATH, which may be a build that cannot see it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { appRoot } from '../paths';

export const TRAINING_RUNTIME_HINT =
  'the Python training runtime (PyTorch, onnx, numpy, nibabel) is missing: run `bash scripts/setup-system.sh` ' +
  '(Debian/Ubuntu) or install torch, onnx, numpy, nibabel, pydicom and pillow into a Python 3 and set MEDSEG_PYTHON to it';

export interface PythonRuntime {
  python: string;
  env: NodeJS.ProcessEnv;
}

export function findPythonRuntime(env: NodeJS.ProcessEnv = process.env): PythonRuntime | null {
  const candidates = [env.MEDSEG_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter((c): c is string => !!c);
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch, onnx, numpy, nibabel'], { stdio: 'ignore', timeout: 60_000 });
    if (probe.status === 0) {
      const pythonPath = [join(appRoot(), 'training'), env.PYTHONPATH].filter(Boolean).join(':');
      return { python, env: { ...env, PYTHONPATH: pythonPath, PYTHONUNBUFFERED: '1' } };
    }
  }
  return null;
}
