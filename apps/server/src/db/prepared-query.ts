import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/** Stands for the argument at its index while the query is built; no real value starts with NUL. */
const markerOf = (index: number): string => `\u0000prepared-query-argument-${index}`;

/** Where each compiled parameter comes from: an argument (by index) or a constant of the built query. */
type ParameterSource = { argument: number } | { constant: unknown };

interface Template {
  compiled: CompiledQuery;
  sources: readonly ParameterSource[];
}

/**
 * A read built and compiled once per database handle, then run with new argument values. Building and compiling a
 * query with Kysely costs more than running a simple one on SQLite; the hot reads on every authenticated call (token
 * standing, the user, its roles) pay it once instead of per request. The SQL and its parameters are exactly what the
 * builder produces for the same arguments.
 *
 * `build` receives one stand-in string per argument and must use each one as a plain value (not inside `sql` text).
 */
export function preparedQuery<DB, Args extends readonly string[], Row>(
  arity: Args['length'],
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): (db: Kysely<DB>, ...args: Args) => Promise<Row[]> {
  const templates = new WeakMap<Kysely<DB>, Template>();
  const templateFor = (db: Kysely<DB>): Template => {
    let template = templates.get(db);
    if (!template) {
      template = compileTemplate(db, arity, build);
      templates.set(db, template);
    }
    return template;
  };
  return async (db, ...args) => {
    const { compiled, sources } = templateFor(db);
    const parameters = sources.map((source) => ('argument' in source ? args[source.argument] : source.constant));
    const result = await db.executeQuery<Row>({ ...compiled, parameters } as CompiledQuery<Row>);
    return result.rows;
  };
}

function compileTemplate<DB, Args extends readonly string[], Row>(
  db: Kysely<DB>,
  arity: number,
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): Template {
  const markers = Array.from({ length: arity }, (_, index) => markerOf(index));
  const compiled = build(db, ...(markers as unknown as Args)).compile();
  const sources = compiled.parameters.map((parameter): ParameterSource => {
    const argument = typeof parameter === 'string' ? markers.indexOf(parameter) : -1;
    return argument >= 0 ? { argument } : { constant: parameter };
  });
  const used = new Set(sources.flatMap((source) => ('argument' in source ? [source.argument] : [])));
  if (used.size !== arity || markers.some((marker) => compiled.sql.includes(marker))) {
    throw new Error('preparedQuery: every argument must be used as a bound parameter of the query.');
  }
  return { compiled, sources };
}
