import type { DataSource } from "typeorm";
import { Catalog } from "../src/domain/catalog";
import { Seed } from "../test/support/seed";
import { ssin } from "../test/support/identities";

export interface BenchData {
  /** Holds roles in 5 enterprises of 20 users each: the viewer of scenario (b). */
  viewer: string;
  /** The viewer's first enterprise: 20 rows for the shield comparison. */
  twentyRowsEnterprise: string;
  /** Main access manager of 10 enterprises of 100 users: 1,000 rows for the shield comparison. */
  bigViewer: string;
}

/** Builds the benchmark's data through the real management actions (the same builders as the tests). */
export async function seedBenchData(dataSource: DataSource): Promise<BenchData> {
  const seed = new Seed(dataSource, await Catalog.load(dataSource));
  const viewer = ssin();
  const bigViewer = ssin();
  const build = async (main: string, users: number) => {
    const builder = seed.enterprise().withMainAccessManager(main).active().withEBox();
    for (let i = 0; i < users; i++) builder.withUser("EMPLOYER_NSSO", i % 2 ? ["DIMONA", "DMFA"] : ["DIMONA"]);
    return builder.build();
  };
  const first = await build(viewer, 20);
  for (let i = 0; i < 4; i++) await build(viewer, 20);
  for (let i = 0; i < 10; i++) await build(bigViewer, 100);
  return { viewer, twentyRowsEnterprise: first.number, bigViewer };
}
