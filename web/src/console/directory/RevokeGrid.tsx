// Owns: a table of things granted (roles, mailbox delegations) each with its revoke button, under one
// reason field the revocations share (the button waits for a reason), and the API's refusal in place.
import type { ReactNode } from 'react';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
import { Grid } from '../QueryList.tsx';
import './texts.ts';

export function RevokeGrid<T>(p: {
  testId: string;
  columns: string[];
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  /** The row's cells before its revoke button. */
  cells: (row: T) => ReactNode;
  /** The button's text, and the action column's name for screen readers. */
  label: string;
  /** What a button revokes, for its accessible name ("Thu hồi: …"). */
  what: (row: T) => string;
  reason: string;
  onReason: (reason: string) => void;
  change: { isPending: boolean; error: unknown };
  onRevoke: (row: T) => void;
}) {
  return (
    <>
      <Grid testId={p.testId} columns={[...p.columns, { srOnly: p.label }]}>
        {p.rows.map((row) => (
          <tr key={p.rowKey(row)}>
            {p.cells(row)}
            <td>
              <button type="button" className="button" aria-label={`${p.label}: ${p.what(row)}`} disabled={p.change.isPending || !p.reason.trim()} onClick={() => p.onRevoke(row)}>
                {p.label}
              </button>
            </td>
          </tr>
        ))}
      </Grid>
      <ReasonField value={p.reason} onChange={p.onReason} />
      <ApiError error={p.change.error} />
    </>
  );
}
