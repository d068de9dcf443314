export function startHttpServer(): Promise<{ port: number; close: () => Promise<void> }>;
