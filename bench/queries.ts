/** The operations the benchmark sends. */
export const myEnterprisesQuery = `query MyEnterprises {
  myEnterprises {
    number
    name
    myTasks
    capacities { capacity { code name } status }
    roleAssignments(first: 20) {
      totalCount
      edges { node { id role grantedAt person { givenName familyName } capacity { code } onlineServices { code } } }
    }
  }
}`;

/** A flat list of assignments: 20 rows from one enterprise, or 1,000 rows from ten enterprises of 100. */
export const assignmentListQuery = `query AssignmentList {
  myEnterprises {
    roleAssignments(first: 100) {
      edges { node { id role grantedAt person { givenName } capacity { code } } }
    }
  }
}`;

export const twentyRowsQuery = `query TwentyRows($e: EnterpriseNumber!) {
  enterprise(number: $e) {
    roleAssignments(first: 20) {
      edges { node { id role grantedAt person { givenName } capacity { code } } }
    }
  }
}`;
