// Owns: how the console shows an API refusal in place: the server's message (Vietnamese first, English
// when the app is in English), announced to screen readers.
import { errorText } from './api.ts';

export function ApiError({ error, testId }: { error: unknown; testId?: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert" data-testid={testId}>
      {errorText(error)}
    </p>
  );
}
