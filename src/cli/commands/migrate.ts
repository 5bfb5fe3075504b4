import type { Command } from '../command.js';

/** `migrate`: creates the store's tables, and says what it did. */
export const migrate: Command = {
  name: 'migrate',
  summary: "Create the store's tables (PostgreSQL, MySQL, SQLite); Redis needs none",
  args: [],
  createsDatabase: true,
  options: {},
  optionHelp: [],
  details: 'Safe to run again, and while apps are running: instances migrating at once take turns.',
  async run({ store, output }) {
    output.line(await store.migrate());
  },
};
