import type Database from 'better-sqlite3';
import { DEMO_PASSWORD, DEMO_TENANTS, DEMO_USERS, type Role } from '../shared/demo-users.js';
import { hashPassword } from '../shared/passwords.js';

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly globalLogout: boolean;
}

export interface User {
  readonly id: string;
  readonly tenantId: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly passwordHash: string;
}

interface UserRow {
  id: string;
  tenant_id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
}

interface TenantRow {
  id: string;
  name: string;
  global_logout: number;
}

/** Users and tenants of the demo, with the tenant-wide "global logout" setting. */
export interface Accounts {
  /** Creates the demo tenants and users the first time the database is opened. */
  seed(): Promise<void>;
  userByEmail(email: string): User | undefined;
  userById(id: string): User | undefined;
  usersOf(tenantId: string): User[];
  tenant(id: string): Tenant | undefined;
  setGlobalLogout(tenantId: string, enabled: boolean): void;
  setPasswordHash(userId: string, passwordHash: string): void;
  setEmail(userId: string, email: string): void;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  tenantId: row.tenant_id,
  email: row.email,
  name: row.name,
  role: row.role,
  passwordHash: row.password_hash,
});

export function createAccounts(db: Database.Database): Accounts {
  const byEmail = db.prepare<[string], UserRow>('SELECT * FROM demo_users WHERE email = ?');
  const byId = db.prepare<[string], UserRow>('SELECT * FROM demo_users WHERE id = ?');
  const ofTenant = db.prepare<[string], UserRow>(
    "SELECT * FROM demo_users WHERE tenant_id = ? ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, name",
  );
  const tenantById = db.prepare<[string], TenantRow>('SELECT * FROM demo_tenants WHERE id = ?');
  const updateGlobalLogout = db.prepare<[number, string]>('UPDATE demo_tenants SET global_logout = ? WHERE id = ?');
  const updatePassword = db.prepare<[string, string]>('UPDATE demo_users SET password_hash = ? WHERE id = ?');
  const updateEmail = db.prepare<[string, string]>('UPDATE demo_users SET email = ? WHERE id = ?');
  const countUsers = db.prepare<[], { count: number }>('SELECT count(*) AS count FROM demo_users');
  const insertTenant = db.prepare<[string, string]>('INSERT OR IGNORE INTO demo_tenants (id, name) VALUES (?, ?)');
  const insertUser = db.prepare<[string, string, string, string, string, string]>(
    'INSERT OR IGNORE INTO demo_users (id, tenant_id, email, name, role, password_hash) VALUES (?, ?, ?, ?, ?, ?)',
  );

  return {
    async seed() {
      if ((countUsers.get()?.count ?? 0) > 0) return;
      // Hashing is asynchronous (scrypt runs on the thread pool); the inserts then go in one transaction.
      const hashes = await Promise.all(DEMO_USERS.map(() => hashPassword(DEMO_PASSWORD)));
      db.transaction(() => {
        for (const tenant of DEMO_TENANTS) insertTenant.run(tenant.id, tenant.name);
        DEMO_USERS.forEach((user, index) => insertUser.run(user.id, user.tenantId, user.email, user.name, user.role, hashes[index]!));
      })();
    },
    userByEmail(email) {
      const row = byEmail.get(email.trim());
      return row === undefined ? undefined : toUser(row);
    },
    userById(id) {
      const row = byId.get(id);
      return row === undefined ? undefined : toUser(row);
    },
    usersOf(tenantId) {
      return ofTenant.all(tenantId).map(toUser);
    },
    tenant(id) {
      const row = tenantById.get(id);
      return row === undefined ? undefined : { id: row.id, name: row.name, globalLogout: row.global_logout === 1 };
    },
    setGlobalLogout(tenantId, enabled) {
      updateGlobalLogout.run(enabled ? 1 : 0, tenantId);
    },
    setPasswordHash(userId, passwordHash) {
      updatePassword.run(passwordHash, userId);
    },
    setEmail(userId, email) {
      updateEmail.run(email, userId);
    },
  };
}
