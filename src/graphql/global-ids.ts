import { Buffer } from "node:buffer";

/** The types that implement `Node`: a global id names one of them and its row. */
export const nodeTypeNames = [
  "Enterprise",
  "Person",
  "RoleAssignment",
  "ServiceProviderMandate",
  "EBoxMessage",
  "AuditEvent",
  "AccessReview",
  "AccessReviewItem",
] as const;
export type NodeTypeName = (typeof nodeTypeNames)[number];

/**
 * A global id is opaque to clients (Relay's object identification): inside, a version, the type and the row id,
 * base64url-encoded ("v1:Person:42"). The version lets the encoding change later while old ids still decode.
 */
export function encodeGlobalId(type: NodeTypeName, id: number): string {
  return Buffer.from(`v1:${type}:${id}`, "utf8").toString("base64url");
}

const pattern = new RegExp(`^v1:(${nodeTypeNames.join("|")}):([1-9]\\d{0,14})$`);

/** The type and row id of a global id; null for anything this API did not issue (never an error: see Query.node). */
export function decodeGlobalId(globalId: string): { type: NodeTypeName; id: number } | null {
  // Anything longer cannot be an id of ours; decoding it would only cost.
  if (globalId.length > 80 || !/^[A-Za-z0-9_-]+$/.test(globalId)) return null;
  const match = pattern.exec(Buffer.from(globalId, "base64url").toString("utf8"));
  return match ? { type: match[1] as NodeTypeName, id: Number(match[2]) } : null;
}
