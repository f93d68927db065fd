// The seed study: the same recipe trained with several seeds (`train:model -- <id> --seed N`, as
// <id>-seedN) and measured on the same data, so a difference between two architectures can be set
// against the spread one architecture shows from its seed alone.
import { SEEDED_MODEL_ID } from '../zoo/recipes';

interface Scored { model: string; dataset: string; dice: number }

/** Mean ± sample sd of Dice per recipe and dataset over the seeded runs among `results` (model refs `<id>-seedN@version`). */
export function seedStudy(results: Scored[]) {
  const groups = new Map<string, { recipe: string; dataset: string; seeds: number[]; dice: number[] }>();
  for (const r of results) {
    const m = SEEDED_MODEL_ID.exec(r.model.split('@')[0]);
    if (!m) continue;
    const key = `${m[1]} ${r.dataset}`;
    const g = groups.get(key) ?? { recipe: m[1], dataset: r.dataset, seeds: [], dice: [] };
    g.seeds.push(Number(m[2]));
    g.dice.push(r.dice);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const mean = g.dice.reduce((s, d) => s + d, 0) / g.dice.length;
    const sd = g.dice.length > 1 ? Math.sqrt(g.dice.reduce((s, d) => s + (d - mean) ** 2, 0) / (g.dice.length - 1)) : null;
    return { ...g, diceMean: +mean.toFixed(4), diceSd: sd === null ? null : +sd.toFixed(4) };
  });
}
