// The GraphQL types (code-first): the same model as the REST API's answers (docs/decisions/0021),
// built by the same services. Resources are a list of name/value pairs, since GraphQL has no map.
import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { API_COMMANDS } from '../web/module-commands';

@ObjectType({ description: "This node: its cluster.xml name, host, OS and keel's version" })
export class Level {
  @Field() node!: string;
  @Field() host!: string;
  @Field() os!: string;
  @Field() version!: string;
}

@ObjectType({ description: 'Who the credential of this operation is, and its role' })
export class WhoAmI {
  @Field() user!: string;
  @Field({ description: 'Admin, Control or Monitor' }) role!: string;
}

@ObjectType({ description: 'A module installed on this node, with the last state admin announced' })
export class ModuleSummary {
  @Field() name!: string;
  @Field({ nullable: true, description: 'absent until admin announced one' }) state?: string;
  @Field({ nullable: true }) readiness?: string;
}

@ObjectType({ description: "A module resource's value, since when and who set it (keel state -v)" })
export class ResourceState {
  @Field() name!: string;
  @Field() value!: string;
  @Field() since!: string;
  @Field() by!: string;
}

@ObjectType({
  description: "The module's state on this node, its peer's, and every resource (keel state -v)",
})
export class ModuleState {
  @Field() module!: string;
  @Field() state!: string;
  @Field() readiness!: string;
  @Field(() => Int, { description: 'the exit code of keel state -lq' }) exitCode!: number;
  @Field({ description: "the peer's state as this node knows it" }) remote!: string;
  @Field(() => [ResourceState]) resources!: ResourceState[];
}

@ObjectType({ description: 'One resource of a module (keel get -r)' })
export class Resource {
  @Field() name!: string;
  @Field() value!: string;
}

@ObjectType({ description: 'A page of the module log, oldest line first' })
export class LogPage {
  @Field(() => [String]) lines!: string[];
  @Field({ nullable: true, description: 'give it as before to read the older page; absent at the start' })
  older?: string;
}

@ObjectType({ description: 'A script log of a module: one run\'s output (<user logging="userlog">)' })
export class ScriptLog {
  @Field({ description: 'its name, as scriptLog takes it' }) name!: string;
  @Field({ description: 'the script that wrote it' }) script!: string;
  @Field({ description: 'when the script started (ISO 8601, UTC)' }) at!: string;
  @Field(() => Int) bytes!: number;
}

@ObjectType({ description: 'The end of one script log' })
export class ScriptLogText extends ScriptLog {
  @Field() text!: string;
  @Field({ description: 'the log holds more than the text gives' }) truncated!: boolean;
}

@ObjectType({ description: "Admin's answer to a module command" })
export class CommandResult {
  @Field() detail!: string;
}

@ObjectType({ description: 'A module entered a state (announced by admin)' })
export class StateChanged {
  @Field() module!: string;
  @Field() state!: string;
  @Field() readiness!: string;
  @Field({ description: 'when the module entered it (ISO 8601)' }) since!: string;
}

@ObjectType({ description: 'A line written in a module log' })
export class LogLineEvent {
  @Field() module!: string;
  @Field({ description: 'I, E or V' }) level!: string;
  @Field() message!: string;
  @Field({ nullable: true, description: "the service that wrote it; absent for admin's own lines" })
  component?: string;
  @Field({ description: 'when it was published (ISO 8601)' }) at!: string;
}

/** The module commands, as the REST route's `<command>`. */
export const ModuleCommand = Object.fromEntries(API_COMMANDS.map((c) => [c, c])) as Record<string, string>;
registerEnumType(ModuleCommand, {
  name: 'ModuleCommand',
  description:
    'A module command; Control role, except the read-only boot status, errd list, farm bitmap and checkloop (Monitor)',
});
