export declare const EVERY_PAGE_GOAL_BYTES: number;
export declare const LANDING_GOAL_BYTES: number;
export declare function measureSize(file: string): { raw: number; gzip: number; gzipMethod: string; brotli: number };
