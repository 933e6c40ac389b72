import { GraphQLClient } from "graphql-request";
import type { Language } from "../src/client/generated/operations";
import { getSdk } from "../src/client/generated/sdk";
import { capacityCatalog, onlineServiceCatalog } from "../src/domain/catalog-data";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";

const employerNames = capacityCatalog.find((c) => c.code === "EMPLOYER_NSSO")!.names;
const drsNames = onlineServiceCatalog.find((s) => s.code === "DRS")!.names;

/** Names of capacities and online services: the `language` argument, else Accept-Language, else the viewer's language. */
describeEachDatabase("the language of catalog names", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  /** The EMPLOYER_NSSO and DRS names that a viewer whose own language is German sees. */
  async function namesSeen({
    acceptLanguage,
    language,
  }: {
    acceptLanguage?: string;
    language?: Language;
  }): Promise<{ capacity: string; service: string }> {
    const person = ssin();
    const client = new GraphQLClient(gw.url, {
      headers: { authorization: `Bearer ${await gw.token(person)}`, ...(acceptLanguage ? { "accept-language": acceptLanguage } : {}) },
    });
    const sdk = getSdk(client);
    await sdk.UpdateMyAccount({ input: { language: "DE" } });
    const { capacities } = await sdk.Catalog({ language });
    const employer = capacities.find((c) => c.code === "EMPLOYER_NSSO")!;
    return { capacity: employer.name, service: employer.onlineServices.find((s) => s.code === "DRS")!.name };
  }

  it("follows the viewer's own language when neither the argument nor Accept-Language names one", async () => {
    await expect(namesSeen({})).resolves.toEqual({ capacity: employerNames.DE, service: drsNames.DE });
  });

  it("follows Accept-Language over the viewer's language", async () => {
    await expect(namesSeen({ acceptLanguage: "fr-BE,fr;q=0.9" })).resolves.toEqual({ capacity: employerNames.FR, service: drsNames.FR });
  });

  it("follows the language argument over Accept-Language and the viewer's language", async () => {
    await expect(namesSeen({ acceptLanguage: "fr-BE", language: "EN" })).resolves.toEqual({
      capacity: employerNames.EN,
      service: drsNames.EN,
    });
  });

  it("takes the best-rated supported language of Accept-Language, skipping unsupported ones", async () => {
    await expect(namesSeen({ acceptLanguage: "es, nl;q=0.5, en;q=0.8" })).resolves.toEqual({
      capacity: employerNames.EN,
      service: drsNames.EN,
    });
  });

  it("falls back to the viewer's language when Accept-Language names no supported language", async () => {
    await expect(namesSeen({ acceptLanguage: "es-ES, it;q=0.8" })).resolves.toEqual({ capacity: employerNames.DE, service: drsNames.DE });
  });
});
