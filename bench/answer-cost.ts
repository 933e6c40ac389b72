import "reflect-metadata";
import { parse, type OperationDefinitionNode } from "graphql";
import { buildGatewaySchema } from "../src/graphql/schema";
import { answerCost } from "../src/http/answer-cost";
import { assignmentListQuery, myEnterprisesQuery } from "./queries";

/**
 * `node -r @swc-node/register bench/answer-cost.ts`: the CPU time the actual cost of an answer (`extensions.cost.actual`,
 * src/http/answer-cost.ts) adds to a request, on answers shaped as the benchmark's (b) and (c) 1,000 rows. CPU time of
 * this process, so that a busy machine moves it less than req/s.
 */
const schema = buildGatewaySchema();
const assignment = (id: number) => ({
  node: {
    id: String(id),
    role: "USER",
    grantedAt: "2025-01-01T00:00:00.000Z",
    person: { givenName: "Given", familyName: "Family" },
    capacity: { code: "EMPLOYER_NSSO" },
    onlineServices: [{ code: "DIMONA" }],
  },
});
const answers = [
  {
    name: "(c) 1,000 rows",
    query: assignmentListQuery,
    data: {
      myEnterprises: Array.from({ length: 10 }, (_, e) => ({
        roleAssignments: { edges: Array.from({ length: 100 }, (_, i) => assignment(e * 100 + i)) },
      })),
    },
  },
  {
    name: "(b) myEnterprises, 5 x 20",
    query: myEnterprisesQuery,
    data: {
      myEnterprises: Array.from({ length: 5 }, () => ({
        number: "0123.456.749",
        name: "Enterprise",
        myTasks: ["MANAGE_USERS"],
        capacities: Array.from({ length: 6 }, () => ({ capacity: { code: "EMPLOYER_NSSO", name: "Employer" }, status: "ACTIVE" })),
        roleAssignments: { totalCount: 20, edges: Array.from({ length: 20 }, (_, i) => assignment(i)) },
      })),
    },
  },
];

const runs = Number(process.env.BENCH_RUNS ?? 2_000);
for (const { name, query, data } of answers) {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  let cost = 0;
  for (let i = 0; i < runs / 10; i++) cost = answerCost(schema, document, operation, data);
  const before = process.cpuUsage();
  for (let i = 0; i < runs; i++) answerCost(schema, document, operation, data);
  const used = process.cpuUsage(before);
  console.log(`${name}: actual cost ${cost}, ${((used.user + used.system) / runs).toFixed(1)} µs of CPU per answer`);
}
