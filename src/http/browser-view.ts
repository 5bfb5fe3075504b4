import type { SessionView } from '../session.js';

/**
 * A row of `GET <prefix>/sessions`, as a browser receives it: a {@link SessionView} whose
 * `federated` says only that the session came from an identity provider. The provider's
 * issuer, subject and session id stay on the server: the page needs none of them, and a
 * provider's `sid` in a page's script or cache could name a session to that provider.
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
