// The ablation table's variants: each changes the recipe's trainer arguments or the manifest it is
// exported with, under an id that still names the recipe (so eval measures it on the recipe's data).
import { describe, expect, it } from 'vitest';
import { readRecipe, recipeOf, seededModelId, trainerOption } from '../../scripts/zoo/recipes';
import { variantModelId, variantOf, VARIANTS } from '../../scripts/zoo/variants';

describe('recipe variants', () => {
  it('name their recipe, seeded or not', () => {
    expect(recipeOf(variantModelId('dra-unet-liver-ct-p01', '2d'))).toBe('dra-unet-liver-ct-p01');
    expect(recipeOf(variantModelId('resunetpp-polyp', 'no-postprocess'))).toBe('resunetpp-polyp');
    expect(recipeOf(variantModelId(seededModelId('unet-nuclei', '2'), 'tta'))).toBe('unet-nuclei');
  });

  it('change the one trainer option they are about and nothing else', () => {
    const trainer = readRecipe('dra-unet-liver-ct-p01').trainer;
    const twoD = VARIANTS['2d'].trainer!(trainer);
    expect(trainerOption({ ...readRecipe('dra-unet-liver-ct-p01'), trainer: twoD }, '--adjacent-slices')).toBe('0');
    expect(twoD.length).toBe(trainer.length);
    const light = VARIANTS['light-augment'].trainer!(trainer);
    expect([light[light.indexOf('--augment') + 1], light[light.indexOf('--elastic') + 1]]).toEqual(['light', '0']);
    expect(VARIANTS.fp32.trainer!(trainer).slice(-2)).toEqual(['--precision', 'fp32']);
  });

  it('are either trained or re-exported, and an unknown one is refused by name', () => {
    for (const v of Object.values(VARIANTS)) expect(Boolean(v.trainer) !== Boolean(v.manifest)).toBe(true);
    expect(VARIANTS.tta.manifest).toEqual({ output: { testTimeFlips: ['horizontal', 'vertical'] } });
    expect(() => variantOf('no-such')).toThrow(/no variant "no-such" \(known: 2d, /);
  });
});
