import type { SessionView } from '../session.js';

/**
 * A row of `GET <prefix>/sessions`: a {@link SessionView} whose `federated` only says the session
 * came from an identity provider; the provider's identifiers stay on the server.
 */
export type BrowserSessionView = Omit<SessionView, 'federated'> & {
  /** `true` when the session was signed in through an identity provider. */
  readonly federated?: true | undefined;
};

/** A list row as the session routes send it. */
export function browserView(view: SessionView): BrowserSessionView {
  const { federated, ...rest } = view;
  return federated === undefined ? rest : { ...rest, federated: true };
}
