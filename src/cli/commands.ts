import type { AnyCommand } from './command.js';
import { eraseUser } from './commands/erase-user.js';
import { exportUser } from './commands/export-user.js';
import { list } from './commands/list.js';
import { migrate } from './commands/migrate.js';
import { prune } from './commands/prune.js';
import { revokeTenant } from './commands/revoke-tenant.js';
import { revokeUser } from './commands/revoke-user.js';
import { ssfCreateStream } from './commands/ssf-create-stream.js';
import { ssfStatus } from './commands/ssf-status.js';
import { ssfVerify } from './commands/ssf-verify.js';
import { stats } from './commands/stats.js';

/** Every command, in the order the help lists them. A new command is one file and one line here. */
export const COMMANDS: readonly AnyCommand[] = [migrate, list, revokeUser, revokeTenant, prune, stats, exportUser, eraseUser, ssfCreateStream, ssfVerify, ssfStatus];
