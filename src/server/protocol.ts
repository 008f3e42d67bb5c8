/**
 * The goconc extensions to the Language Server Protocol, shared by the server and the VS Code
 * client. Plain method names and types: neither side needs the other's libraries.
 *
 * Server -> client requests exist because in VS Code the files (and the parser's WASM) are read
 * through the editor's file system, which works for remote and virtual workspaces and on
 * vscode.dev; `goconc lsp` over stdio reads the disk itself and never sends them.
 */

/** Server -> client: the text of a file, or null when it cannot be read. */
export const READ_FILE = 'goconc/readFile';
export interface ReadFileParams {
  uri: string;
  /** Larger files are not sent (null). */
  maxBytes: number;
}

/** Server -> client: the entries of a folder (empty when it cannot be read). */
export const READ_DIRECTORY = 'goconc/readDirectory';
export interface ReadDirectoryParams {
  uri: string;
}
export interface DirectoryEntry {
  name: string;
  isFile: boolean;
}

/** Server -> client: one of the parser's WASM files from the extension, base64-encoded. */
export const READ_WASM = 'goconc/readWasm';
export interface ReadWasmParams {
  file: 'web-tree-sitter.wasm' | 'tree-sitter-go.wasm';
}

/**
 * In the VS Code client's initializationOptions: the `goconc` settings of the Go documents open
 * when the server starts, by URI, read exactly as the client answers workspace/configuration.
 * The server's first review of such a document does not wait for that request's round trip (up
 * to a third of a second while VS Code is busy starting); a configuration change drops them.
 */
export const OPEN_DOCUMENT_SETTINGS = 'goconcOpenDocumentSettings';
export type OpenDocumentSettings = Record<string, unknown>;

/**
 * Client -> server worker (web only), a plain worker message posted before the protocol's first:
 * the parser's WASM files, so the worker loads the parser while the extension activates instead
 * of asking for the files (READ_WASM) after the handshake. A file missing here is asked for.
 */
export interface PushWasm {
  goconcWasm: Partial<Record<ReadWasmParams['file'], Uint8Array>>;
}

export function isPushWasm(data: unknown): data is PushWasm {
  return typeof data === 'object' && data !== null && 'goconcWasm' in data && typeof (data as PushWasm).goconcWasm === 'object' && (data as PushWasm).goconcWasm !== null;
}

/** Server -> client notification after every review of an open document (the status bar listens). */
export const REVIEWED = 'goconc/reviewed';
export interface ReviewedParams {
  uri: string;
  version: number;
  /** Why the document was not analysed. */
  skipped?: 'too-large' | 'generated' | 'parse-timeout';
}

/**
 * Client -> server: review these files (Review Workspace), one folder at a time, publishing the
 * findings of files that are not open. Reports `$/progress` on the request's workDoneToken and
 * stops when the request is cancelled.
 */
export const REVIEW_WORKSPACE = 'goconc/reviewWorkspace';
export interface ReviewWorkspaceParams {
  uris: string[];
  workDoneToken?: string | number;
}
export interface ReviewWorkspaceResult {
  files: number;
  /** Findings the Problems panel lists (errors, warnings, information). */
  findings: number;
  hints: number;
  cancelled: boolean;
}

/** Client -> server: the rules, for the editor's rule picker and for hiding what gopls reports too. */
export const RULES = 'goconc/rules';
export interface RuleInfo {
  id: string;
  title: string;
  /** go vet / gopls analyzers that report the same problem (Rule.overlaps). */
  overlaps: string[];
}

/** Client -> server: a rule's documentation page as markdown (null for an unknown id). */
export const RULE_DOCS = 'goconc/ruleDocs';
export interface RuleDocsParams {
  id: string;
}

/** The command a CodeLens runs (the VS Code client turns its JSON arguments into editor types). */
export const GO_TO_LOCATIONS = 'goconc.goToLocations';

/** Base64 for WASM bytes over JSON-RPC (btoa/atob exist in Node and in workers). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
