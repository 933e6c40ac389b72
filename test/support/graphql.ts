import { ClientError } from "graphql-request";

export interface ExpectedError {
  code: string;
  reason?: string;
  field?: string;
}

/** Awaits a request that must fail and returns its first error, after checking its code (and reason, field). */
export async function expectError(request: Promise<unknown>, expected: ExpectedError): Promise<{ message: string; extensions: Record<string, unknown> }> {
  let caught: unknown;
  try {
    await request;
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof ClientError)) throw new Error(`Expected a GraphQL error ${expected.code}, got ${caught ? String(caught) : "success"}`);
  const first = caught.response.errors?.[0] as { message: string; extensions: Record<string, unknown> } | undefined;
  expect(first?.extensions).toMatchObject({
    code: expected.code,
    ...(expected.reason ? { reason: expected.reason } : {}),
    ...(expected.field ? { field: expected.field } : {}),
  });
  return first!;
}
