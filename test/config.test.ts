import { ConfigError, loadConfig } from "../src/config";

describe("the configuration", () => {
  it("refuses to run in production on development tokens", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL/);
  });

  it("wants all three OIDC variables or none", () => {
    expect(() => loadConfig({ AUTH_ISSUER: "https://idp.example.be" })).toThrow(ConfigError);
  });

  it("turns the playground, introspection and demo data off in production unless asked for", () => {
    const production = loadConfig({ AUTH_ISSUER: "https://idp.example.be", AUTH_AUDIENCE: "gateway", AUTH_JWKS_URL: "https://idp.example.be/jwks" });
    expect(production).toMatchObject({ playground: false, introspection: false, demoData: false });
    expect(loadConfig({})).toMatchObject({ playground: true, introspection: true, demoData: true, port: 4000, databaseUrl: "sqlite:data/access.sqlite" });
  });

  it("names the variable of a bad value", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ PLAYGROUND: "maybe" })).toThrow(/PLAYGROUND/);
    expect(() => loadConfig({ DATABASE_URL: "postgres://localhost/x" })).toThrow(/DATABASE_URL/);
  });
});
