import { ClientError } from "graphql-request";
import type { DataSource } from "typeorm";
import { snapshot } from "./snapshot";

export interface ExpectedError {
  code: string;
  reason?: string;
  field?: string;
  /** The variable's path, for a refused value that came from a variable. */
  variable?: string;
}

/** Awaits a request that must fail and returns its first error, after checking its code (and reason, field, variable). */
export async function expectError(
  request: Promise<unknown>,
  expected: ExpectedError,
): Promise<{ message: string; extensions: Record<string, unknown> }> {
  let caught: unknown;
  try {
    await request;
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof ClientError))
    throw new Error(`Expected a GraphQL error ${expected.code}, got ${caught ? String(caught) : "success"}`);
  const first = caught.response.errors?.[0] as { message: string; extensions: Record<string, unknown> } | undefined;
  expect(first?.extensions).toMatchObject({
    code: expected.code,
    ...(expected.reason ? { reason: expected.reason } : {}),
    ...(expected.field ? { field: expected.field } : {}),
    ...(expected.variable ? { variable: expected.variable } : {}),
  });
  return first!;
}

/** What each concurrent request came back with: "ok" or its error code (and reason). */
export async function outcomes(requests: Promise<unknown>[]): Promise<string[]> {
  const settled = await Promise.allSettled(requests);
  return settled.map((s) => {
    if (s.status === "fulfilled") return "ok";
    const error = (s.reason as { response?: { errors?: { extensions?: { code?: string; reason?: string } }[] } }).response?.errors?.[0]
      ?.extensions;
    return error ? `${error.code}${error.reason ? `:${error.reason}` : ""}` : `transport:${String(s.reason)}`;
  });
}

/** A request that must fail as expected and leave every table (audit included) as it was. */
export async function expectRefusedUnchanged(dataSource: DataSource, request: () => Promise<unknown>, expected: ExpectedError) {
  const before = await snapshot(dataSource);
  const error = await expectError(request(), expected);
  expect(await snapshot(dataSource)).toEqual(before);
  return error;
}
