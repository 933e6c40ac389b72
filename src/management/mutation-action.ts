import type { Task } from "../access/role-tasks";
import type { Enterprise } from "../domain/entities";
import type { ActionScope, AuditAction } from "./action";
import type { Place, Target } from "./target";

/** The audit event's details, beside the task and the mutation's name that the declaration gives. */
type AuditDetails = { before: unknown; after: unknown } & Record<string, unknown>;

/** What an action's `run` is handed besides its scope: the rest of its declaration, applied. */
export interface Act<L, C> extends Audits {
  /** The capacity the arguments name, already checked (when the target reads one). */
  readonly capacity: C;
  /** Reads where the action acts (its enterprise locked, read once) and requires the declared task there (FORBIDDEN otherwise). */
  locate(): Promise<L>;
}

interface Audits {
  /** Writes the action's audit event, in its transaction: the declared task (or named action) and mutation, with these details. */
  audit(enterprise: Enterprise | null, details: AuditDetails): Promise<void>;
  /** A bulk action's events, one per item done, appended in one statement: each as `audit` would write it. */
  auditEach(enterprise: Enterprise | null, details: readonly AuditDetails[]): Promise<void>;
}

/** A management action done for a task of the role-task table, in the place its target reads from the arguments. */
interface TaskDeclaration<I, R, L extends Place, C> {
  /** The Mutation field, exactly as the schema names it. */
  mutation: string;
  task: Task;
  target: Target<NoInfer<I>, L, C>;
  run(scope: ActionScope, input: I, act: Act<L, C>): Promise<R>;
}

/** A management action that any signed-in person does for themself: no task, no enterprise. */
interface SelfDeclaration<I, R> {
  mutation: string;
  task: null;
  /** The audit event's action. */
  audit: Exclude<AuditAction, Task>;
  run(scope: ActionScope, input: I, act: Audits): Promise<R>;
}

/**
 * A declared action: called as `action(scope, input)` (the resolver, tests and seeds run it through runAction), and
 * carrying its declaration, from which the shield's rule for its mutation is built (src/management/registry.ts).
 */
export type MutationAction<I = never, R = unknown> = ((scope: ActionScope, input: I) => Promise<R>) & {
  readonly mutation: string;
  readonly task: Task | null;
  readonly target: Target<I, Place, unknown> | null;
  /** What its audit events record as their action: its task, or its own named action. */
  readonly auditAction: AuditAction;
};

/**
 * Declares a management action once: its mutation, its task, where it acts (its target), and what it does. The
 * shield's rule, the action's decision under lock and its audit event are all built from this one declaration, so
 * they cannot name different tasks.
 */
export function mutationAction<I, R, L extends Place, C>(declaration: TaskDeclaration<I, R, L, C>): MutationAction<I, R>;
export function mutationAction<I, R>(declaration: SelfDeclaration<I, R>): MutationAction<I, R>;
export function mutationAction<I, R>(declaration: TaskDeclaration<I, R, Place, unknown> | SelfDeclaration<I, R>): MutationAction<I, R> {
  const { mutation } = declaration;
  const audits = (scope: ActionScope, action: AuditAction): Audits => ({
    audit: (enterprise, details) => scope.audit(action, enterprise, { mutation, ...details }),
    auditEach: (enterprise, details) =>
      scope.auditEach(
        action,
        enterprise,
        details.map((d) => ({ mutation, ...d })),
      ),
  });
  if (declaration.task === null) {
    const { audit: auditAction, run } = declaration;
    const perform = (scope: ActionScope, input: I) => run(scope, input, audits(scope, auditAction));
    return Object.assign(perform, { mutation, task: null, target: null, auditAction });
  }
  const { task, target, run } = declaration;
  // Async: a refused capacity rejects the action's promise, as any other refusal of its input does.
  const perform = async (scope: ActionScope, input: I) =>
    run(scope, input, {
      capacity: target.capacity(input, scope.catalog),
      async locate() {
        const located = await target.lock(scope, input);
        await scope.access.require(located.enterprise, task, located.capacity);
        return located;
      },
      ...audits(scope, task),
    });
  return Object.assign(perform, { mutation, task, target, auditAction: task });
}
