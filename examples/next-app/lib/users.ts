import { timingSafeEqual } from 'node:crypto';

/** Demo accounts: a real app checks a password hash in its database. */
const USERS: Readonly<Record<string, { readonly name: string }>> = {
  ada: { name: 'Ada Lovelace' },
  grace: { name: 'Grace Hopper' },
};

export const DEMO_PASSWORD = 'next-demo';

/** The user id for a correct username and password, else `undefined`. */
export function checkPassword(username: string, password: string): string | undefined {
  const given = Buffer.from(password);
  const expected = Buffer.from(DEMO_PASSWORD);
  const matches = given.length === expected.length && timingSafeEqual(given, expected);
  return matches && Object.hasOwn(USERS, username) ? username : undefined;
}

/** The display name of a user id. */
export function displayName(userId: string): string {
  return USERS[userId]?.name ?? userId;
}
