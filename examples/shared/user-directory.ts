import { DEMO_PASSWORD, DEMO_TENANTS, DEMO_USERS, type DemoUser } from './demo-users.js';
import { hashPassword, verifyNobody, verifyPassword } from './passwords.js';

/** What the JSON APIs say about a user: never the password hash. */
export interface PublicUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: DemoUser['role'];
  readonly tenant: { readonly id: string; readonly name: string };
}

/** The seeded users in memory, for the Fastify and Koa examples (the Express demo keeps them in SQLite). */
export interface UserDirectory {
  /** The user whose email and password these are, or `undefined` (in the same time either way). */
  checkPassword(email: unknown, password: unknown): Promise<DemoUser | undefined>;
  publicUser(userId: string): PublicUser | undefined;
}

export async function createUserDirectory(): Promise<UserDirectory> {
  const hashes = new Map(await Promise.all(DEMO_USERS.map(async (user) => [user.id, await hashPassword(DEMO_PASSWORD)] as const)));
  const byEmail = new Map(DEMO_USERS.map((user) => [user.email.toLowerCase(), user]));
  const byId = new Map(DEMO_USERS.map((user) => [user.id, user]));
  return {
    async checkPassword(email, password) {
      if (typeof email !== 'string' || typeof password !== 'string') return undefined;
      const user = byEmail.get(email.trim().toLowerCase());
      if (user === undefined) return verifyNobody(password).then(() => undefined);
      return (await verifyPassword(password, hashes.get(user.id)!)) ? user : undefined;
    },
    publicUser(userId) {
      const user = byId.get(userId);
      if (user === undefined) return undefined;
      const tenant = DEMO_TENANTS.find((candidate) => candidate.id === user.tenantId)!;
      return { id: user.id, email: user.email, name: user.name, role: user.role, tenant: { id: tenant.id, name: tenant.name } };
    },
  };
}
