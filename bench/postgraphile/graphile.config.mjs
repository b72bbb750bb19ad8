// PostGraphile 5 over the benchmark database (bench/compiled.py starts it with PORT and DATABASE_URL).
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: Number(process.env.POOL_SIZE ?? 10) },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 5678),
    graphiql: false,
    watch: false,
  },
  grafast: { explain: false },
  // Order and filter by any column, as our API does (PostGraphile hides unindexed ones by default).
  disablePlugins: ["PgIndexBehaviorsPlugin"],
};

export default preset;
