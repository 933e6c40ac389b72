import { AuditEvent, EBoxMessage, RoleAssignment } from "../entities";
import { connectionTypes } from "./page.type";

export const RoleAssignmentConnection = connectionTypes(RoleAssignment, { name: "RoleAssignment", items: "role assignments" });
export const EBoxMessageConnection = connectionTypes(EBoxMessage, { name: "EBoxMessage", items: "e-Box messages (newest first)" });
export const AuditEventConnection = connectionTypes(AuditEvent, { name: "AuditEvent", items: "audit events (oldest first)" });
