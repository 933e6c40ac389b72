import { InitialSchema1764300000000 } from "./1764300000000-initial-schema";
import { SeedCatalog1764300000001 } from "./1764300000001-seed-catalog";

export const migrations = [InitialSchema1764300000000, SeedCatalog1764300000001];
