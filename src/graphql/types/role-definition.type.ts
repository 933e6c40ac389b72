import { Field, ObjectType } from "type-graphql";
import type { Role, Task } from "../../access/role-tasks";
import { RoleEnum, TaskEnum } from "../../domain/enums";

@ObjectType({ description: "A row of the role-task table: a role and the tasks it includes.", simpleResolvers: true })
export class RoleDefinition {
  @Field(() => RoleEnum, { description: "The role." })
  role: Role;

  @Field(() => [TaskEnum], { description: "The tasks the role includes." })
  tasks: Task[];

  @Field(() => String, { description: "What a holder of the role does, in a sentence." })
  description: string;
}
