import { InitialSchema1764300000000 } from "./1764300000000-initial-schema";
import { SeedCatalog1764300000001 } from "./1764300000001-seed-catalog";
import { Utf8mb4Tables1764300000003 } from "./1764300000003-utf8mb4-tables";

export const migrations = [InitialSchema1764300000000, SeedCatalog1764300000001, Utf8mb4Tables1764300000003];
