// Image file names, as the engine (export file names) and the page (download names) both need them.

/** The extensions that name an image file (a source without one is a DICOM folder). */
export const IMAGE_EXTENSION = /(\.nii\.gz|\.nii|\.nrrd|\.nhdr|\.mha|\.mhd|\.dcm|\.ima|\.png|\.jpe?g|\.tiff?|\.bmp)$/i;

/** A name without its image extension ("ct.nii.gz" → "ct"), or "case" when nothing is left. */
export function caseStem(name: string): string {
  return name.replace(IMAGE_EXTENSION, '') || 'case';
}
