export declare const GZIP_BUDGET_BYTES: number;
export declare function measureSize(file: string): { raw: number; gzip: number; gzipMethod: string; brotli: number };
