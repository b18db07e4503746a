// Entry of the Electron main process: the only module that hands the real `electron` to the shell.
import * as electron from 'electron';
import { createLogger } from '../log/logger';
import { startElectronApp } from './entry';

void startElectronApp(electron, { env: process.env, log: createLogger() });
