import { gql } from "graphql-request";
import { auditedIdsLimit } from "../src/management/delete-enterprise-access";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";

const deleteAccess = gql`
  mutation ($input: DeleteEnterpriseAccessInput!) {
    deleteEnterpriseAccess(input: $input) {
      status
    }
  }
`;
const assignmentCount = 25_000;

describeEachDatabase("an enterprise with tens of thousands of assignments", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  /** Inserts USER assignments (and their people) straight into the tables, 1,000 rows a statement: the actions would take minutes. */
  async function bulkUsers(enterpriseId: number, count: number): Promise<void> {
    const now = new Date().toISOString().replace("T", " ").replace("Z", "");
    const base = 20_000_000_000 + enterpriseId * 100_000;
    for (let start = 0; start < count; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, count - start) }, (_, i) => String(base + start + i));
      await gw.dataSource.query(
        `INSERT INTO person (ssin, given_name, family_name, email, phone, language, created_at) VALUES ${batch.map(() => "(?, 'Bulk', 'User', NULL, NULL, 'NL', ?)").join(", ")}`,
        batch.flatMap((s) => [s, now]),
      );
      const ids: { id: number }[] = await gw.dataSource.query(
        `SELECT id FROM person WHERE ssin IN (${batch.map(() => "?").join(", ")})`,
        batch,
      );
      await gw.dataSource.query(
        `INSERT INTO role_assignment (person_id, enterprise_id, role, capacity_code, granted_by_id, granted_at, ended_at, ended_by_id, active_key, exclusive_key)
         VALUES ${ids.map(() => "(?, ?, 'USER', 'EMPLOYER_NSSO', NULL, ?, NULL, NULL, ?, NULL)").join(", ")}`,
        ids.flatMap(({ id }) => [id, enterpriseId, now, `${enterpriseId}:USER:EMPLOYER_NSSO:${id}`]),
      );
    }
  }

  it(`deletes the access of an enterprise with ${assignmentCount.toLocaleString("en")} assignments in one action with one bounded audit event`, async () => {
    const provider = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
    const e = await gw.seed.enterprise().withMainAccessManager().active().withServiceProvider(provider, "EMPLOYER_NSSO").build();
    await bulkUsers(e.id, assignmentCount);
    const current = `FROM role_assignment WHERE enterprise_id = ? AND ended_at IS NULL AND role <> 'LEGAL_REPRESENTATIVE'`;
    const expected = Number((await gw.dataSource.query(`SELECT COUNT(*) AS n ${current}`, [e.id]))[0].n);
    expect(expected).toBe(assignmentCount + 2); // the main access manager and their automatic profile
    const firstIds = (await gw.dataSource.query(`SELECT id ${current} ORDER BY id LIMIT ${auditedIdsLimit}`, [e.id])).map(
      (r: { id: number }) => Number(r.id),
    );

    const lr = await gw.client(e.legalRepresentative);
    await expect(lr.request(deleteAccess, { input: { enterprise: e.number, reason: "Closing down" } })).resolves.toEqual({
      deleteEnterpriseAccess: { status: "ACCESS_DELETED" },
    });

    expect(Number((await gw.dataSource.query(`SELECT COUNT(*) AS n ${current}`, [e.id]))[0].n)).toBe(0);
    expect(
      Number(
        (
          await gw.dataSource.query(
            "SELECT COUNT(*) AS n FROM role_assignment WHERE enterprise_id = ? AND active_key IS NOT NULL AND role <> 'LEGAL_REPRESENTATIVE'",
            [e.id],
          )
        )[0].n,
      ),
    ).toBe(0);
    expect(
      Number(
        (
          await gw.dataSource.query("SELECT COUNT(*) AS n FROM service_provider_mandate WHERE client_id = ? AND status = 'ACTIVE'", [e.id])
        )[0].n,
      ),
    ).toBe(0);
    const events: { details: string }[] = await gw.dataSource.query(
      "SELECT details FROM audit_event WHERE enterprise_id = ? AND action = 'DELETE_ENTERPRISE_ACCESS'",
      [e.id],
    );
    expect(events).toHaveLength(1);
    expect(events[0].details.length).toBeLessThan(4_000);
    expect(JSON.parse(events[0].details).before).toMatchObject({
      status: "ACTIVE",
      assignments: firstIds,
      assignmentCount: expected,
      mandateCount: 1,
    });
  });
});
