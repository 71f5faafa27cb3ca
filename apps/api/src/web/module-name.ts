// The module of a route's path: a module name (no path tricks: `..`, `/`, encoded or not, never
// match) that is installed on this node, else 400 naming the field or 404 naming the module.
import { NotFoundException } from '@nestjs/common';
import { installedModuleNames } from '@keel/config';
import { badField } from './validate';

const MODULE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function installedModule(name: string, modulesDir: string, field = 'path.module'): string {
  if (!MODULE_NAME.test(name) || name === 'node')
    throw badField(field, 'a module name matches [A-Za-z0-9_-]{1,64}');
  const installed = installedModuleNames(modulesDir).names;
  if (!installed.includes(name))
    throw new NotFoundException(`unknown module ${name} (installed: ${installed.join(', ') || 'none'})`);
  return name;
}
