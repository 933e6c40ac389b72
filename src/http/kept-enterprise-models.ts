import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { Clock } from "../clock";
import type { Config } from "../config";
import { checkVersionsAtStart, onVersionsLost } from "../database/enterprise-versions";
import { enterpriseCacheFor, type EnterpriseCache } from "../read/enterprise-cache";

/**
 * The enterprise read models this gateway keeps (src/read/enterprise-cache.ts), checked against the database's
 * versions on every request. Only while the database moves those versions: a dump restored without its triggers
 * would leave them still, and the models would never change again. Triggers found missing are created again, and
 * every version is moved past the ones kept before (writes made without them left versions in place); if they cannot
 * be, the loss is recorded in the database, so that no gateway takes a model, and this one keeps none. A loss noticed
 * later (a change whose versions did not move) empties the cache. `stop` ends that watch.
 */
export async function keptEnterpriseModels({
  dataSource,
  config,
  clock,
  logger,
}: {
  dataSource: DataSource;
  config: Config;
  clock: Clock;
  logger: Logger;
}): Promise<{ enterpriseCache: EnterpriseCache | null; keepsModels: boolean; stop: () => void }> {
  const keepsModels = config.enterpriseCache.maxRows > 0;
  const atStart = keepsModels
    ? await checkVersionsAtStart(dataSource, { now: clock.now() })
    : { recreated: [], missing: [], cleared: null };
  const missingTriggers = atStart.missing;
  if (missingTriggers.length > 0) {
    logger.error(
      { missingTriggers },
      "enterprise version triggers are missing and could not be created: no gateway keeps enterprise read models until a gateway starts with them present",
    );
  } else if (atStart.recreated.length > 0 || atStart.cleared) {
    logger.warn(
      { recreatedTriggers: atStart.recreated, lostAt: atStart.cleared?.at, lostReason: atStart.cleared?.reason },
      "enterprise version triggers are all present again: every enterprise has a new version, and the enterprise read models are kept again",
    );
  }
  const enterpriseCache = missingTriggers.length > 0 ? null : enterpriseCacheFor(dataSource, config.enterpriseCache);
  const stop = onVersionsLost(dataSource, ({ reason, enterpriseIds, missingTriggers: missing, requestId }) => {
    logger.error(
      { requestId: requestId ?? undefined, enterpriseIds, missingTriggers: missing, reason },
      "enterprise versions did not move with a change (version triggers lost?): no gateway takes enterprise read models until a gateway starts again, which recreates the triggers",
    );
    enterpriseCache?.clear();
  });
  return { enterpriseCache, keepsModels, stop };
}
