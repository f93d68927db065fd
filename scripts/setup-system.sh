#!/usr/bin/env bash
# System packages MedSeg Studio's tests and trainer need on Debian/Ubuntu: the PyTorch training
# runtime (PyTorch is not on PyPI here, Debian packages it), dcmtk for DICOM fixtures, the independent
# checkers tests compare against (dicom3tools' dciodvfy, scipy; in CI a missing one fails its tests),
# Chromium for the renderer's browser tests. Idempotent: installs only what is missing.
set -euo pipefail
packages=(python3-torch python3-onnx python3-numpy python3-nibabel python3-pytest python3-pydicom python3-pil python3-scipy dcmtk dicom3tools chromium)
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
