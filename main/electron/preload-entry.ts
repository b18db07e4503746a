// Entry of the Electron preload bundle (one self-contained CommonJS file: a sandboxed preload
// cannot require packages). It only hands Electron's objects to preload/index.ts.
import { contextBridge, ipcRenderer } from 'electron';
import { exposeSmsp } from '../../preload';

exposeSmsp({ contextBridge, ipcRenderer });
