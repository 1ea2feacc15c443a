/** Collects bound values; every value reaches SQL as `$n`, never as text in the statement. */
export class SqlParams {
  readonly values: unknown[] = [];

  bind(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}
