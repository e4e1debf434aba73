import type { CaseActionName } from '../../functions/src/domain/action-availability.js';

/**
 * Every write the app makes: `POST /cases` (intake) and `POST /cases/{caseId}/actions`, on the same
 * origin, with the signed-in person's ID token. Answers come back as values, never as exceptions, in
 * the shape of Tandem's JSON error body, so a form can put each problem beside its field.
 */

export interface FieldProblem {
  path: string;
  message: string;
}

export interface ApiError {
  code: string;
  message: string;
  issues?: FieldProblem[];
  /** 409 answers carry the case's current status (and version, for version_conflict). */
  status?: string;
  version?: number;
}

/** The answer to a request that never reached Tandem (offline, a token that could not be refreshed). */
export const UNREACHABLE: ApiError = { code: 'unavailable', message: 'Tandem could not be reached. Check your connection and send it again: it will not be sent twice.' };

export type Answer<T> = { ok: true; httpStatus: number; value: T } | { ok: false; httpStatus: number; error: ApiError };

export interface AcceptedCase {
  caseId: string;
  status: 'received';
}

export interface AppliedAction {
  caseId: string;
  status: string;
  version: number;
  event: { id: string; type: string };
}

export type ActionBody = { action: CaseActionName; expectedVersion?: number } & Record<string, unknown>;

export interface Api {
  openCase(body: Record<string, unknown>, idempotencyKey: string): Promise<Answer<AcceptedCase>>;
  act(caseId: string, body: ActionBody, idempotencyKey: string): Promise<Answer<AppliedAction>>;
}

export function createApi(idToken: () => Promise<string | null>, baseUrl = ''): Api {
  async function post<T>(path: string, body: unknown, idempotencyKey: string): Promise<Answer<T>> {
    // Refreshing an expired token needs the network too: failing, it is the same "could not reach".
    const token = await idToken().catch(() => undefined);
    if (token === undefined) return { ok: false, httpStatus: 0, error: UNREACHABLE };
    if (!token) return { ok: false, httpStatus: 401, error: { code: 'unauthenticated', message: 'Your sign-in has ended. Sign in again to send this.' } };
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': idempotencyKey },
        body: JSON.stringify(body),
      });
    } catch {
      return { ok: false, httpStatus: 0, error: UNREACHABLE };
    }
    const answer = (await response.json().catch(() => null)) as { error?: ApiError } | null;
    if (response.ok && answer) return { ok: true, httpStatus: response.status, value: answer as T };
    const error = answer?.error ?? { code: 'internal', message: `Tandem answered ${response.status} without saying why. Try again in a moment.` };
    return { ok: false, httpStatus: response.status, error };
  }
  return {
    openCase: (body, key) => post('/cases', body, key),
    act: (caseId, body, key) => post(`/cases/${encodeURIComponent(caseId)}/actions`, body, key),
  };
}

/** A fresh key for one form: sending the same form again (a retry, a double click) is one case, one action. */
export const newIdempotencyKey = (): string => crypto.randomUUID();
