import "reflect-metadata";
import { importRegister } from "../register/import-register";
import { bootstrap, runCommand } from "./bootstrap";

runCommand(async () => {
  const file = process.argv[2];
  if (!file) throw new Error("usage: npm run register:import -- FILE.csv");
  const { dataSource, catalog } = await bootstrap();
  try {
    const started = Date.now();
    const summary = await importRegister({ dataSource, catalog, file, progress: (message) => process.stderr.write(`${message}\n`) });
    process.stdout.write(
      `Imported ${summary.rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        `enterprises ${summary.enterprisesCreated} created, ${summary.enterprisesUpdated} updated; ` +
        `persons ${summary.personsCreated} created, ${summary.personsUpdated} updated; ` +
        `legal representatives ${summary.legalRepresentativesCreated} created. ` +
        `Longest transaction ${Math.round(summary.longestTransactionMs)} ms.\n`,
    );
  } finally {
    await dataSource.destroy();
  }
});
