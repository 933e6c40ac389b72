import { InitialSchema1764300000000 } from "./1764300000000-initial-schema";
import { SeedCatalog1764300000001 } from "./1764300000001-seed-catalog";
import { AutomaticAccessManagerProfiles1764300000002 } from "./1764300000002-automatic-access-manager-profiles";
import { Utf8mb4Tables1764300000003 } from "./1764300000003-utf8mb4-tables";
import { AuditChain1764300000004 } from "./1764300000004-audit-chain";
import { ValidUntil1764300000005 } from "./1764300000005-valid-until";
import { DueRightsIndex1764300000006 } from "./1764300000006-due-rights-index";
import { PointInTimeHistory1764300000007 } from "./1764300000007-point-in-time-history";
import { FrenchProviderName1764300000008 } from "./1764300000008-french-provider-name";
import { EnterpriseVersion1764300000009 } from "./1764300000009-enterprise-version";
import { EnterpriseVersionClock1764300000010 } from "./1764300000010-enterprise-version-clock";
import { SearchKeys1764300000011 } from "./1764300000011-search-keys";
import { AccessChangeLog1764300000012 } from "./1764300000012-access-change-log";
import { IdempotentRequests1764300000013 } from "./1764300000013-idempotent-requests";
import { AccessRequests1764300000014 } from "./1764300000014-access-requests";
import { AccessReviews1764300000015 } from "./1764300000015-access-reviews";
import { AccessRequestChanges1764300000016 } from "./1764300000016-access-request-changes";
import { AccessChangeRowIndex1764300000017 } from "./1764300000017-access-change-row-index";
import { AssignmentNameKeys1764300000018 } from "./1764300000018-assignment-name-keys";

export const migrations = [
  InitialSchema1764300000000,
  SeedCatalog1764300000001,
  AutomaticAccessManagerProfiles1764300000002,
  Utf8mb4Tables1764300000003,
  AuditChain1764300000004,
  ValidUntil1764300000005,
  DueRightsIndex1764300000006,
  PointInTimeHistory1764300000007,
  FrenchProviderName1764300000008,
  EnterpriseVersion1764300000009,
  EnterpriseVersionClock1764300000010,
  SearchKeys1764300000011,
  AccessChangeLog1764300000012,
  IdempotentRequests1764300000013,
  AccessRequests1764300000014,
  AccessReviews1764300000015,
  AccessRequestChanges1764300000016,
  AccessChangeRowIndex1764300000017,
  AssignmentNameKeys1764300000018,
];
