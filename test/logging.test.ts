import { maskSsins } from "../src/logger";
import { ssin } from "./support/identities";
import { captureLogs } from "./support/logs";

describe("the logs", () => {
  it("mask a national number wherever it appears: message, nested objects, arrays, error messages and stacks", () => {
    const logs = captureLogs();
    const number = ssin();
    const error = Object.assign(new Error(`Duplicate entry '${number}' for key 'person.ssin'`), {
      parameters: [number, "x"],
      cause: new Error(`while adding ${number}`),
    });
    logs.logger.error({ input: { person: { ssin: number, names: [`Name ${number}`] } }, err: error }, `appointing ${number}`);
    logs.logger.warn({ err: new Error(`lookup of ${number} failed`) });
    const text = logs.text();
    expect(text).not.toContain(number);
    expect(text).not.toContain(`${number.slice(0, 2)}.${number.slice(2, 4)}`);
    const [first, second] = logs.lines() as {
      msg: string;
      input: { person: { ssin: string } };
      err: { message: string; stack: string; parameters: string[] };
    }[];
    const masked = `${number.slice(0, 2)}*********`;
    expect(first.msg).toBe(`appointing ${masked}`);
    expect(first.input.person.ssin).toBe(masked);
    expect(first.err.message).toContain(`Duplicate entry '${masked}' for key 'person.ssin'`);
    expect(first.err.stack).toContain(masked);
    expect(first.err.parameters).toEqual([masked, "x"]);
    expect(second.msg).toBe(`lookup of ${masked} failed`);
  });

  it("mask national numbers written with dots, dashes or spaces, and leave enterprise numbers and times alone", () => {
    expect(maskSsins("85.07.30-033.28 and 85 07 30 033 28")).toBe("85********* and 85*********");
    expect(maskSsins("enterprise 0123.456.749 at 2026-11-28T23:15:05.066Z took 12.5 ms")).toBe(
      "enterprise 0123.456.749 at 2026-11-28T23:15:05.066Z took 12.5 ms",
    );
  });

  it("redact bearer tokens", () => {
    const logs = captureLogs();
    logs.logger.info({ token: "eyJhbGciOi.secret", req: { headers: { authorization: "Bearer eyJhbGciOi.secret" } } }, "request");
    expect(logs.text()).not.toContain("secret");
    expect(logs.lines()[0]).toMatchObject({ token: "[redacted]", req: { headers: { authorization: "[redacted]" } } });
  });
});
