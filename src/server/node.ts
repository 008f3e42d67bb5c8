/** The language server VS Code desktop starts (dist/server.js), over the IPC channel of its process. */
import { startEditorServer } from './editorHost';
import { ipcConnection } from './nodeConnection';

startEditorServer(ipcConnection());
