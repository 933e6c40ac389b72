import { InitialSchema1764300000000 } from "./1764300000000-initial-schema";
import { SeedCatalog1764300000001 } from "./1764300000001-seed-catalog";
import { AutomaticAccessManagerProfiles1764300000002 } from "./1764300000002-automatic-access-manager-profiles";

export const migrations = [InitialSchema1764300000000, SeedCatalog1764300000001, AutomaticAccessManagerProfiles1764300000002];
