import { join } from "node:path";
import type { DataSource } from "typeorm";
import type { Clock } from "../clock";
import { Catalog } from "../domain/catalog";
import { Enterprise } from "../domain/entities";
import { importRegister, type ImportSummary } from "./import-register";

/** The demo register that `npm start` loads into an empty development database. */
export const demoRegisterFile = join(__dirname, "demo-register.csv");

/** A legal representative of the demo register: `npm start` prints a token for them, the first one a newcomer uses. */
export const demoLegalRepresentative = { ssin: "85073003328", givenName: "An", familyName: "Peeters" };

/** Loads the demo register into a database without enterprises; null (nothing done) when it has some already. */
export async function loadDemoRegister({ dataSource, clock }: { dataSource: DataSource; clock?: Clock }): Promise<ImportSummary | null> {
  if ((await dataSource.getRepository(Enterprise).count()) > 0) return null;
  return importRegister({ dataSource, catalog: await Catalog.load(dataSource), file: demoRegisterFile, clock });
}
