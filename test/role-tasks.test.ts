import { roleTasks, tasks, roles, taskScope } from "../src/access/role-tasks";

/** The role-task table pinned a second time, role by role as the policy reads: a change to the policy must change this test too. */
describe("the role-task table", () => {
  it("gives each role the tasks of the policy, in its order", () => {
    expect(roleTasks).toEqual({
      LEGAL_REPRESENTATIVE: ["APPOINT_MAIN_ACCESS_MANAGER", "APPOINT_SERVICE_PROVIDER", "ACTIVATE_EBOX", "DELETE_ENTERPRISE_ACCESS"],
      MAIN_ACCESS_MANAGER: ["ACTIVATE_ENTERPRISE_ACCOUNT", "ACTIVATE_CAPACITY", "MANAGE_USERS", "APPOINT_ACCESS_MANAGER"],
      ACCESS_MANAGER: ["MANAGE_USERS", "USE_ONLINE_SERVICES", "USE_EBOX", "CONFIGURE_STRUCTURED_MESSAGES"],
      USER: ["USE_ONLINE_SERVICES", "USE_EBOX"],
    });
  });

  it("gives every task to at least one role", () => {
    for (const task of tasks) expect(roles.filter((role) => (roleTasks[role] as readonly string[]).includes(task))).not.toEqual([]);
  });

  it("scopes user management, online services and structured messages to a capacity, everything else to the enterprise", () => {
    expect(tasks.filter((t) => taskScope[t] === "capacity")).toEqual([
      "MANAGE_USERS",
      "USE_ONLINE_SERVICES",
      "CONFIGURE_STRUCTURED_MESSAGES",
    ]);
  });
});
