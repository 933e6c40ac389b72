import type { DataSource } from "typeorm";
import { Enterprise } from "../domain/entities";
import { formatEnterpriseNumber, parseEnterpriseNumber } from "../domain/identifiers";
import { englishProblem } from "../i18n/messages";

/** The enterprise an operator named on the command line (with or without dots, BE prefix allowed), or an error saying why not. */
export async function enterpriseArgument(dataSource: DataSource, argument: string): Promise<Enterprise> {
  const number = parseEnterpriseNumber(argument);
  if (!number.ok) throw new Error(englishProblem(number.problem, argument));
  const enterprise = await dataSource.getRepository(Enterprise).findOneBy({ number: number.value });
  if (!enterprise) throw new Error(`No enterprise ${formatEnterpriseNumber(number.value)} in this database`);
  return enterprise;
}
