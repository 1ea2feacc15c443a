export const WORKSPACES_OPTIONS = Symbol('WORKSPACES_OPTIONS');

export interface WorkspacesOptions {
  /**
   * How long a process trusts a token it found valid without asking the database again (TOKEN_CACHE_MS): the
   * bound on how late a revocation reaches each replica. 0 asks the database on every request.
   */
  tokenCacheMs: number;
}
