// Owns: how the console's screens show a list they fetched: a status line while it loads, the error in
// place when it failed, a line when it is empty, else the rows; and the grid table (column headings,
// an action column named for screen readers only) those rows sit in. Used by the directory and the
// operations screens alike, each with its own texts.
import type { ReactNode } from 'react';

export interface ListQuery<T> {
  isPending: boolean;
  isError: boolean;
  error: Error | null;
  data: readonly T[] | undefined;
}

export function QueryList<T>({
  query,
  items,
  loading,
  failed,
  empty,
  children,
}: {
  query: ListQuery<T>;
  /** The rows to show when they are not query.data itself (a filtered or sorted copy). */
  items?: readonly T[];
  loading: string;
  failed: (error: Error) => ReactNode;
  empty: string;
  children: (items: readonly T[]) => ReactNode;
}) {
  if (query.isPending) return <p role="status">{loading}</p>;
  if (query.isError) return <>{failed(query.error!)}</>;
  const list = items ?? query.data ?? [];
  return list.length === 0 ? <p>{empty}</p> : <>{children(list)}</>;
}

/** A column heading: its text, one named only for screen readers (an action column), or none (false). */
export type Column = string | { srOnly: string } | false;

export function Grid({ testId, columns, children }: { testId?: string; columns: Column[]; children: ReactNode }) {
  return (
    <table className="grid" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c, i) =>
            c === false ? null : (
              <th scope="col" key={i}>
                {typeof c === 'string' ? c : <span className="sr-only">{c.srOnly}</span>}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
