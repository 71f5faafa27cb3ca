// What a `<proc name>` may be (reference §5.10). It always names the resource `proc.<name>`, so it
// must be a resource name (the bus's and the heartbeat wire's: letters, digits, _ . -); with
// service="yes" it is also a systemd unit that errd hands to `systemctl is-active` as root, so it
// must be a unit name and nothing an option could be read from.

/** A resource name's characters, `proc.` taking 5 of its 128. */
const RESOURCE_PART = /^[A-Za-z0-9_.-]{1,123}$/;
/**
 * systemd's unit name characters less `@`, `:` and `\` (templates and escapes), which no resource
 * name holds; 63 at most (reference §5.10).
 */
const UNIT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;

/** Why `name` cannot name a monitored process's resource, or undefined. */
export function procNameProblem(name: string): string | undefined {
  return RESOURCE_PART.test(name)
    ? undefined
    : `'${name}' cannot name the resource proc.${name}: use letters, digits, _ . and - (select processes of other names with nameregex)`;
}

/** Why `name` is not a systemd unit errd can ask about, or undefined. */
export function systemdUnitProblem(name: string): string | undefined {
  return UNIT_NAME.test(name)
    ? undefined
    : `'${name}' is not a systemd unit name keel accepts: at most 63 letters, digits, _ . and -, not starting with . or -`;
}
