type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
export type CamelKeys<T> = { [K in keyof T as Camel<K & string>]: T[K] };

/** `mlost_count` -> `mlostCount`: the model names attributes the TypeScript way, nothing more. */
export function camel<T extends object>(o: T): CamelKeys<T> {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), v]),
  ) as CamelKeys<T>;
}
