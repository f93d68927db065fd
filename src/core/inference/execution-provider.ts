// The execution-provider choice, made before a model's worker is started: 'cpu' is CPU; 'cuda' is
// CUDA or an error that lists what is missing; 'auto' tries CUDA only when the probe found everything
// it needs (a load that cannot work would only print ONNX Runtime's native error), and otherwise runs
// on CPU with a note saying why. Each result carries the note; saying it once is the host's part
// (the CLI loads one model per command, the app's panel shows it on the first run only).
import type { Device } from '../../shared/api';
import type { DeviceReport } from '../../shared/device-report';
import { UserError } from '../../shared/errors';
import { cudaLoadable, probeDevices } from './cuda-probe';
import { loadTestModel } from './cuda-load-test';
import type { DeviceRequest } from './inference-worker';

let probed: Promise<DeviceReport> | null = null;

/** The probe's last answer (file checks only: cheap, and the machine does not change under a process). */
function currentDevices(refresh = false): Promise<DeviceReport> {
  if (refresh || !probed) {
    probed = probeDevices();
    probed.catch(() => { probed = null; });
  }
  return probed;
}

/** The full report (`medseg doctor`, the device menu): probed afresh, with a CUDA load test on the smallest shipped model. */
export function doctorReport(shippedModels: string): Promise<DeviceReport> {
  probed = probeDevices({ loadTestModel: loadTestModel(shippedModels) });
  return probed;
}

function listMissing(report: DeviceReport): string {
  return report.missing.join(', ');
}

/** One line: what is missing, where it looked, and what fixes it. */
export function cudaUnavailableMessage(report: DeviceReport): string {
  const where = report.searched.length ? `; looked in ${report.searched.join(', ')}` : '';
  const fixes = report.fixes.length ? `; to fix: ${report.fixes.map((f) => f.replace(/\s+#.*$/, '')).join(' ; ')}` : '';
  return `CUDA is not available: missing ${listMissing(report)}${where}${fixes}. Use --device cpu (or auto) to run on the CPU; \`medseg doctor\` shows the full report.`;
}

/** What the inference worker is asked to load on, and the note to pass on when CUDA was skipped. */
export async function chooseExecutionProvider(device: Device, devices: () => Promise<DeviceReport> = currentDevices): Promise<{ request: DeviceRequest; note?: string }> {
  if (device === 'cpu') return { request: 'cpu' };
  const report = await devices();
  if (cudaLoadable(report)) return { request: device };
  if (device === 'cuda') throw new UserError(cudaUnavailableMessage(report));
  return { request: 'cpu', note: `CUDA is not available (missing ${listMissing(report)}); ran on CPU. \`medseg doctor\` says what to install.` };
}
