// The seed study's arithmetic and the study budget's override of a recipe's trainer arguments.
import { describe, expect, it } from 'vitest';
import { seedStudy } from '../../scripts/eval/seed-study';
import { recipeOf, seededModelId, withTrainerOption } from '../../scripts/zoo/recipes';

describe('seed study', () => {
  it('groups seeded runs by recipe and dataset and reports mean ± sample sd', () => {
    const study = seedStudy([
      { model: 'unet-nuclei-seed1@1.0.0', dataset: 'nuclei:test', dice: 0.80 },
      { model: 'unet-nuclei-seed2@1.0.0', dataset: 'nuclei:test', dice: 0.84 },
      { model: 'unet-nuclei-seed3@1.0.0', dataset: 'nuclei:test', dice: 0.88 },
      { model: 'improved-skip-unet-nuclei-seed1@1.0.0', dataset: 'nuclei:test', dice: 0.9 },
      { model: 'unet-nuclei@1.0.0', dataset: 'nuclei:test', dice: 0.1 }, // not seeded: not in the study
    ]);
    expect(study).toEqual([
      { recipe: 'unet-nuclei', dataset: 'nuclei:test', seeds: [1, 2, 3], dice: [0.8, 0.84, 0.88], diceMean: 0.84, diceSd: 0.04 },
      { recipe: 'improved-skip-unet-nuclei', dataset: 'nuclei:test', seeds: [1], dice: [0.9], diceMean: 0.9, diceSd: null },
    ]);
  });

  it('names the recipe of a seeded model and leaves other ids alone', () => {
    expect(recipeOf(seededModelId('dra-unet-liver-ct-p17', '12'))).toBe('dra-unet-liver-ct-p17');
    expect(recipeOf('dra-unet-liver-ct-p17-seed12')).toBe('dra-unet-liver-ct-p17');
    expect(recipeOf('dra-unet-liver-ct-p17')).toBe('dra-unet-liver-ct-p17');
  });

  it('replaces a trainer option the recipe gives, and adds one it does not', () => {
    expect(withTrainerOption(['--epochs', '300', '--max-minutes', '240', '--val-fraction', '0.1'], '--max-minutes', '15'))
      .toEqual(['--epochs', '300', '--max-minutes', '15', '--val-fraction', '0.1']);
    expect(withTrainerOption(['--epochs', '300'], '--max-minutes', '15')).toEqual(['--epochs', '300', '--max-minutes', '15']);
  });
});
