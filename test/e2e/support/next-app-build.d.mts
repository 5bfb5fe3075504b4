/** The example's folder, examples/next-app. */
export declare const NEXT_APP: string;
/** The example's `next` command. */
export declare const NEXT_BIN: string;
/** The environment `next` runs in: no telemetry. */
export declare const NEXT_ENV: NodeJS.ProcessEnv;
/** Installs the example when needed and builds it when its sources or dist/ changed. */
export declare function prepareNextApp(): void;
