import { lockStartup } from '../migrate.js';
import { Repo } from './base.js';

/** Facts about the store itself, and the lock that start-up work takes. */
export class SettingsRepo extends Repo {
  /**
   * PostgreSQL: waits for the start-up lock (the migrations' advisory lock) until the
   * transaction ends, so that processes starting at once on one database do their start-up
   * work one after another. SQLite's write transaction is already alone.
   */
  async lockStartup(): Promise<void> {
    await lockStartup(this.db, this.dialect);
  }

  async get(name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('store_settings')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }

  async put(name: string, value: string): Promise<void> {
    await this.db
      .insertInto('store_settings')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute();
  }
}
