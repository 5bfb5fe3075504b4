/** Roles inside a tenant. Owners and admins manage the tenant's settings and team. */
export type Role = 'owner' | 'admin' | 'member';

export interface DemoTenant {
  readonly id: string;
  readonly name: string;
}

export interface DemoUser {
  readonly id: string;
  readonly tenantId: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
}

/** Every seeded account starts with this password; the login page shows it. */
export const DEMO_PASSWORD = 'keystone-demo';

export const DEMO_TENANTS: readonly DemoTenant[] = [
  { id: 'acme', name: 'Acme' },
  { id: 'globex', name: 'Globex' },
];

export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'u-ada', tenantId: 'acme', email: 'ada@acme.test', name: 'Ada Lovelace', role: 'owner' },
  { id: 'u-alan', tenantId: 'acme', email: 'alan@acme.test', name: 'Alan Turing', role: 'admin' },
  { id: 'u-ben', tenantId: 'acme', email: 'ben@acme.test', name: 'Ben Carter', role: 'member' },
  { id: 'u-grace', tenantId: 'globex', email: 'grace@globex.test', name: 'Grace Hopper', role: 'owner' },
  { id: 'u-otto', tenantId: 'globex', email: 'otto@globex.test', name: 'Otto Weber', role: 'member' },
];

/** Whether a role may change tenant settings and sign teammates out. */
export function canManage(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}
