/**
 * The Node server's connections and file system. Connections are built from the protocol libraries' common parts: their Node
 * entry points also bring socket, pipe and child-process transports, which the server does not
 * use (and its bundles must not carry: the analysis never touches the network).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import RIL from 'vscode-jsonrpc/lib/node/ril';
import { AbstractMessageReader, AbstractMessageWriter, Disposable, ReadableStreamMessageReader, WriteableStreamMessageWriter, type DataCallback, type Message, type MessageReader, type MessageWriter } from 'vscode-jsonrpc/lib/common/api';
import { createProtocolConnection } from 'vscode-languageserver-protocol/lib/common/api';
import { createConnection, type Connection } from 'vscode-languageserver/lib/common/api';
import type { FileSystem } from './files';

function connect(reader: MessageReader, writer: MessageWriter): Connection {
  let shutdown = false;
  return createConnection((logger) => createProtocolConnection(reader, writer, logger), {
    initialize: () => undefined,
    get shutdownReceived() {
      return shutdown;
    },
    set shutdownReceived(value: boolean) {
      shutdown = value;
    },
    exit: (code: number) => process.exit(code),
  });
}

/** Over standard input and output (`goconc lsp`). */
export function stdioConnection(): Connection {
  RIL.install();
  return connect(new ReadableStreamMessageReader(RIL().stream.asReadableStream(process.stdin)), new WriteableStreamMessageWriter(RIL().stream.asWritableStream(process.stdout)));
}

/** Over the IPC channel of a process forked by VS Code's language client (`--node-ipc`). */
export function ipcConnection(): Connection {
  // The client went away (window closed, extension host crashed): nothing is left to serve.
  process.on('disconnect', () => process.exit(0));
  RIL.install();
  return connect(new IpcReader(), new IpcWriter());
}

class IpcReader extends AbstractMessageReader {
  constructor() {
    super();
    process.on('error', (e) => this.fireError(e));
  }

  listen(callback: DataCallback): Disposable {
    const on = (m: unknown) => callback(m as Message);
    process.on('message', on);
    return Disposable.create(() => process.off('message', on));
  }
}

class IpcWriter extends AbstractMessageWriter {
  private errors = 0;

  write(msg: Message): Promise<void> {
    if (!process.send) return Promise.reject(new Error('no IPC channel'));
    process.send(msg, undefined, undefined, (error: Error | null) => {
      if (error) this.fireError(error, msg, ++this.errors);
      else this.errors = 0;
    });
    return Promise.resolve();
  }

  end(): void {}
}

/** The file system path of a `file:` URI; other schemes are not on this disk. */
function localPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `file:` URIs read from this machine's disk; others go to `otherwise` (the client, for the
 * desktop server) or read as missing (`goconc lsp`).
 */
export function nodeFileSystem(otherwise?: FileSystem): FileSystem {
  return {
    async readFile(uri, maxBytes) {
      const path = localPath(uri);
      if (!path) return otherwise?.readFile(uri, maxBytes);
      try {
        const st = statSync(path);
        return st.isFile() && st.size <= maxBytes ? readFileSync(path, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
    async readDirectory(uri) {
      const path = localPath(uri);
      if (!path) return otherwise?.readDirectory(uri) ?? [];
      try {
        return readdirSync(path, { withFileTypes: true }).map((e) => ({ name: e.name, isFile: e.isFile() }));
      } catch {
        return [];
      }
    },
  };
}
