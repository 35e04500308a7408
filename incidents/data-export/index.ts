// The data-export room's surface: what other rooms and parts use of it.
export type { ExportedFile } from './export-file.ts';
export type { ServerAddress } from './export-from-server.ts';
export { exportFromServer, ServerExportError } from './export-from-server.ts';
export type { ExportKindName } from './export-kinds.ts';
export { EXPORT_KIND_NAMES, EXPORT_TABLES, parseKindList } from './export-kinds.ts';
export type { ExportManifest, ExportVerification } from './export-manifest.ts';
export { MANIFEST_FILE, manifestHash, readManifest, verifyExport } from './export-manifest.ts';
export { exportRoutes } from './routes.ts';
export { streamExportArchive } from './stream-export.ts';
export type { ExportOptions, ExportResult } from './write-export.ts';
export { writeExport } from './write-export.ts';
