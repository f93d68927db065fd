// The export dialog's suggested output: beside the case's source, named "<case>-mask.nii.gz".

const IMAGE_EXTENSIONS = /\.(nii\.gz|nii|nrrd|nhdr|mha|mhd|dcm|ima|png|jpe?g|tiff?|bmp)$/i;

/** Name without its image extension ("ct.nii.gz" → "ct"). */
export function caseStem(name: string): string {
  return name.replace(IMAGE_EXTENSIONS, '') || 'case';
}

/**
 * The folder holding `source` and the suggested mask path in it. A DICOM series folder (a source
 * without an image extension) gets its mask beside the folder, not inside the series.
 */
export function defaultExportPath(source: string, name: string): string {
  const separator = source.includes('\\') && !source.includes('/') ? '\\' : '/';
  const trimmed = source.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  const folder = cut > 0 ? trimmed.slice(0, cut) : cut === 0 ? separator : '.';
  const joined = folder.endsWith(separator) ? folder : folder + separator;
  return `${joined}${caseStem(name)}-mask.nii.gz`;
}
