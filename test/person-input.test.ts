import { gql, type GraphQLClient } from "graphql-request";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectRefusedUnchanged, type ExpectedError } from "./support/graphql";
import { ssin } from "./support/identities";

const addUser = gql`
  mutation ($input: AddUserInput!) {
    addUser(input: $input) {
      id
      person {
        givenName
      }
    }
  }
`;
const appointManager = gql`
  mutation ($input: AppointAccessManagerInput!) {
    appointAccessManager(input: $input) {
      id
    }
  }
`;

describeEachDatabase("the person named in an appointment", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  async function refused(client: GraphQLClient, document: string, variables: Record<string, unknown>, expected: ExpectedError) {
    return expectRefusedUnchanged(gw.dataSource, () => client.request(document, variables), expected);
  }

  const storedEmail = async (personSsin: string): Promise<string | null> => {
    const rows: { email: string | null }[] = await gw.dataSource.query("SELECT email FROM person WHERE ssin = ?", [personSsin]);
    expect(rows).toHaveLength(1);
    return rows[0].email;
  };

  it("refuses names with control, bidi-override or isolate characters, or only invisible ones, naming the field", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const input = (names: { givenName?: string; familyName?: string }) => ({
      input: {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        person: { ssin: ssin(), givenName: "Eva", familyName: "Example", ...names },
      },
    });
    for (const givenName of [
      "Eva\u0007",
      "Eva\u0085",
      "\u202eavE",
      "Eva\u202a",
      "Eva\u202d",
      "\u2066Eva\u2069",
      "Eva\u2068",
      "\u200b",
      "\u200b\u200c\u200d",
      "\u2060 \ufeff",
      "\ud800Eva",
    ]) {
      await refused(main, addUser, input({ givenName }), { code: "BAD_USER_INPUT", field: "input.person.givenName" });
    }
    await refused(
      main,
      appointManager,
      {
        input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: { ssin: ssin(), givenName: "Eva", familyName: "\u202eelpmaxE" } },
      },
      {
        code: "BAD_USER_INPUT",
        field: "input.person.familyName",
      },
    );
    // Zero-width joiners and non-joiners belong inside some names and emoji; they are refused only as the whole name.
    await expect(
      main.request(addUser, input({ givenName: "Mehr\u200cdad", familyName: "\u{1f469}\u200d\u{1f4bb}" })),
    ).resolves.toMatchObject({ addUser: { person: { givenName: "Mehr\u200cdad" } } });
  });

  it("counts a name's length in characters, not UTF-16 units: 100 emoji are accepted, 101 refused", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const hundred = "\u{1f600}".repeat(100);
    const accepted = ssin();
    await main.request(addUser, {
      input: {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: [],
        person: { ssin: accepted, givenName: hundred, familyName: hundred },
      },
    });
    const [row] = await gw.dataSource.query("SELECT given_name, family_name FROM person WHERE ssin = ?", [accepted]);
    expect(row).toEqual({ given_name: hundred, family_name: hundred });
    await refused(
      main,
      addUser,
      {
        input: {
          enterprise: e.number,
          capacity: "EMPLOYER_NSSO",
          onlineServices: [],
          person: { ssin: ssin(), givenName: `${hundred}\u{1f600}`, familyName: "Example" },
        },
      },
      {
        code: "BAD_USER_INPUT",
        field: "input.person.givenName",
      },
    );
  });

  it("sets the e-mail of a person the call creates, never of a known person, and the audit event claims no e-mail change", async () => {
    const victim = ssin();
    await gw.seed.person(victim, { givenName: "Victim", familyName: "Known" });
    const unrelated = await gw.seed.enterprise().withMainAccessManager().active().build();
    const attacker = await gw.client(unrelated.mainAccessManager!);
    await attacker.request(addUser, {
      input: {
        enterprise: unrelated.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: [],
        person: { ssin: victim, givenName: "Victim", familyName: "Known", email: "attacker@example.be" },
      },
    });
    expect(await storedEmail(victim)).toBeNull();
    const [event] = await gw.dataSource.query(
      "SELECT details FROM audit_event WHERE enterprise_id = ? AND action = 'MANAGE_USERS' ORDER BY id DESC",
      [unrelated.id],
    );
    expect(event.details).not.toContain("attacker@example.be");
    expect(event.details).not.toMatch(/email/i);

    const created = ssin();
    await attacker.request(appointManager, {
      input: {
        enterprise: unrelated.number,
        capacity: "EMPLOYER_NSSO",
        person: { ssin: created, givenName: "New", familyName: "Person", email: " new@example.be " },
      },
    });
    expect(await storedEmail(created)).toBe("new@example.be");
  });
});
